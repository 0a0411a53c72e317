// WhatsApp end to end: the real ponte process, signed webhooks on
// 127.0.0.1, and a fake Cloud API receiving what ponte sends. Waiting is
// polling with a deadline, never a fixed sleep.
#include "tests/integration/ponte_fixture.hpp"

#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <gtest/gtest.h>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct Db {
  explicit Db(const std::filesystem::path& file) {
    auto db = storage::Database::open(file, {.read_only = true});
    if (!db) throw std::runtime_error(db.error().message);
    handle = std::move(*db);
  }
  std::optional<storage::Contact> contact(const std::string& phone) {
    return storage::find_contact(*handle, Channel::whatsapp, phone).value();
  }
  std::vector<storage::MessageRow> messages(const std::string& phone) {
    auto c = contact(phone);
    if (!c) return {};
    return storage::list_messages(*handle, c->id, 0, 1000).value();
  }
  std::optional<storage::MessageRow> by_external_id(const std::string& phone,
                                                    const std::string& wamid) {
    for (auto& m : messages(phone)) {
      if (m.external_id == wamid) return m;
    }
    return std::nullopt;
  }
  std::unique_ptr<storage::Database> handle;
};

// Row ids of an interactive list, button ids of reply buttons.
std::vector<std::string> list_ids(const WhatsAppCall& call) {
  std::vector<std::string> ids;
  for (const auto& section : call.body["interactive"]["action"]["sections"]) {
    for (const auto& row : section["rows"]) ids.push_back(row.value("id", ""));
  }
  return ids;
}
std::vector<std::string> button_ids(const WhatsAppCall& call) {
  std::vector<std::string> ids;
  for (const auto& b : call.body["interactive"]["action"]["buttons"]) {
    ids.push_back(b["reply"].value("id", ""));
  }
  return ids;
}
std::string interactive_type(const WhatsAppCall& call) {
  return call.body.value(json::json_pointer("/interactive/type"), std::string());
}
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class WhatsAppE2E : public ::testing::Test {
 protected:
  void SetUp() override { ponte.start(); }
  bool wait_messages(const std::string& to, std::size_t n) {
    return ponte.whatsapp().wait_until([&] { return ponte.whatsapp().messages_to(to).size() >= n; },
                                       10s);
  }
  PonteFixture ponte;
};

TEST_F(WhatsAppE2E, HandshakeEchoesTheChallengeOnlyForTheVerifyToken) {
  auto ok = ponte.get(std::string("/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1158201444") +
                      "&hub.verify_token=" + kWaVerify);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "1158201444");
  auto wrong = ponte.get(
      "/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.body.find("1158201444"), std::string::npos);
}

TEST_F(WhatsAppE2E, ABadSignatureIs401AndStoresNothing) {
  const std::string phone = "393330000001";
  const auto body = ponte.wa_text(phone, "ciao").dump();
  const std::string forged = PonteFixture::wa_signature(body, "not-the-app-secret");
  EXPECT_EQ(ponte.post_whatsapp(body, &forged).status, 401);
  const std::string missing;
  EXPECT_EQ(ponte.post_whatsapp(body, &missing).status, 401);
  // Signed, but over other bytes (a re-serialised body would be this).
  const std::string other = PonteFixture::wa_signature(body + " ", kWaAppSecret);
  EXPECT_EQ(ponte.post_whatsapp(body, &other).status, 401);
  // Signed and malformed: a 4xx, not a crash or a 5xx that Meta would retry.
  EXPECT_EQ(ponte.post_whatsapp("{\"object\":\"page\"}").status, 400);
  Db db(ponte.database());
  EXPECT_FALSE(db.contact(phone));
  EXPECT_TRUE(ponte.whatsapp().calls().empty());
}

