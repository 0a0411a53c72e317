// The foundation, end to end: the real ponte process, a fake Telegram API,
// real HTTP on 127.0.0.1, a real SQLite file. Waiting is polling with a
// deadline, never a fixed sleep.
#include "tests/integration/ponte_fixture.hpp"

#include "bot/engine/flow_set.hpp"
#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;

bool has_arabic(const std::string& s) {
  // Arabic letters are U+0600..U+06FF: UTF-8 lead bytes 0xD8..0xDB.
  for (unsigned char c : s) {
    if (c >= 0xD8 && c <= 0xDB) return true;
  }
  return false;
}

// Reads the database the running (or stopped) ponte writes.
struct Db {
  explicit Db(const std::filesystem::path& file) {
    auto db = storage::Database::open(file, {.read_only = true});
    if (!db) throw std::runtime_error(db.error().message);
    handle = std::move(*db);
  }
  std::optional<storage::Contact> contact(std::int64_t chat) {
    return storage::find_contact(*handle, Channel::telegram, std::to_string(chat)).value();
  }
  std::vector<storage::MessageRow> messages(std::int64_t chat) {
    auto c = contact(chat);
    if (!c) return {};
    return storage::list_messages(*handle, c->id, 0, 1000).value();
  }
  std::unique_ptr<storage::Database> handle;
};

std::size_t count_direction(const std::vector<storage::MessageRow>& rows, storage::Direction d) {
  std::size_t n = 0;
  for (const auto& r : rows) n += r.direction == d;
  return n;
}

class TelegramE2E : public ::testing::Test {
 protected:
  void SetUp() override { ponte.start(); }
  PonteFixture ponte;
};

TEST_F(TelegramE2E, DemoDialogueInArabicEndsInTheQueue) {
  const std::int64_t chat = 5550001001;
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao", "ar")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1)) << ponte.log();
  // First the language choice, with each language in its own script.
  auto keyboard = ponte.last_keyboard(chat);
  ASSERT_GE(keyboard.size(), 5u);
  ASSERT_EQ(ponte.press(chat, "العربية").status, 200);
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] { return ponte.telegram().count("answerCallbackQuery") >= 1; }, 10s));
  ASSERT_TRUE(ponte.wait_texts(chat, 2));
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] {
        return !ponte.last_keyboard(chat).empty() && has_arabic(ponte.last_keyboard(chat)[0].label);
      },
      10s));
  // Main menu in Arabic: an information answer first.
  const auto menu = ponte.last_keyboard(chat);
  const auto before_info = ponte.telegram().texts_to(chat).size();
  ASSERT_EQ(ponte.post_update(ponte.press_update(chat, menu.front().data)).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, before_info + 1));
  EXPECT_TRUE(has_arabic(ponte.telegram().texts_to(chat)[before_info]));
  // Then "talk to an operator": the person is told their place in the queue.
  ASSERT_TRUE(ponte.telegram().wait_until([&] { return !ponte.last_keyboard(chat).empty(); }, 5s));
  const auto before_handoff = ponte.telegram().texts_to(chat).size();
  ASSERT_EQ(ponte.press(chat, "operator").status, 200) << "no operator button";
  auto flows =
      engine::load_flow_set(std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/flows",
                            std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/locales");
  ASSERT_TRUE(flows.ok());
  const auto first_in_line =
      engine::render(*flows.flows, "ar", "operator.queued", {{"position", 1}});
  ASSERT_FALSE(first_in_line.empty());
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] { return ponte.telegram().texts_to(chat).back() == first_in_line; }, 10s))
      << ::testing::PrintToString(ponte.telegram().texts_to(chat));
  ASSERT_TRUE(ponte.wait_texts(chat, before_handoff + 2));  // "passing you on", then the queue

  // Every reply went out through HTML sendMessage to this chat, once.
  for (const auto& call : ponte.telegram().delivered("sendMessage")) {
    EXPECT_EQ(call.token, kToken);
    EXPECT_EQ(call.body.value("parse_mode", ""), "HTML");
  }
  // The database holds the transcript both ways and a queued case.
  Db db(ponte.database());
  auto contact = db.contact(chat);
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->language, "ar");
  const auto rows = db.messages(chat);
  EXPECT_EQ(count_direction(rows, storage::Direction::in), 4u);
  EXPECT_EQ(count_direction(rows, storage::Direction::out), ponte.telegram().texts_to(chat).size());
  auto cases = storage::list_cases(*db.handle, storage::CaseStatus::queued, 10).value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].contact_id, contact->id);
  EXPECT_EQ(cases[0].language, "ar");
  EXPECT_EQ(storage::queue_position(*db.handle, cases[0].id).value(), 1);
}

