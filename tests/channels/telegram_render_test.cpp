// Neutral messages -> Bot API calls, and Bot API replies -> Delivery.
#include "bot/channels/telegram/telegram.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ponte::channels::telegram {
namespace {

using nlohmann::json;

OutboundMessage menu() {
  OutboundMessage m;
  m.text = "Di cosa hai bisogno?";
  m.lang = "it";
  m.choice_token = "8f3a";
  m.choices = {
      {"permit", "Permesso di soggiorno"}, {"health", "Salute"}, {"operator", "Operatore"}};
  return m;
}

TEST(TelegramRender, EscapesHtmlAmpersandFirst) {
  OutboundMessage m;
  m.text = "<script>&\"x\" &amp; a>b";
  const auto call = render(m, "123456789");
  EXPECT_EQ(call.method, "sendMessage");
  const auto body = json::parse(call.body);
  EXPECT_EQ(body["text"], "&lt;script&gt;&amp;&quot;x&quot; &amp;amp; a&gt;b");
  EXPECT_EQ(body["parse_mode"], "HTML");
  EXPECT_EQ(body["link_preview_options"], json({{"is_disabled", true}}));
  EXPECT_FALSE(body.contains("reply_markup"));
  EXPECT_FALSE(body.contains("disable_notification"));
  EXPECT_FALSE(body.contains("protect_content"));
}

TEST(TelegramRender, ChatIdIsANumberWhenItIsOne) {
  OutboundMessage m;
  m.text = "x";
  EXPECT_EQ(json::parse(render(m, "9007199254740993").body)["chat_id"].get<std::int64_t>(),
            9007199254740993);
  EXPECT_EQ(json::parse(render(m, "-1001234567890").body)["chat_id"].get<std::int64_t>(),
            -1001234567890);
  EXPECT_EQ(json::parse(render(m, "@ponte_news").body)["chat_id"], "@ponte_news");
  EXPECT_EQ(json::parse(render(m, "12a").body)["chat_id"], "12a");
  EXPECT_EQ(json::parse(render(m, "99999999999999999999").body)["chat_id"],
            "99999999999999999999");  // does not fit in int64
}

TEST(TelegramRender, InlineKeyboardOneButtonPerRow) {
  const auto body = json::parse(render(menu(), "123456789").body);
  const json expected = json::parse(R"([
    [{"text": "Permesso di soggiorno", "callback_data": "c:8f3a:permit"}],
    [{"text": "Salute", "callback_data": "c:8f3a:health"}],
    [{"text": "Operatore", "callback_data": "c:8f3a:operator"}]])");
  EXPECT_EQ(body["reply_markup"]["inline_keyboard"], expected);
  EXPECT_EQ(body["text"], "Di cosa hai bisogno?");
  for (const auto& row : body["reply_markup"]["inline_keyboard"]) {
    const auto data = row[0]["callback_data"].get<std::string>();
    EXPECT_LE(data.size(), 64u);
    EXPECT_TRUE(decode_choice_ref(data).has_value());
  }
}

TEST(TelegramRender, LabelsAreNotHtmlEscaped) {
  // Button labels are plain text for Telegram; only the message text is HTML.
  auto m = menu();
  m.choices = {{"a", "Sì & <no>"}};
  const auto body = json::parse(render(m, "1").body);
  EXPECT_EQ(body["reply_markup"]["inline_keyboard"][0][0]["text"], "Sì & <no>");
}

// Issue 4: Arabic, emoji and very long labels keep every character (Telegram
// wraps a long button label itself), and Arabic text with markup-like
// characters is escaped without breaking its UTF-8.
TEST(TelegramRender, ArabicEmojiAndVeryLongLabelsArriveWhole) {
  OutboundMessage m;
  m.text = "مرحبا <أحمد> & 👋🏽 اختر:";
  m.lang = "ar";
  m.rtl = true;
  m.choice_token = "t1";
  std::string long_label;
  for (int i = 0; i < 40; ++i) long_label += "تصريح الإقامة ";
  m.choices = {{"permit", long_label},
               {"health", "🏥 الصحة"},
               {"family", "👨‍👩‍👧 لمّ الشمل"}};
  const auto body = json::parse(render(m, "1").body);
  EXPECT_EQ(body["text"], "مرحبا &lt;أحمد&gt; &amp; 👋🏽 اختر:");
  const auto& keyboard = body["reply_markup"]["inline_keyboard"];
  ASSERT_EQ(keyboard.size(), 3u);
  EXPECT_EQ(keyboard[0][0]["text"], long_label);
  EXPECT_EQ(keyboard[1][0]["text"], "🏥 الصحة");
  EXPECT_EQ(keyboard[2][0]["text"],
            "👨‍👩‍👧 لمّ الشمل");  // one ZWJ family, not three people
}

TEST(TelegramRender, RefOverSixtyFourBytesFallsBackToNumberedText) {
  auto m = menu();
  m.choice_token = std::string(40, 't');
  m.choices = {{"a", "Sì"}, {std::string(40, 'b'), "No <mai>"}};
  const auto body = json::parse(render(m, "1").body);
  EXPECT_FALSE(body.contains("reply_markup"));
  EXPECT_EQ(body["text"], "Di cosa hai bisogno?\n1. Sì\n2. No &lt;mai&gt;");
}

TEST(TelegramRender, HintsUrgentAndSensitive) {
  OutboundMessage m;
  m.text = "112";
  m.urgent = true;
  m.sensitive = true;
  const auto body = json::parse(render(m, "1").body);
  EXPECT_EQ(body["disable_notification"], false);
  EXPECT_EQ(body["protect_content"], true);
}

