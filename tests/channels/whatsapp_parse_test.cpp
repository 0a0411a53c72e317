// WhatsApp notification bodies -> InboundEvents, StatusUpdates, MediaItems.
// Fixtures in data/whatsapp/ follow platforms.md's notification shapes.
#include "bot/channels/whatsapp/whatsapp.hpp"
#include "fixture.hpp"

#include <gtest/gtest.h>

namespace ponte::channels::whatsapp {
namespace {

Parsed parse_fixture(const std::string& name) {
  auto parsed = parse_webhook(test::read_fixture("whatsapp/" + name));
  if (!parsed) ADD_FAILURE() << name << ": " << parsed.error().message;
  return parsed ? std::move(*parsed) : Parsed{};
}

TimePoint seconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

TEST(WhatsAppParse, TextMessage) {
  const auto p = parse_fixture("text.json");
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_TRUE(p.statuses.empty());
  EXPECT_TRUE(p.media.empty());
  const auto& ev = p.events[0];
  EXPECT_EQ(ev.channel, Channel::whatsapp);
  EXPECT_EQ(ev.external_id, "wamid.HBgMMzkzMzMxMjM0NTY3FQIAEhggQTNBNjU5OUFFRTAzODEwMTQ0RgA=");
  // Keyed by the BSUID, which survives a switch to a username; replies go
  // to the number while it is known.
  EXPECT_EQ(ev.user, "IT.13491208655302741918");
  EXPECT_EQ(ev.chat, "393331234567");
  EXPECT_EQ(ev.kind, EventKind::text);
  EXPECT_EQ(ev.text, "Ciao, ho bisogno di aiuto per il permesso di soggiorno — è scaduto ieri.");
  EXPECT_EQ(ev.display_name, "Amina Diallo");
  EXPECT_EQ(ev.language_hint, "it");
  EXPECT_EQ(ev.at, seconds(1749416383));
}

TEST(WhatsAppParse, SeveralMessagesAcrossEntriesAndChanges) {
  const auto p = parse_fixture("batch.json");
  ASSERT_EQ(p.events.size(), 5u);

  EXPECT_EQ(p.events[0].external_id, "wamid.BUTTON_REPLY_1");
  EXPECT_EQ(p.events[0].kind, EventKind::choice);
  EXPECT_EQ(p.events[0].choice_token, "8f3a");
  EXPECT_EQ(p.events[0].choice_id, "housing");
  EXPECT_EQ(p.events[0].text, "");
  EXPECT_EQ(p.events[0].user, "212612345678");
  EXPECT_EQ(p.events[0].display_name, "محمد");
  EXPECT_EQ(p.events[0].language_hint, "ar");
  EXPECT_EQ(p.events[0].at, seconds(1749416400));

  EXPECT_EQ(p.events[1].kind, EventKind::choice);
  EXPECT_EQ(p.events[1].choice_token, "77b0");
  EXPECT_EQ(p.events[1].choice_id, "health");
  EXPECT_EQ(p.events[1].display_name, "Fatou");  // second contact, matched by wa_id
  EXPECT_EQ(p.events[1].language_hint, "fr");

  // A row id that is not a choice ref reads as the typed title.
  EXPECT_EQ(p.events[2].kind, EventKind::text);
  EXPECT_EQ(p.events[2].text, "Travail");
  EXPECT_TRUE(p.events[2].choice_id.empty());

  // Template quick-reply buttons.
  EXPECT_EQ(p.events[3].external_id, "wamid.TEMPLATE_BUTTON_4");
  EXPECT_EQ(p.events[3].kind, EventKind::choice);
  EXPECT_EQ(p.events[3].choice_token, "t1");
  EXPECT_EQ(p.events[3].choice_id, "yes");
  EXPECT_EQ(p.events[3].display_name, "Lucía");
  EXPECT_EQ(p.events[3].language_hint, "es");
  EXPECT_EQ(p.events[4].kind, EventKind::text);
  EXPECT_EQ(p.events[4].text, "Sí, continuar");

  ASSERT_EQ(p.statuses.size(), 1u);
  EXPECT_EQ(p.statuses[0].message_id, "wamid.OUR_REPLY_9");
  EXPECT_EQ(p.statuses[0].status, "delivered");
  EXPECT_EQ(p.statuses[0].recipient, "5491155550000");
  EXPECT_EQ(p.statuses[0].at_ms, 1749416502000);
  EXPECT_EQ(p.statuses[0].error_code, 0);
}

TEST(WhatsAppParse, MediaLocationContactsReaction) {
  const auto p = parse_fixture("media.json");
  ASSERT_EQ(p.events.size(), 8u);  // unsupported and system are skipped
  for (const auto& ev : p.events) {
    EXPECT_EQ(ev.kind, EventKind::media) << ev.external_id;
    EXPECT_EQ(ev.user, "4915112345678");
    EXPECT_EQ(ev.display_name, "Karim");
    EXPECT_EQ(ev.language_hint, "");  // +49 is not in the table
  }
  EXPECT_EQ(p.events[0].external_id, "wamid.IMAGE");
  EXPECT_EQ(p.events[0].text, "Il mio permesso 📄");
  EXPECT_EQ(p.events[1].text, "");
  EXPECT_EQ(p.events[2].text, "contratto");
  EXPECT_EQ(p.events[5].external_id, "wamid.LOCATION");
  EXPECT_EQ(p.events[5].text, "45.4642,9.19 Duomo, Piazza del Duomo, Milano");
  EXPECT_EQ(p.events[6].text, "Avv. Rossi +39 02 1234567");
  EXPECT_EQ(p.events[7].text, "🙏");

  ASSERT_EQ(p.media.size(), 5u);
  EXPECT_EQ(p.media[0].event, 0u);
  EXPECT_EQ(p.media[0].type, "image");
  EXPECT_EQ(p.media[0].media_id, "1234567890123456");
  EXPECT_EQ(p.media[0].mime_type, "image/jpeg");
  EXPECT_FALSE(p.media[0].voice);
  EXPECT_EQ(p.media[1].type, "audio");
  EXPECT_TRUE(p.media[1].voice);
  EXPECT_EQ(p.media[2].type, "document");
  EXPECT_EQ(p.media[2].filename, "contratto_affitto.pdf");
  EXPECT_EQ(p.media[3].type, "video");
  EXPECT_EQ(p.media[4].type, "sticker");
  EXPECT_EQ(p.media[4].event, 4u);
  EXPECT_EQ(p.media[4].media_id, "5234567890123456");
}

TEST(WhatsAppParse, Statuses) {
  const auto p = parse_fixture("statuses.json");
  EXPECT_TRUE(p.events.empty());
  ASSERT_EQ(p.statuses.size(), 4u);  // the one without id is skipped
  EXPECT_EQ(p.statuses[0].status, "sent");
  EXPECT_EQ(p.statuses[0].message_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA");
  EXPECT_EQ(p.statuses[0].recipient, "16505551234");
  EXPECT_EQ(p.statuses[0].at_ms, 1751142800000);
  EXPECT_EQ(p.statuses[1].status, "read");
  EXPECT_EQ(p.statuses[2].status, "failed");
  EXPECT_EQ(p.statuses[2].error_code, 131049);
  EXPECT_EQ(p.statuses[2].error_title,
            "This message was not delivered to maintain healthy ecosystem engagement.");
  EXPECT_EQ(p.statuses[3].message_id, "wamid.FAILED_WINDOW");
  EXPECT_EQ(p.statuses[3].error_code, 131047);
  EXPECT_EQ(p.statuses[3].error_title, "Re-engagement message");
  EXPECT_EQ(p.statuses[3].recipient, "US.13491208655302741918");
}

TEST(WhatsAppParse, UsernameWithoutPhoneUsesBusinessScopedId) {
  const auto p = parse_fixture("username.json");
  ASSERT_EQ(p.events.size(), 1u);  // the message with no sender at all is skipped
  EXPECT_EQ(p.events[0].user, "US.13491208655302741918");
  EXPECT_EQ(p.events[0].chat, "US.13491208655302741918");
  EXPECT_EQ(p.events[0].display_name, "Sheena");
  EXPECT_EQ(p.events[0].language_hint, "");
  EXPECT_EQ(p.events[0].text, "Hello");
}

TEST(WhatsAppParse, BadShapesAreParseErrors) {
  const char* bodies[] = {
      "",
      "not json",
      "[]",
      "{}",
      R"({"object":"page","entry":[]})",
      R"({"object":"whatsapp_business_account"})",
      R"({"object":"whatsapp_business_account","entry":{}})",
      R"({"object":"whatsapp_business_account","entry":[]} trailing)",
      "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"x\":\"\xff\"}",
  };
  for (const char* body : bodies) {
    auto parsed = parse_webhook(body);
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(parsed.error().code, Errc::parse) << body;
  }
  const std::string deep = R"({"object":"whatsapp_business_account","entry":)" +
                           std::string(500, '[') + std::string(500, ']') + "}";
  auto parsed = parse_webhook(deep);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, Errc::parse);
}

TEST(WhatsAppParse, OddInnerShapesAreSkippedNotFatal) {
  const char* body = R"({"object":"whatsapp_business_account","unknown":1,"entry":[
    1, {"changes": "x"}, {"changes":[{"field":"messages","value":[]},
      {"field":"messages","value":{"messages":{"id":"x"},"statuses":[1]}},
      {"field":"messages","value":{"messages":[
        {"from":"39333","id":"wamid.A","timestamp":"soon","type":"text","text":{"body":"ok"}},
        {"from":"39333","id":"wamid.B","type":"interactive","interactive":{"type":"nfm_reply"}},
        {"from":"39333","id":"wamid.C","type":"text","text":"not an object"},
        {"from":39333,"id":"wamid.D","type":"text","text":{"body":"numeric from"}}]}}]}]})";
  auto parsed = parse_webhook(body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->events.size(), 2u);
  EXPECT_EQ(parsed->events[0].external_id, "wamid.A");
  EXPECT_EQ(parsed->events[0].at, TimePoint{});  // unreadable timestamp
  EXPECT_EQ(parsed->events[1].external_id, "wamid.C");
  EXPECT_EQ(parsed->events[1].text, "");
  EXPECT_TRUE(parsed->statuses.empty());
}

TEST(WhatsAppLanguage, CallingCodeTable) {
  const std::pair<const char*, const char*> rows[] = {
      {"393331234567", "it"},
      {"+33612345678", "fr"},
      {"34612345678", "es"},
      {"447700900123", "en"},
      {"12025550123", "en"},
      {"61412345678", "en"},
      {"353851234567", "en"},
      {"201001234567", "ar"},
      {"212612345678", "ar"},
      {"96650123456", "ar"},
      {"249912345678", "ar"},
      {"221771234567", "fr"},
      {"243812345678", "fr"},
      {"224621234567", "fr"},
      {"5215512345678", "es"},
      {"59171234567", "es"},
      {"51912345678", "es"},
      {"4915112345678", ""},
      {"234803123456", ""},
      {"380501234567", ""},
      {"", ""},
      {"39", ""},
      {"39abc", ""},
      {"US.1349120865", ""},
  };
  for (const auto& [phone, lang] : rows) EXPECT_EQ(language_from_phone(phone), lang) << phone;
}

}  // namespace
}  // namespace ponte::channels::whatsapp