TEST_F(TelegramE2E, ARepeatedUpdateIsProcessedOnce) {
  const std::int64_t chat = 5550001002;
  const auto update = ponte.text_update(chat, "ciao");
  ASSERT_EQ(ponte.post_update(update).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1));
  const auto sent = ponte.telegram().texts_to(chat).size();
  ASSERT_EQ(ponte.post_update(update).status, 200);  // Telegram retried it
  // A later update proves the retry was handled before it: its replies come
  // after, and the retry added none.
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "menu")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, sent + 1));
  Db db(ponte.database());
  EXPECT_EQ(count_direction(db.messages(chat), storage::Direction::in), 2u);
}

TEST_F(TelegramE2E, AWrongSecretIs401AndStoresNothing) {
  const std::int64_t chat = 5550001003;
  EXPECT_EQ(ponte.post_update(ponte.text_update(chat, "ciao"), "wrong-secret").status, 401);
  EXPECT_EQ(ponte.post_update(ponte.text_update(chat, "ciao"), "").status, 401);
  EXPECT_EQ(ponte.post_update(ponte.text_update(chat, "ciao"), std::string(kSecret) + "x").status,
            401);
  Db db(ponte.database());
  EXPECT_FALSE(db.contact(chat));
  EXPECT_EQ(ponte.telegram().attempts("sendMessage"), 0u);
}

TEST_F(TelegramE2E, MalformedBodiesAre400) {
  EXPECT_EQ(ponte.post_raw("{not json").status, 400);
  EXPECT_EQ(ponte.post_raw("[1,2,3]").status, 400);
  EXPECT_EQ(ponte.post_raw("{\"message\": {}}").status, 400);       // no update_id
  EXPECT_EQ(ponte.post_raw(std::string(100000, '[')).status, 400);  // nesting bomb
  // Still serving afterwards.
  EXPECT_EQ(ponte.get("/healthz").status, 200);
}

TEST_F(TelegramE2E, BodiesOver4MiBAre413AndUnderPass) {
  const std::int64_t chat = 5550001004;
  auto big = ponte.text_update(chat, std::string(3 * 1024 * 1024, 'a'));
  // WhatsApp-sized bodies are fine. The 3 MB text runs a whole turn, which
  // takes seconds in the sanitizer builds (coverage-instrumented for the
  // fuzzer): a generous bound, since this checks the limit, not the speed.
  const auto accepted =
      request("127.0.0.1", ponte.port(), "POST", "/telegram/webhook", big.dump(),
              {{"X-Telegram-Bot-Api-Secret-Token", kSecret}}, std::chrono::seconds(60));
  EXPECT_EQ(accepted.status, 200) << accepted.error;
  std::string huge = "{\"update_id\": 1, \"pad\": \"" + std::string(4 * 1024 * 1024, 'x') + "\"}";
  const auto refused = ponte.post_raw(huge);
  EXPECT_EQ(refused.status, 413) << refused.error;
  EXPECT_EQ(ponte.get("/healthz").status, 200);
}

TEST_F(TelegramE2E, RepliesWaitInTheOutboxWhileTheApiIsDownThenGoOutOnce) {
  const std::int64_t chat = 5550001005;
  ponte.telegram().close_listener();  // connection refused
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  // The sender may not have tried yet: wait until it has failed once, or the
  // listener could be back before its first attempt.
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] { return ponte.log().find("event=outbox.retry") != std::string::npos; }, 10s))
      << ponte.log();
  {
    Db db(ponte.database());
    EXPECT_GE(storage::count_outbox(*db.handle).value().pending, 1);
  }
  // Then a proxy answering 502; down before the listener is back, so no
  // attempt can slip through in between.
  ponte.telegram().set_down(true);
  ponte.telegram().reopen_listener();
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] { return ponte.telegram().attempts("sendMessage") >= 2; }, 10s))
      << ponte.log();
  EXPECT_EQ(ponte.telegram().count("sendMessage"), 0u);
  ponte.telegram().set_down(false);
  ASSERT_TRUE(ponte.wait_texts(chat, 1, 15s));
  // Exactly once: wait for the outbox to drain, then count.
  Db db(ponte.database());
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] { return storage::count_outbox(*db.handle).value().pending == 0; }, 10s));
  const auto texts = ponte.telegram().texts_to(chat);
  EXPECT_EQ(texts.size(), count_direction(db.messages(chat), storage::Direction::out));
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), texts.size());
}

