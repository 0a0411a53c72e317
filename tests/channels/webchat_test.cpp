// Web chat posts -> InboundEvent, transcript rows -> the page's JSON.
#include "bot/channels/webchat/webchat.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ponte::channels::webchat {
namespace {

using nlohmann::json;

constexpr const char* kClient = "0f8e2c6a-3b1d-4c5e-9a7f-1e2d3c4b5a69";
const TimePoint kNow = from_unix_ms(1767225600123);

std::string post(json extra) {
  json body = {{"client", kClient}, {"id", "m1"}};
  if (!extra.is_null()) body.update(extra);
  return body.dump();
}

TEST(WebchatClientId, Rules) {
  EXPECT_TRUE(valid_client_id(kClient));
  EXPECT_TRUE(valid_client_id(std::string(16, 'a')));
  EXPECT_TRUE(valid_client_id(std::string(64, '_')));
  EXPECT_FALSE(valid_client_id(std::string(15, 'a')));
  EXPECT_FALSE(valid_client_id(std::string(65, 'a')));
  EXPECT_FALSE(valid_client_id("0f8e2c6a3b1d4c5e 9a7f"));
  EXPECT_FALSE(valid_client_id("0f8e2c6a3b1d4c5e/9a7f"));
  EXPECT_FALSE(valid_client_id("0f8e2c6a3b1d4c5eà9a7f"));
  EXPECT_FALSE(valid_client_id(""));
}

TEST(WebchatParse, TypedText) {
  auto ev = parse_post(post({{"text", "مرحبا، أحتاج مساعدة"}, {"lang", "ar"}}), kNow);
  ASSERT_TRUE(ev.has_value()) << ev.error().message;
  EXPECT_EQ(ev->channel, Channel::webchat);
  EXPECT_EQ(ev->kind, EventKind::text);
  EXPECT_EQ(ev->text, "مرحبا، أحتاج مساعدة");
  EXPECT_EQ(ev->external_id, std::string(kClient) + ":m1");
  EXPECT_EQ(ev->user, kClient);
  EXPECT_EQ(ev->chat, kClient);
  EXPECT_EQ(ev->language_hint, "ar");
  EXPECT_EQ(ev->at, kNow);
}

TEST(WebchatParse, ButtonPress) {
  auto ev = parse_post(post({{"choice", "c:8f3a:health"}}), kNow);
  ASSERT_TRUE(ev.has_value()) << ev.error().message;
  EXPECT_EQ(ev->kind, EventKind::choice);
  EXPECT_EQ(ev->choice_token, "8f3a");
  EXPECT_EQ(ev->choice_id, "health");
  EXPECT_TRUE(ev->language_hint.empty());
}

TEST(WebchatParse, Start) {
  auto ev = parse_post(post({{"start", true}, {"lang", "fr-FR"}}), kNow);
  ASSERT_TRUE(ev.has_value()) << ev.error().message;
  EXPECT_EQ(ev->kind, EventKind::start);
  EXPECT_EQ(ev->language_hint, "fr-FR");
}

TEST(WebchatParse, TextAtTheByteLimit) {
  std::string text;
  while (text.size() + 2 <= 4096) text += "ع";  // 2 bytes each
  EXPECT_TRUE(parse_post(post({{"text", text}}), kNow).has_value());
  EXPECT_FALSE(parse_post(post({{"text", text + "ab"}}), kNow).has_value());
}

TEST(WebchatParse, UnknownKeysAreIgnored) {
  EXPECT_TRUE(parse_post(post({{"text", "hi"}, {"v", 2}}), kNow).has_value());
}

struct BadRow {
  const char* name;
  std::string body;
  Errc code;
  const char* field;  // the error message names it
};

std::vector<BadRow> bad_rows() {
  const std::string ok_client = std::string("\"client\":\"") + kClient + "\"";
  return {
      {"not_json", "hello", Errc::parse, ""},
      {"array", "[]", Errc::parse, ""},
      {"invalid_utf8", "{" + ok_client + ",\"id\":\"m1\",\"text\":\"\xC3\x28\"}", Errc::parse, ""},
      {"deep", std::string(200, '[') + std::string(200, ']'), Errc::parse, ""},
      {"no_client", R"({"id":"m1","text":"hi"})", Errc::invalid, "client"},
      {"short_client", R"({"client":"abc","id":"m1","text":"hi"})", Errc::invalid, "client"},
      {"client_number", R"({"client":1234567890123456789,"id":"m1","text":"hi"})", Errc::invalid,
       "client"},
      {"client_bad_chars", R"({"client":"0f8e2c6a3b1d4c5e<script>","id":"m1","text":"hi"})",
       Errc::invalid, "client"},
      {"no_id",
       post({{"text", "hi"}}).replace(post({{"text", "hi"}}).find("\"id\":\"m1\""), 10, ""),
       Errc::invalid, "id"},
      {"empty_id", post({{"id", ""}, {"text", "hi"}}), Errc::invalid, "id"},
      {"long_id", post({{"id", std::string(65, 'a')}, {"text", "hi"}}), Errc::invalid, "id"},
      {"id_chars", post({{"id", "m 1"}, {"text", "hi"}}), Errc::invalid, "id"},
      {"empty_text", post({{"text", ""}}), Errc::invalid, "text"},
      {"long_text", post({{"text", std::string(4097, 'a')}}), Errc::invalid, "text"},
      {"text_number", post({{"text", 5}}), Errc::invalid, "text"},
      {"nothing", post({}), Errc::invalid, "text"},
      {"text_and_choice", post({{"text", "hi"}, {"choice", "c:a:b"}}), Errc::invalid, "text"},
      {"bad_choice", post({{"choice", "health"}}), Errc::invalid, "choice"},
      {"choice_too_long", post({{"choice", "c:a:" + std::string(70, 'b')}}), Errc::invalid,
       "choice"},
      {"start_false", post({{"start", false}}), Errc::invalid, "start"},
      {"start_string", post({{"start", "yes"}}), Errc::invalid, "start"},
      {"lang_long", post({{"start", true}, {"lang", "abcdefghijklmnopq"}}), Errc::invalid, "lang"},
      {"lang_chars", post({{"start", true}, {"lang", "ar<"}}), Errc::invalid, "lang"},
      {"lang_number", post({{"start", true}, {"lang", 7}}), Errc::invalid, "lang"},
  };
}

TEST(WebchatParse, Rejections) {
  for (const auto& row : bad_rows()) {
    auto ev = parse_post(row.body, kNow);
    ASSERT_FALSE(ev.has_value()) << row.name;
    EXPECT_EQ(ev.error().code, row.code) << row.name << ": " << ev.error().message;
    EXPECT_NE(ev.error().message.find(row.field), std::string::npos)
        << row.name << ": " << ev.error().message;
  }
}

TEST(WebchatRender, OutboundWithChoices) {
  OutboundMessage m;
  m.text = "اختر موضوعًا <b>";
  m.lang = "ar";
  m.rtl = true;
  m.choice_token = "8f3a";
  m.choices = {{"health", "الصحة"}, {"work", "العمل"}};
  const auto text = render_event(12, true, m, 1767225600000);
  EXPECT_EQ(text.find('\n'), std::string::npos);  // compact: one SSE data line
  EXPECT_EQ(json::parse(text), json::parse(R"({
    "id": 12, "dir": "out", "text": "اختر موضوعًا <b>",
    "choices": [{"id": "health", "label": "الصحة", "ref": "c:8f3a:health"},
                {"id": "work", "label": "العمل", "ref": "c:8f3a:work"}],
    "lang": "ar", "rtl": true, "at": 1767225600000})"));
}

TEST(WebchatRender, InboundRow) {
  OutboundMessage m;
  m.text = "ciao\nriga due";
  const auto text = render_event(7, false, m, 5);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(
      text,
      R"({"at":5,"choices":[],"dir":"in","id":7,"lang":"","rtl":false,"text":"ciao\nriga due"})");
}

TEST(WebchatRender, InvalidUtf8IsReplaced) {
  OutboundMessage m;
  m.text = "a\xC3";
  EXPECT_EQ(json::parse(render_event(1, false, m, 0))["text"], "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace ponte::channels::webchat
