// Telegram webhook updates -> InboundEvent, from realistic fixtures.
#include "bot/channels/telegram/telegram.hpp"
#include "tests/channels/fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ponte::channels::telegram {
namespace {

using test::read_fixture;

InboundEvent parse_fixture(const std::string& name) {
  auto r = parse_update(read_fixture("telegram/" + name));
  if (!r) throw std::runtime_error(name + ": " + r.error().message);
  if (!r->has_value()) throw std::runtime_error(name + ": ignored");
  return **r;
}

bool ignored(const std::string& name) {
  auto r = parse_update(read_fixture("telegram/" + name));
  return r.has_value() && !r->has_value();
}

TimePoint at_seconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

TEST(TelegramParse, TextMessage) {
  const auto ev = parse_fixture("text.json");
  EXPECT_EQ(ev.channel, Channel::telegram);
  EXPECT_EQ(ev.kind, EventKind::text);
  EXPECT_EQ(ev.external_id, "712345001");
  EXPECT_EQ(ev.user, "123456789");
  EXPECT_EQ(ev.chat, "123456789");
  EXPECT_EQ(ev.text, "ciao");
  EXPECT_EQ(ev.language_hint, "ar");
  EXPECT_EQ(ev.display_name, "Amina");
  EXPECT_EQ(ev.at, at_seconds(1767225600));
  EXPECT_TRUE(ev.callback_id.empty());
}

TEST(TelegramParse, StartCommand) {
  const auto ev = parse_fixture("start.json");
  EXPECT_EQ(ev.kind, EventKind::start);
  EXPECT_EQ(ev.text, "");
  EXPECT_EQ(ev.external_id, "712345010");
}

TEST(TelegramParse, StartWithDeepLinkPayload) {
  const auto ev = parse_fixture("start_payload.json");
  EXPECT_EQ(ev.kind, EventKind::start);
  EXPECT_EQ(ev.text, "health_milano");
}

TEST(TelegramParse, StartVariants) {
  struct Row {
    const char* text;
    EventKind kind;
    const char* event_text;
  };
  const Row rows[] = {
      {"/start@PonteBot", EventKind::start, ""}, {"/start@PonteBot abc", EventKind::start, "abc"},
      {"/start  abc ", EventKind::start, "abc"}, {"/startle", EventKind::text, "/startle"},
      {"/help", EventKind::text, "/help"},       {"start", EventKind::text, "start"},
  };
  for (const auto& row : rows) {
    nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/text.json"));
    u["message"]["text"] = row.text;
    auto r = parse_update(u.dump());
    ASSERT_TRUE(r && r->has_value()) << row.text;
    EXPECT_EQ((*r)->kind, row.kind) << row.text;
    EXPECT_EQ((*r)->text, row.event_text) << row.text;
  }
}

TEST(TelegramParse, CallbackQueryBecomesChoice) {
  const auto ev = parse_fixture("callback_query.json");
  EXPECT_EQ(ev.kind, EventKind::choice);
  EXPECT_EQ(ev.choice_token, "8f3a");
  EXPECT_EQ(ev.choice_id, "2");
  EXPECT_EQ(ev.callback_id, "4382bfdwdsb323b2d9");
  EXPECT_EQ(ev.chat, "123456789");
  EXPECT_EQ(ev.user, "123456789");
  EXPECT_EQ(ev.external_id, "712345002");
  EXPECT_EQ(ev.language_hint, "ar");
}

TEST(TelegramParse, CallbackQueryWithoutMessageUsesSender) {
  const auto ev = parse_fixture("callback_query_no_message.json");
  EXPECT_EQ(ev.kind, EventKind::choice);
  EXPECT_EQ(ev.chat, "123456789");
  EXPECT_EQ(ev.choice_id, "health");
}

TEST(TelegramParse, CallbackDataThatIsNotAChoiceRefIsText) {
  const auto ev = parse_fixture("callback_query_inaccessible.json");
  EXPECT_EQ(ev.kind, EventKind::text);
  EXPECT_EQ(ev.text, "old-button");
  EXPECT_EQ(ev.callback_id, "4382bfdwdsb323b2e1");
  EXPECT_EQ(ev.chat, "123456789");
}

TEST(TelegramParse, EditedMessageIsText) {
  const auto ev = parse_fixture("edited_message.json");
  EXPECT_EQ(ev.kind, EventKind::text);
  EXPECT_EQ(ev.text, "ciao!");
  EXPECT_EQ(ev.external_id, "712345003");
  EXPECT_EQ(ev.at, at_seconds(1767225660));  // when the edit was made
}

TEST(TelegramParse, EditedStartIsNotARestart) {
  nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/edited_message.json"));
  u["edited_message"]["text"] = "/start";
  auto r = parse_update(u.dump());
  ASSERT_TRUE(r && r->has_value());
  EXPECT_EQ((*r)->kind, EventKind::text);
}

TEST(TelegramParse, PhotoWithCaptionIsMedia) {
  const auto ev = parse_fixture("photo_caption.json");
  EXPECT_EQ(ev.kind, EventKind::media);
  EXPECT_EQ(ev.text, "il mio permesso");
  // The largest size's file id is kept, so an operator can fetch it (getFile).
  EXPECT_EQ(ev.media_type, "photo");
  EXPECT_EQ(ev.media_id, "AgACAgQAAxkBAAIBY3");
}

TEST(TelegramParse, VoiceKeepsItsFileIdAndHasNoText) {
  const auto ev = parse_fixture("voice.json");
  EXPECT_EQ(ev.kind, EventKind::media);
  EXPECT_EQ(ev.text, "");
  EXPECT_EQ(ev.media_type, "voice");
  EXPECT_FALSE(ev.media_id.empty());
}

TEST(TelegramParse, LocationBecomesCoordinatesInTheTranscript) {
  const auto ev = parse_fixture("location.json");
  EXPECT_EQ(ev.kind, EventKind::media);
  EXPECT_EQ(ev.media_type, "location");
  EXPECT_EQ(ev.media_id, "");
  EXPECT_EQ(ev.text, "45.4642,9.19");
}

TEST(TelegramParse, ContactBecomesNameAndPhone) {
  nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/text.json"));
  u["message"].erase("text");
  u["message"]["contact"] = {{"phone_number", "+393331234567"}, {"first_name", "Omar"}};
  auto r = parse_update(u.dump());
  ASSERT_TRUE(r && r->has_value());
  EXPECT_EQ((*r)->media_type, "contact");
  EXPECT_EQ((*r)->text, "Omar +393331234567");
}

TEST(TelegramParse, EveryMediaKeyIsMedia) {
  for (const char* key : {"photo", "voice", "document", "video", "audio", "sticker", "location",
                          "contact", "video_note", "animation", "venue"}) {
    nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/text.json"));
    u["message"].erase("text");
    u["message"][key] = {{"file_id", "x"}};
    auto r = parse_update(u.dump());
    ASSERT_TRUE(r && r->has_value()) << key;
    EXPECT_EQ((*r)->kind, EventKind::media) << key;
    EXPECT_EQ((*r)->media_type, key);
  }
}

TEST(TelegramParse, IgnoredUpdates) {
  EXPECT_TRUE(ignored("group_chat.json"));
  EXPECT_TRUE(ignored("bot_sender.json"));
  EXPECT_TRUE(ignored("service_message.json"));
  auto poll = parse_update(R"({"update_id": 5, "poll": {"id": "1", "question": "?"}})");
  ASSERT_TRUE(poll.has_value());
  EXPECT_FALSE(poll->has_value());
}

TEST(TelegramParse, BlockingAndUnblockingTheBotAreEvents) {
  const auto blocked = parse_fixture("my_chat_member.json");
  EXPECT_EQ(blocked.kind, EventKind::blocked);
  EXPECT_EQ(blocked.chat, "123456789");
  EXPECT_EQ(blocked.user, "123456789");
  EXPECT_EQ(blocked.external_id, "712345004");
  EXPECT_EQ(to_unix_ms(blocked.at), 1767229200000);
  nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/my_chat_member.json"));
  u["my_chat_member"]["new_chat_member"]["status"] = "member";
  auto unblocked = parse_update(u.dump());
  ASSERT_TRUE(unblocked && unblocked->has_value());
  EXPECT_EQ((*unblocked)->kind, EventKind::unblocked);
  u["my_chat_member"]["chat"]["type"] = "group";  // groups are not Ponte's
  auto group = parse_update(u.dump());
  ASSERT_TRUE(group);
  EXPECT_FALSE(group->has_value());
}

TEST(TelegramParse, BotPressingAButtonIsIgnored) {
  nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/callback_query.json"));
  u["callback_query"]["from"]["is_bot"] = true;
  auto r = parse_update(u.dump());
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
}

TEST(TelegramParse, CallbackFromAGroupIsIgnored) {
  nlohmann::json u = nlohmann::json::parse(read_fixture("telegram/callback_query.json"));
  u["callback_query"]["message"]["chat"] = {{"id", -100123}, {"type", "group"}};
  auto r = parse_update(u.dump());
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());
}