TEST_F(TelegramE2E, A429RetryAfterIsHonoured) {
  const std::int64_t chat = 5550001006;
  ponte.telegram().fail_next(1, 429, FakeTelegram::too_many_requests_body(1), "sendMessage");
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1, 10s));
  const auto failed = ponte.telegram().failed();
  ASSERT_EQ(failed.size(), 1u);
  const auto ok = ponte.telegram().delivered("sendMessage");
  ASSERT_FALSE(ok.empty());
  EXPECT_GE(ok.front().arrived - failed.front().arrived, 950ms);
}

TEST_F(TelegramE2E, SigtermExitsZeroAndARestartContinuesTheDialogue) {
  const std::int64_t chat = 5550001007;
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao", "fr")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1));
  ASSERT_EQ(ponte.press(chat, "Français").status, 200);
  ASSERT_TRUE(ponte.telegram().wait_until(
      [&] {
        return ponte.last_keyboard(chat).size() >= 2 &&
               ponte.last_keyboard(chat)[0].label != "Italiano";
      },
      10s));
  const auto menu = ponte.last_keyboard(chat);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(ponte.stop(), 0) << ponte.log();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);

  ponte.start();
  const auto before = ponte.telegram().texts_to(chat).size();
  // "1" picks the first entry of the menu the person was left at.
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "1", "fr")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, before + 1));
  const auto after = ponte.telegram().texts_to(chat);
  // Not the language menu again: the conversation went on, in French.
  EXPECT_NE(after[before], ponte.telegram().texts_to(chat).front());
  EXPECT_NE(ponte.last_keyboard(chat)[0].label, "Italiano");
}

TEST_F(TelegramE2E, RepliesPendingAtShutdownAreSentAfterRestart) {
  const std::int64_t chat = 5550001008;
  ponte.telegram().close_listener();
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  EXPECT_EQ(ponte.stop(), 0) << ponte.log();
  ponte.telegram().reopen_listener();
  ponte.start();
  ASSERT_TRUE(ponte.wait_texts(chat, 1, 10s)) << ponte.log();
  EXPECT_EQ(ponte.last_keyboard(chat).size(), 5u);
}

TEST_F(TelegramE2E, BlockingTheBotStopsSendsAndUnblockingResumes) {
  const std::int64_t chat = 5550001009, other = 5550001010;
  ponte.telegram().close_listener();
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_EQ(ponte.post_update(ponte.member_update(chat, "kicked")).status, 200);
  {
    Db db(ponte.database());
    auto contact = db.contact(chat);
    ASSERT_TRUE(contact);
    EXPECT_TRUE(contact->unreachable);
    EXPECT_EQ(storage::count_outbox(*db.handle).value().pending, 0);
    EXPECT_GE(storage::count_outbox(*db.handle).value().dead, 1);
  }
  ponte.telegram().reopen_listener();
  ASSERT_EQ(ponte.post_update(ponte.text_update(other, "ciao")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(other, 1));
  // Longer than the configured retry_max_ms (400): a retry would have come.
  EXPECT_FALSE(
      ponte.telegram().wait_until([&] { return !ponte.telegram().texts_to(chat).empty(); }, 800ms));

  ASSERT_EQ(ponte.post_update(ponte.member_update(chat, "member")).status, 200);
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1));
  Db db(ponte.database());
  EXPECT_FALSE(db.contact(chat)->unreachable);
}

TEST_F(TelegramE2E, SetWebhookRegistersTheUrlAndTheSecret) {
  std::string output;
  ASSERT_EQ(ponte.run_command({"telegram", "set-webhook"}, &output), 0) << output;
  const auto calls = ponte.telegram().delivered("setWebhook");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].token, kToken);
  EXPECT_EQ(calls[0].body.value("url", ""), "https://help.example.org/telegram/webhook");
  EXPECT_EQ(calls[0].body.value("secret_token", ""), kSecret);
  // Telegram refusing it is an error the operator sees.
  ponte.telegram().fail_next(
      1, 400, R"({"ok":false,"error_code":400,"description":"Bad Request: bad webhook"})");
  EXPECT_EQ(ponte.run_command({"telegram", "set-webhook"}, &output), 1);
  EXPECT_NE(output.find("bad webhook"), std::string::npos) << output;
}

TEST_F(TelegramE2E, HealthzChecksTheDatabase) {
  const auto res = ponte.get("/healthz");
  ASSERT_EQ(res.status, 200);
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_TRUE(body["outbox"].contains("pending"));
}

}  // namespace
}  // namespace ponte::testing
