// Neutral messages -> Cloud API calls. Every limit is checked with an
// independent UTF-8 decoder and UTF-16 counter, not the adapter's own.
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace ponte::channels::whatsapp {
namespace {

using nlohmann::json;

// UTF-16 length of valid UTF-8, or -1 when the bytes are not valid UTF-8.
long utf16_units(const std::string& s) {
  long units = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    std::uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (c & 0x3F);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    units += cp > 0xFFFF ? 2 : 1;
    i += len;
  }
  return units;
}

// Checks a string field: valid UTF-8, non-empty, within `max` UTF-16 units.
void expect_fits(const json& v, long max, const std::string& what) {
  ASSERT_TRUE(v.is_string()) << what;
  const long n = utf16_units(v.get<std::string>());
  EXPECT_GE(n, 1) << what << ": " << v;
  EXPECT_LE(n, max) << what << ": " << v;
}

OutboundMessage with_choices(std::string text, std::vector<Choice> choices,
                             std::string lang = "it") {
  OutboundMessage m;
  m.text = std::move(text);
  m.lang = std::move(lang);
  m.choice_token = "8f3a";
  m.choices = std::move(choices);
  return m;
}

std::vector<Choice> numbered_choices(std::size_t n, const std::string& stem) {
  std::vector<Choice> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back({"opt" + std::to_string(i), stem + std::to_string(i)});
  return out;
}

std::vector<json> bodies(const std::vector<ApiCall>& calls) {
  std::vector<json> out;
  for (const auto& c : calls) {
    EXPECT_EQ(c.method, "messages");
    out.push_back(json::parse(c.body));
    EXPECT_EQ(out.back()["messaging_product"], "whatsapp");
  }
  return out;
}

// Validates reply buttons or a list against Meta's limits; returns titles.
std::vector<std::string> check_interactive(const json& body, const OutboundMessage& msg) {
  EXPECT_EQ(body["type"], "interactive");
  const json& in = body["interactive"];
  expect_fits(in["body"]["text"], 1024, "body");
  std::vector<std::string> titles;
  std::set<std::string> ids;
  const bool buttons = in["type"] == "button";
  const json rows = buttons ? in["action"]["buttons"] : in["action"]["sections"][0]["rows"];
  EXPECT_EQ(rows.size(), msg.choices.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& item = buttons ? rows[i]["reply"] : rows[i];
    if (buttons) {
      EXPECT_EQ(rows[i]["type"], "reply");
    }
    EXPECT_EQ(item["id"], encode_choice_ref(msg.choice_token, msg.choices[i].id));
    ids.insert(item["id"].get<std::string>());
    expect_fits(item["title"], buttons ? 20 : 24, "title");
    if (item.contains("description")) expect_fits(item["description"], 72, "description");
    titles.push_back(item["title"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), rows.size());
  EXPECT_EQ(std::set<std::string>(titles.begin(), titles.end()).size(), titles.size())
      << "titles must be unique";
  if (!buttons) {
    EXPECT_EQ(in["type"], "list");
    expect_fits(in["action"]["button"], 20, "list button");
    expect_fits(in["action"]["sections"][0]["title"], 24, "section title");
    EXPECT_EQ(in["action"]["sections"].size(), 1u);
  }
  return titles;
}

TEST(WhatsAppRender, PlainText) {
  OutboundMessage m;
  m.text = "Ciao *Amina* <b>&amp; benvenuta";
  const auto calls = bodies(render(m, "393331234567", "Scegli"));
  ASSERT_EQ(calls.size(), 1u);
  const json expected =
      json::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual",
    "to":"+393331234567","type":"text",
    "text":{"body":"Ciao *Amina* <b>&amp; benvenuta","preview_url":false}})");
  EXPECT_EQ(calls[0], expected);
}

TEST(WhatsAppRender, Recipients) {
  OutboundMessage m;
  m.text = "x";
  EXPECT_EQ(bodies(render(m, "+393331234567", "L"))[0]["to"], "+393331234567");
  const auto bsuid = bodies(render(m, "US.13491208655302741918", "L"))[0];
  EXPECT_EQ(bsuid["recipient"], "US.13491208655302741918");
  EXPECT_FALSE(bsuid.contains("to"));
}

TEST(WhatsAppRender, NothingToSend) {
  OutboundMessage empty;
  EXPECT_TRUE(render(empty, "39333", "L").empty());
  OutboundMessage ack;
  ack.ack_callback_id = "123";
  EXPECT_TRUE(render(ack, "39333", "L").empty());
}