TEST(TelegramRender, AckIsAnswerCallbackQuery) {
  OutboundMessage m;
  m.ack_callback_id = "4382bfdwdsb323b2d9";
  const auto call = render(m, "123456789");
  EXPECT_EQ(call.method, "answerCallbackQuery");
  EXPECT_EQ(json::parse(call.body), json({{"callback_query_id", "4382bfdwdsb323b2d9"}}));
}

TEST(TelegramRender, InvalidUtf8DoesNotThrow) {
  OutboundMessage m;
  m.text = "ok\xFF";
  const auto body = json::parse(render(m, "1").body);
  EXPECT_EQ(body["text"], "ok\xEF\xBF\xBD");
}

TEST(TelegramSetWebhook, Body) {
  const auto call = set_webhook("https://ponte.example.org/telegram", "s3cr3t", 500);
  EXPECT_EQ(call.method, "setWebhook");
  const auto body = json::parse(call.body);
  EXPECT_EQ(body["url"], "https://ponte.example.org/telegram");
  EXPECT_EQ(body["secret_token"], "s3cr3t");
  EXPECT_EQ(body["max_connections"], 100);
  EXPECT_EQ(body["allowed_updates"],
            json({"message", "edited_message", "callback_query", "my_chat_member"}));
}

struct ClassifyRow {
  const char* name;
  int status;
  const char* body;
  Delivery::Kind kind;
  int retry_after;
  bool gone;
  const char* external_id;
};

using K = Delivery::Kind;

void PrintTo(const ClassifyRow& row, std::ostream* os) { *os << row.name; }

// One row per line of platforms.md's error table, plus the success shapes.
const ClassifyRow kClassify[] = {
    {"sent", 200,
     R"({"ok":true,"result":{"message_id":4242,"date":1767225600,"chat":{"id":1,"type":"private"},"text":"x"}})",
     K::sent, 0, false, "4242"},
    {"sent_bool_result", 200, R"({"ok":true,"result":true})", K::sent, 0, false, ""},
    {"blocked", 403,
     R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})",
     K::permanent, 0, true, ""},
    {"deactivated", 403,
     R"({"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"})",
     K::permanent, 0, true, ""},
    {"kicked", 403,
     R"({"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the supergroup chat"})",
     K::permanent, 0, true, ""},
    {"cant_initiate", 403,
     R"({"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"})",
     K::permanent, 0, true, ""},
    {"chat_not_found", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})", K::permanent,
     0, false, ""},
    {"too_long", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: message is too long"})",
     K::permanent, 0, false, ""},
    {"bad_entities", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"})",
     K::permanent, 0, false, ""},
    {"button_data", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: BUTTON_DATA_INVALID"})",
     K::permanent, 0, false, ""},
    {"migrated", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})",
     K::permanent, 0, false, ""},
    {"query_too_old", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: query is too old and response timeout expired or query ID is invalid"})",
     K::sent, 0, false, ""},
    {"not_modified", 400,
     R"({"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same"})",
     K::sent, 0, false, ""},
    {"flood", 429,
     R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}})",
     K::retry, 17, false, ""},
    {"flood_no_parameters", 429,
     R"({"ok":false,"error_code":429,"description":"Too Many Requests"})", K::retry, 1, false, ""},
    {"flood_unparsable", 429, "<html>slow down</html>", K::retry, 1, false, ""},
    {"bad_token", 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})",
     K::permanent, 0, false, ""},
    {"unknown_method", 404, R"({"ok":false,"error_code":404,"description":"Not Found"})",
     K::permanent, 0, false, ""},
    {"conflict", 409,
     R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})",
     K::permanent, 0, false, ""},
    {"internal", 500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})",
     K::retry, 0, false, ""},
    {"bad_gateway_html", 502, "<html><body>502 Bad Gateway</body></html>", K::retry, 0, false, ""},
    {"unavailable", 503, "", K::retry, 0, false, ""},
    {"unparsable_2xx", 200, "<html>proxy</html>", K::retry, 0, false, ""},
    {"ok_false_2xx", 200, R"({"ok":false})", K::retry, 0, false, ""},
    {"timeout_like", 408, "", K::retry, 0, false, ""},
};

class TelegramClassify : public testing::TestWithParam<ClassifyRow> {};

TEST_P(TelegramClassify, Row) {
  const auto& row = GetParam();
  const auto d = classify(row.status, row.body);
  EXPECT_EQ(d.kind, row.kind);
  EXPECT_EQ(d.retry_after.count(), row.retry_after);
  EXPECT_EQ(d.recipient_gone, row.gone);
  EXPECT_EQ(d.external_id, row.external_id);
  EXPECT_FALSE(d.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, TelegramClassify, testing::ValuesIn(kClassify),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(TelegramClassifyReason, NamesTheCause) {
  EXPECT_NE(classify(200, "garbage").reason.find("unparsable"), std::string::npos);
  EXPECT_EQ(classify(403, R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})")
                .reason,
            "Forbidden: bot was blocked by the user");
  EXPECT_EQ(classify(502, "").reason, "HTTP 502");
  const std::string long_desc = R"({"ok":false,"description":")" + std::string(300, 'x') + "\"}";
  EXPECT_LE(classify(400, long_desc).reason.size(), 200u);
}

}  // namespace
}  // namespace ponte::channels::telegram