TEST_F(WhatsAppE2E, TextListReplyAndButtonReplyWalkTheMenuInArabic) {
  const std::string phone = "393330000002";
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(phone, "ciao").dump()).status, 200);
  const auto first_wamid = ponte.last_wamid();
  ASSERT_TRUE(wait_messages(phone, 1)) << ponte.log();
  // Five languages: a list, each row id a choice ref.
  auto language = ponte.whatsapp().messages_to(phone).back();
  EXPECT_EQ(language.authorization, std::string("Bearer ") + kWaToken);
  EXPECT_EQ(language.to(), "+" + phone);
  ASSERT_EQ(interactive_type(language), "list") << language.body.dump();
  const auto rows = list_ids(language);
  ASSERT_EQ(rows.size(), 5u);
  // The person's message got its blue ticks through the outbox.
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        auto r = ponte.whatsapp().reads();
        return std::find(r.begin(), r.end(), first_wamid) != r.end();
      },
      10s));

  std::string arabic;
  for (const auto& id : rows) {
    if (ends_with(id, ":ar")) arabic = id;
  }
  ASSERT_FALSE(arabic.empty());
  const auto before = ponte.whatsapp().messages_to(phone).size();
  ASSERT_EQ(
      ponte.post_whatsapp(ponte.wa_reply(phone, "list_reply", arabic, "العربية").dump()).status,
      200);
  // The main menu in Arabic: three choices, so reply buttons.
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        auto m = ponte.whatsapp().messages_to(phone);
        return m.size() > before && interactive_type(m.back()) == "button";
      },
      10s))
      << ponte.log();
  const auto menu = ponte.whatsapp().messages_to(phone).back();
  const auto buttons = button_ids(menu);
  ASSERT_EQ(buttons.size(), 3u);
  const auto after_menu = ponte.whatsapp().messages_to(phone).size();
  ASSERT_EQ(
      ponte.post_whatsapp(ponte.wa_reply(phone, "button_reply", buttons[0], "x").dump()).status,
      200);
  ASSERT_TRUE(wait_messages(phone, after_menu + 1));

  Db db(ponte.database());
  auto contact = db.contact(phone);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->language, "ar");
  EXPECT_EQ(contact->display_name, "Amina");
  // Every outbound transcript row carries the wamid the API returned.
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        Db fresh(ponte.database());
        for (const auto& m : fresh.messages(phone)) {
          if (m.direction == storage::Direction::out && !m.external_id) return false;
        }
        return true;
      },
      5s));
}

TEST_F(WhatsAppE2E, MediaIsAcknowledgedInThePersonsLanguageAndKept) {
  const std::string phone = "393330000003";
  json image = {{"type", "image"},
                {"image",
                 {{"id", "1479537139650973"},
                  {"mime_type", "image/jpeg"},
                  {"sha256", "abc"},
                  {"caption", "permesso"}}}};
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_message(phone, image).dump()).status, 200);
  ASSERT_TRUE(wait_messages(phone, 1)) << ponte.log();
  // A first message opens the conversation: +39, so the welcome is Italian.
  EXPECT_EQ(ponte.whatsapp().messages_to(phone).front().text(),
            "Ciao, sono Ponte. Scegli la tua lingua.");
  // A voice note in the conversation is acknowledged, in Italian too.
  json voice = {
      {"type", "audio"},
      {"audio", {{"id", "2580"}, {"mime_type", "audio/ogg; codecs=opus"}, {"voice", true}}}};
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_message(phone, voice).dump()).status, 200);
  const auto acknowledged = [&] {
    for (const auto& m : ponte.whatsapp().messages_to(phone)) {
      if (m.text().find("ricevuto") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(ponte.whatsapp().wait_until(acknowledged, 10s));
  // Location, contacts and reactions are kept as text in the transcript.
  json location = {{"type", "location"},
                   {"location", {{"latitude", 45.4642}, {"longitude", 9.19}, {"name", "Duomo"}}}};
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_message(phone, location).dump()).status, 200);
  const auto location_id = ponte.last_wamid();
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        auto r = ponte.whatsapp().reads();
        return std::find(r.begin(), r.end(), location_id) != r.end();
      },
      10s));

  Db db(ponte.database());
  std::vector<json> media;
  for (const auto& row : db.messages(phone)) {
    if (row.direction == storage::Direction::in) media.push_back(json::parse(row.body));
  }
  ASSERT_EQ(media.size(), 3u);
  EXPECT_EQ(media[0].value("kind", ""), "media");
  EXPECT_EQ(media[0].value("media_id", ""), "1479537139650973");
  EXPECT_EQ(media[0].value("media_type", ""), "image");
  EXPECT_EQ(media[0].value("text", ""), "permesso");
  EXPECT_EQ(media[1].value("media_type", ""), "audio");
  EXPECT_EQ(media[1].value("media_id", ""), "2580");
  EXPECT_NE(media[2].value("text", "").find("45.4642"), std::string::npos) << media[2].dump();
}