TEST(WhatsAppRender, LongTextSplitsAt4096Units) {
  OutboundMessage m;
  m.lang = "ar";
  std::string sentence = "يمكنك تجديد تصريح الإقامة في مكتب الشرطة. ";  // 2-byte letters
  while (utf16_units(m.text) < 9000) m.text += sentence;
  const auto calls = bodies(render(m, "212612345678", "L"));
  ASSERT_EQ(calls.size(), 3u);
  std::string joined;
  for (const auto& c : calls) {
    EXPECT_EQ(c["type"], "text");
    expect_fits(c["text"]["body"], 4096, "text part");
    joined += c["text"]["body"].get<std::string>();
  }
  EXPECT_GT(utf16_units(joined), 8900);
}

TEST(WhatsAppRender, TwoButtons) {
  const auto m = with_choices("Vuoi parlare con un operatore?", {{"yes", "Sì"}, {"no", "No"}});
  const auto calls = bodies(render(m, "393331234567", "Scegli"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["interactive"]["type"], "button");
  EXPECT_EQ(calls[0]["interactive"]["body"]["text"], "Vuoi parlare con un operatore?");
  EXPECT_EQ(check_interactive(calls[0], m), (std::vector<std::string>{"Sì", "No"}));
  EXPECT_EQ(calls[0]["interactive"]["action"]["buttons"][0]["reply"]["id"], "c:8f3a:yes");
}

// A family emoji: four people joined by ZWJ, 11 UTF-16 units, one grapheme.
const std::string kFamily = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";

TEST(WhatsAppRender, ThreeButtonsArabicEmojiAndLongLabels) {
  const auto m = with_choices("ماذا تحتاج؟",
                              {{"permit", "تصريح الإقامة وتجديده في مكتب الشرطة"},
                               {"family", kFamily + kFamily + kFamily + " عائلة"},
                               {"health", "Assistenza sanitaria e tessera"}},
                              "ar");
  const auto calls = bodies(render(m, "212612345678", "اختر"));
  ASSERT_EQ(calls.size(), 1u);
  const auto titles = check_interactive(calls[0], m);
  EXPECT_EQ(titles[0], "تصريح الإقامة…");  // cut at a word boundary
  EXPECT_EQ(titles[1], kFamily + "…");     // a ZWJ family is never cut
  EXPECT_EQ(titles[2], "Assistenza…");
}

TEST(WhatsAppRender, CollidingTitlesAreNumbered) {
  const auto m = with_choices("Quale ufficio?", {{"a", "Ufficio immigrazione di Milano centro"},
                                                 {"b", "Ufficio immigrazione di Milano nord"},
                                                 {"c", "Questura"}});
  const auto calls = bodies(render(m, "39333", "Scegli"));
  const auto titles = check_interactive(calls[0], m);
  EXPECT_EQ(titles[0].rfind("1. Ufficio", 0), 0u) << titles[0];
  EXPECT_EQ(titles[1].rfind("2. Ufficio", 0), 0u) << titles[1];
  EXPECT_EQ(titles[2], "3. Questura");
  EXPECT_EQ(calls[0]["interactive"]["body"]["text"],
            "Quale ufficio?\n1. Ufficio immigrazione di Milano centro\n"
            "2. Ufficio immigrazione di Milano nord\n3. Questura");
}

TEST(WhatsAppRender, OneButtonBlankLabelAndNoText) {
  const auto m = with_choices("", {{"continue", " \n "}});
  const auto calls = bodies(render(m, "39333", "Scegli"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["interactive"]["body"]["text"], "…");  // Meta requires a body
  EXPECT_EQ(check_interactive(calls[0], m), (std::vector<std::string>{"continue"}));
}

TEST(WhatsAppRender, FourChoicesMakeAList) {
  const auto m = with_choices("Scegli un tema", {{"permit", "Permesso di soggiorno e cittadinanza"},
                                                 {"health", "Salute"},
                                                 {"work", "Lavoro"},
                                                 {"school", "Scuola"}});
  const auto calls = bodies(render(m, "39333", "Vedi temi"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["interactive"]["type"], "list");
  EXPECT_EQ(calls[0]["interactive"]["action"]["button"], "Vedi temi");
  const auto titles = check_interactive(calls[0], m);
  EXPECT_EQ(titles[0], "Permesso di soggiorno e…");  // 23 + 1 units
  const json& rows = calls[0]["interactive"]["action"]["sections"][0]["rows"];
  EXPECT_EQ(rows[0]["description"], "Permesso di soggiorno e cittadinanza");
  EXPECT_FALSE(rows[1].contains("description"));
}

TEST(WhatsAppRender, TenChoicesWithLongArabicLabelsAndButton) {
  std::vector<Choice> choices;
  for (int i = 0; i < 10; ++i) {
    choices.push_back({"c" + std::to_string(i),
                       "خدمة المساعدة القانونية للمهاجرين وطالبي اللجوء في المدينة رقم " +
                           std::to_string(i) + " 🇮🇹 مع مترجم ومحامٍ متطوع كل يوم ثلاثاء"});
  }
  const auto m = with_choices("اختر خدمة من القائمة", choices, "ar");
  const auto calls = bodies(render(m, "966501234567", "عرض كل الخدمات المتاحة الآن"));
  ASSERT_EQ(calls.size(), 1u);
  const auto titles = check_interactive(calls[0], m);
  EXPECT_EQ(titles[9].rfind("10. ", 0), 0u);  // all shortened alike, so numbered
  expect_fits(calls[0]["interactive"]["action"]["button"], 20, "list button");
  const json& rows = calls[0]["interactive"]["action"]["sections"][0]["rows"];
  for (const auto& row : rows) {
    const auto d = row["description"].get<std::string>();
    EXPECT_EQ(d.substr(d.size() - 3), "…");  // the label is longer than 72 too
  }
}

TEST(WhatsAppRender, ElevenChoicesBecomeNumberedText) {
  const auto m = with_choices("Scegli un numero:", numbered_choices(11, "Voce "));
  const auto calls = bodies(render(m, "39333", "Vedi"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["type"], "text");
  const auto text = calls[0]["text"]["body"].get<std::string>();
  EXPECT_EQ(text.rfind("Scegli un numero:\n1. Voce 0\n2. Voce 1\n", 0), 0u) << text;
  EXPECT_NE(text.find("\n11. Voce 10"), std::string::npos);
}

TEST(WhatsAppRender, ListWithoutButtonLabelOrWithLongIdsFallsBackToText) {
  auto m = with_choices("Scegli", numbered_choices(5, "Voce "));
  EXPECT_EQ(bodies(render(m, "39333", " "))[0]["type"], "text");
  m = with_choices("Scegli", {{std::string(300, 'x'), "Sì"}});
  const auto calls = bodies(render(m, "39333", "Vedi"));
  EXPECT_EQ(calls[0]["type"], "text");
  EXPECT_EQ(calls[0]["text"]["body"], "Scegli\n1. Sì");
}

TEST(WhatsAppRender, LongTextGoesFirstThenButtonsWithTheQuestion) {
  std::string text;
  while (utf16_units(text) < 1500)
    text += "Il permesso si rinnova in questura con il kit postale. ";
  text += "Vuoi sapere dove si trova l'ufficio più vicino?";
  const auto m = with_choices(text, {{"yes", "Sì"}, {"no", "No"}});
  const auto calls = bodies(render(m, "39333", "Scegli"));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["type"], "text");
  EXPECT_EQ(calls[0]["text"]["body"], text);
  check_interactive(calls[1], m);
  EXPECT_EQ(calls[1]["interactive"]["body"]["text"],
            "Vuoi sapere dove si trova l'ufficio più vicino?");
}

TEST(WhatsAppRender, LongTextWithOneEndlessSentenceUsesTheFirst1000Units) {
  std::string text;
  while (utf16_units(text) < 5000) text += "parola ";
  const auto m = with_choices(text, numbered_choices(4, "Voce "));
  const auto calls = bodies(render(m, "39333", "Vedi"));
  ASSERT_EQ(calls.size(), 3u);  // 5000 units of text = 2 parts, then the list
  expect_fits(calls[0]["text"]["body"], 4096, "part 1");
  const auto body = calls[2]["interactive"]["body"]["text"].get<std::string>();
  EXPECT_LE(utf16_units(body), 1000);
  EXPECT_GE(utf16_units(body), 990);
  check_interactive(calls[2], m);
}

TEST(WhatsAppRender, MarkRead) {
  const auto call = mark_read("wamid.HBgL123");
  EXPECT_EQ(call.method, "messages");
  EXPECT_EQ(
      json::parse(call.body),
      json::parse(
          R"({"messaging_product":"whatsapp","status":"read","message_id":"wamid.HBgL123"})"));
}

TEST(WhatsAppRender, Template) {
  const auto call = render_template("393331234567", "ponte_followup", "it", {"Amina", "3"});
  EXPECT_EQ(call.method, "messages");
  EXPECT_EQ(json::parse(call.body), json::parse(R"({"messaging_product":"whatsapp",
    "recipient_type":"individual","to":"+393331234567","type":"template",
    "template":{"name":"ponte_followup","language":{"code":"it"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"Amina"},
                                                 {"type":"text","text":"3"}]}]}})"));
  const auto bare = json::parse(render_template("39333", "ponte_hello", "ar", {}).body);
  EXPECT_FALSE(bare["template"].contains("components"));
}

}  // namespace
}  // namespace ponte::channels::whatsapp