TEST(TelegramParse, UnknownKeysAreIgnored) {
  const auto ev = parse_fixture("unknown_keys.json");
  EXPECT_EQ(ev.kind, EventKind::text);
  EXPECT_EQ(ev.text, "سلام");
  EXPECT_EQ(ev.external_id, "712345009");
}

TEST(TelegramParse, LargeIdsKeepEveryDigit) {
  const auto ev = parse_fixture("big_ids.json");
  EXPECT_EQ(ev.external_id, "9007199254740991");
  EXPECT_EQ(ev.user, "9007199254740993");  // not representable as a double
  EXPECT_EQ(ev.chat, "9007199254740993");
}

TEST(TelegramParse, Errors) {
  const std::string deep =
      R"({"update_id": 1, "x": )" + std::string(100, '[') + std::string(100, ']') + "}";
  const std::string ragged = R"({"update_id": 1, "x": )" + std::string(100000, '[');
  const std::string rows[] = {
      "not json",
      "",
      "[1, 2]",
      R"("a string")",
      R"({"message": {"text": "hi"}})",
      R"({"update_id": "712345001"})",
      R"({"update_id": 1.5})",
      R"({"update_id": 18446744073709551615})",
      "{\"update_id\": 1, \"message\": {\"text\": \"\xC3\x28\"}}",
      deep,
      ragged,
  };
  for (const auto& body : rows) {
    auto r = parse_update(body);
    ASSERT_FALSE(r.has_value()) << body.substr(0, 60);
    EXPECT_EQ(r.error().code, Errc::parse) << body.substr(0, 60);
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(TelegramParse, NestingUpToTheLimitIsAccepted) {
  // The update object is level 1, so 63 more levels are still fine.
  const std::string ok =
      R"({"update_id": 1, "x": )" + std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_TRUE(parse_update(ok).has_value());
  const std::string too_deep =
      R"({"update_id": 1, "x": )" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_FALSE(parse_update(too_deep).has_value());
}

TEST(TelegramVerifySecret, Table) {
  EXPECT_TRUE(verify_secret("s3cr3t_TOKEN-1", "s3cr3t_TOKEN-1"));
  EXPECT_FALSE(verify_secret("s3cr3t_TOKEN-2", "s3cr3t_TOKEN-1"));
  EXPECT_FALSE(verify_secret("s3cr3t", "s3cr3t_TOKEN-1"));           // prefix
  EXPECT_FALSE(verify_secret("s3cr3t_TOKEN-1x", "s3cr3t_TOKEN-1"));  // longer
  EXPECT_FALSE(verify_secret("", "s3cr3t_TOKEN-1"));
  EXPECT_FALSE(verify_secret("", ""));  // nothing configured accepts nothing
  EXPECT_FALSE(verify_secret("anything", ""));
  EXPECT_FALSE(verify_secret(std::string_view("a\0b", 3), "a"));
}

}  // namespace
}  // namespace ponte::channels::telegram