TEST_F(WhatsAppE2E, StatusesOnlyMoveForwardAndFailuresAreKeptWithTheReason) {
  const std::string phone = "393330000004";
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(phone, "ciao").dump()).status, 200);
  ASSERT_TRUE(wait_messages(phone, 1));
  const auto wamid = ponte.whatsapp().messages_to(phone).front().message_id;
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] { return Db(ponte.database()).by_external_id(phone, wamid).has_value(); }, 5s));
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_status(wamid, "read", phone).dump()).status, 200);
  // A late "delivered" and a repeated "sent" must not undo "read".
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_status(wamid, "delivered", phone).dump()).status, 200);
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_status(wamid, "sent", phone).dump()).status, 200);
  EXPECT_EQ(Db(ponte.database()).by_external_id(phone, wamid)->status,
            storage::MessageStatus::read);

  // A second reply fails after it was accepted: the transcript says why.
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(phone, "menu").dump()).status, 200);
  ASSERT_TRUE(wait_messages(phone, 2));
  const auto second = ponte.whatsapp().messages_to(phone).back().message_id;
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] { return Db(ponte.database()).by_external_id(phone, second).has_value(); }, 5s));
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_status(second, "failed", phone, 131047).dump()).status,
            200);
  auto failed = Db(ponte.database()).by_external_id(phone, second);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, storage::MessageStatus::failed);
  ASSERT_TRUE(failed->error);
  EXPECT_NE(failed->error->find("131047"), std::string::npos);
  // A status for a message Ponte never sent is acknowledged and ignored.
  EXPECT_EQ(ponte.post_whatsapp(ponte.wa_status("wamid.unknown", "read", phone).dump()).status,
            200);
}

TEST_F(WhatsAppE2E, ARedeliveredNotificationIsProcessedOnce) {
  const std::string phone = "393330000005";
  const auto body = ponte.wa_text(phone, "ciao").dump();
  ASSERT_EQ(ponte.post_whatsapp(body).status, 200);
  ASSERT_TRUE(wait_messages(phone, 1));
  const auto sent = ponte.whatsapp().messages_to(phone).size();
  ASSERT_EQ(ponte.post_whatsapp(body).status, 200);  // Meta retried it
  // A later message proves the retry was handled first and added nothing.
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(phone, "menu").dump()).status, 200);
  ASSERT_TRUE(wait_messages(phone, sent + 1));
  Db db(ponte.database());
  std::size_t inbound = 0;
  for (const auto& m : db.messages(phone)) inbound += m.direction == storage::Direction::in;
  EXPECT_EQ(inbound, 2u);
}

TEST_F(WhatsAppE2E, APermanentFailureIsDeadLetteredAndCanBeRetriedThroughTheAdminApi) {
  const std::string phone = "393330000006";
  ponte.whatsapp().fail_next(1, 400, FakeWhatsApp::error_body(131026, "Message Undeliverable."));
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(phone, "ciao").dump()).status, 200);
  json dead;
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        auto r = ponte.admin_get("/api/outbox/dead");
        if (r.status != 200) return false;
        dead = json::parse(r.body)["dead"];
        return !dead.empty();
      },
      10s))
      << ponte.log();
  EXPECT_EQ(dead[0].value("channel", ""), "whatsapp");
  EXPECT_NE(dead[0].value("last_error", "").find("131026"), std::string::npos) << dead.dump();
  // Not open to the world.
  EXPECT_EQ(ponte.admin_get("/api/outbox/dead", "wrong-token-0123456789").status, 401);
  EXPECT_EQ(ponte.get("/api/outbox/dead").status, 401);
  EXPECT_EQ(
      ponte.admin_post("/api/outbox/" + std::to_string(dead[0].value("id", 0)) + "/retry", "nope")
          .status,
      401);

  const auto id = std::to_string(dead[0].value("id", 0));
  const auto before = ponte.whatsapp().messages_to(phone).size();
  const auto retried = ponte.admin_post("/api/outbox/" + id + "/retry");
  ASSERT_EQ(retried.status, 200) << retried.body;
  ASSERT_TRUE(wait_messages(phone, before + 1)) << ponte.log();
  // It is no longer dead: a second retry is a conflict, not a second copy.
  EXPECT_EQ(ponte.admin_post("/api/outbox/" + id + "/retry").status, 409);
  EXPECT_EQ(ponte.admin_post("/api/outbox/999999/retry").status, 404);
}

TEST_F(WhatsAppE2E, AnOperatorFetchesATelegramFileThroughPonte) {
  auto file = ponte.admin_get("/api/files/telegram/AgACAgQAAxkBAAIBY3");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.body, FakeTelegram::file_content("documents/AgACAgQAAxkBAAIBY3.pdf"));
  EXPECT_NE(file.headers["content-disposition"].find("attachment"), std::string::npos);
  EXPECT_EQ(ponte.admin_get("/api/files/telegram/unknown").status, 404);
  EXPECT_EQ(ponte.admin_get("/api/files/telegram/..%2Fetc").status, 400);
  EXPECT_EQ(ponte.get("/api/files/telegram/AgACAgQAAxkBAAIBY3").status, 401);
}

TEST_F(WhatsAppE2E, AnOperatorFetchesWhatsAppMediaThroughPonte) {
  auto file = ponte.admin_get("/api/files/whatsapp/1479537139650973");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.body, FakeWhatsApp::media_content("1479537139650973"));
  EXPECT_NE(file.headers["content-disposition"].find("attachment"), std::string::npos);
  // Both the description and the download were asked with the bearer token.
  std::size_t authorized_gets = 0;
  for (const auto& c : ponte.whatsapp().calls()) {
    authorized_gets +=
        c.status == 200 && c.body.is_null() && c.authorization == std::string("Bearer ") + kWaToken;
  }
  EXPECT_EQ(authorized_gets, 2u);
  EXPECT_EQ(ponte.admin_get("/api/files/whatsapp/404404").status, 404);
  EXPECT_EQ(ponte.admin_get("/api/files/whatsapp/not-a-number").status, 400);
  EXPECT_EQ(ponte.get("/api/files/whatsapp/1479537139650973").status, 401);
}

// The 24-hour window (issue 4): a message that reaches Ponte a day and a
// half after it was written (Meta retries for 7 days) is answered with the
// template for the person's language, or not at all, with the reason kept.
TEST_F(WhatsAppE2E, OutsideTheWindowTheReplyGoesAsTheLanguagesTemplate) {
  const std::string phone = "393330000007";
  ASSERT_EQ(
      ponte
          .post_whatsapp(ponte
                             .wa_message(phone, {{"type", "text"}, {"text", {{"body", "ciao"}}}},
                                         std::chrono::hours(36))
                             .dump())
          .status,
      200);
  ASSERT_TRUE(wait_messages(phone, 1)) << ponte.log();
  const auto sent = ponte.whatsapp().messages_to(phone).front();
  ASSERT_EQ(sent.type(), "template") << sent.body.dump();
  EXPECT_EQ(sent.body.value(json::json_pointer("/template/name"), std::string()), "ponte_risposta");
  EXPECT_EQ(sent.body.value(json::json_pointer("/template/language/code"), std::string()), "it");
  const auto text = sent.body.dump();
  EXPECT_NE(text.find("Scegli la tua lingua"), std::string::npos) << text;
  EXPECT_NE(text.find("1. Italiano"), std::string::npos) << text;  // typed answers still work
}

TEST_F(WhatsAppE2E, OutsideTheWindowWithoutATemplateTheReplyIsRefusedAndKept) {
  const std::string phone = "33612345678";  // +33: French, no template configured
  ASSERT_EQ(
      ponte
          .post_whatsapp(ponte
                             .wa_message(phone, {{"type", "text"}, {"text", {{"body", "bonjour"}}}},
                                         std::chrono::hours(36))
                             .dump())
          .status,
      200);
  const auto wamid = ponte.last_wamid();
  // The read receipt proves the turn ran; no message may follow it.
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        auto r = ponte.whatsapp().reads();
        return std::find(r.begin(), r.end(), wamid) != r.end();
      },
      10s));
  EXPECT_TRUE(ponte.whatsapp().messages_to(phone).empty());
  Db db(ponte.database());
  const auto rows = db.messages(phone);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].direction, storage::Direction::in);
  EXPECT_EQ(rows[1].status, storage::MessageStatus::failed);
  ASSERT_TRUE(rows[1].error);
  EXPECT_NE(rows[1].error->find("\"fr\""), std::string::npos) << *rows[1].error;
}

// A person who adopts a WhatsApp username stops showing their number; the
// business-scoped user id keeps them the same contact with the same history.
TEST_F(WhatsAppE2E, APersonIsKeyedByTheirBsuidAndReachedByNumberWhileKnown) {
  const std::string phone = "393330000008", bsuid = "IT.55501230000008";
  auto first = ponte.wa_text(phone, "ciao");
  first["entry"][0]["changes"][0]["value"]["messages"][0]["from_user_id"] = bsuid;
  ASSERT_EQ(ponte.post_whatsapp(first.dump()).status, 200);
  ASSERT_TRUE(wait_messages(phone, 1)) << ponte.log();

  auto later = ponte.wa_text(phone, "menu");
  auto& message = later["entry"][0]["changes"][0]["value"]["messages"][0];
  message.erase("from");
  message["from_user_id"] = bsuid;
  later["entry"][0]["changes"][0]["value"]["contacts"][0].erase("wa_id");
  ASSERT_EQ(ponte.post_whatsapp(later.dump()).status, 200);
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] {
        for (const auto& c : ponte.whatsapp().calls()) {
          if (c.status == 200 && c.type() != "read" && c.to() == bsuid) return true;
        }
        return false;
      },
      10s))
      << ponte.log();
  Db db(ponte.database());
  EXPECT_FALSE(db.contact(phone));
  auto contact = db.contact(bsuid);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->chat_id, bsuid);
  std::size_t inbound = 0;
  for (const auto& m : db.messages(bsuid)) inbound += m.direction == storage::Direction::in;
  EXPECT_EQ(inbound, 2u);
}

}  // namespace
}  // namespace ponte::testing
