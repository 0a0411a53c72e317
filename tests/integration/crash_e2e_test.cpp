// kill -9 under load, end to end: several Telegram and WhatsApp chats post
// their updates concurrently to the real ponte; ponte is killed with SIGKILL
// at a few seeded points and restarted on the same data directory. Each
// chat's sender behaves like the platforms: an update that did not get a
// 2xx (refused connection, reset, 503) is posted again, with the same id,
// until it does. At the end:
// - every acknowledged update is in the database (its dedupe key, and
//   exactly one inbound transcript row per update: none lost, none doubled);
// - every reply the turns produced was delivered: no outbox row is left
//   pending or dead, and a row is marked sent only after the fake API
//   answered 200 for it;
// - duplicates (calls the fake received beyond one per outbox row) are
//   bounded by the sends in flight at the kills: rows still pending in the
//   database whose call the fake had already received when ponte died. The
//   count is printed.
// No timing is asserted: every wait is a condition with a generous deadline.
#include "tests/integration/ponte_fixture.hpp"

#include "storage/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <thread>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kTelegramChats = 4;
constexpr int kWhatsAppChats = 4;
constexpr int kUpdatesPerChat = 16;
constexpr int kKills = 3;

struct Post {
  std::string id;    // update_id or wamid: the platform's retry carries the same one
  std::string body;  // exactly the bytes posted each time
};

struct Chat {
  bool whatsapp = false;
  std::string recipient;      // outbox.recipient: Telegram chat id, WhatsApp number
  std::int64_t telegram = 0;  // Telegram chat id
  std::vector<Post> posts;
};

// What one chat sends: a greeting, then menu picks and "menu" (never the
// operator entry, which would hand the chat to a person and quiet the bot).
std::vector<std::string> script(std::mt19937& rng) {
  static const std::vector<std::string> kPicks = {"1", "2", "menu"};
  std::vector<std::string> texts = {"ciao"};
  while (texts.size() < static_cast<std::size_t>(kUpdatesPerChat)) {
    texts.push_back(kPicks[std::uniform_int_distribution<std::size_t>(0, 2)(rng)]);
  }
  return texts;
}

std::vector<Chat> make_chats(PonteFixture& ponte, std::mt19937& rng) {
  std::vector<Chat> chats;
  for (int i = 0; i < kTelegramChats; ++i) {
    Chat c;
    c.telegram = 5550007000 + i;
    c.recipient = std::to_string(c.telegram);
    for (const auto& text : script(rng)) {
      const auto update = ponte.text_update(c.telegram, text);
      c.posts.push_back({std::to_string(update["update_id"].get<std::int64_t>()), update.dump()});
    }
    chats.push_back(std::move(c));
  }
  for (int i = 0; i < kWhatsAppChats; ++i) {
    Chat c;
    c.whatsapp = true;
    c.recipient = "3933300070" + std::to_string(i);
    for (const auto& text : script(rng)) {
      const auto body = ponte.wa_text(c.recipient, text).dump();
      c.posts.push_back({ponte.last_wamid(), body});
    }
    chats.push_back(std::move(c));
  }
  return chats;
}

// One thread per chat, posting its updates in order like the platform.
class Senders {
 public:
  Senders(PonteFixture& ponte, const std::vector<Chat>& chats) : ponte_(ponte) {
    for (const auto& chat : chats) {
      threads_.emplace_back([this, &chat] { run(chat); });
    }
  }
  ~Senders() {
    stop_ = true;
    for (auto& t : threads_) t.join();
  }
  int acknowledged() const { return acked_.load(); }
  int refused() const { return refused_.load(); }

 private:
  void run(const Chat& chat) {
    for (const auto& post : chat.posts) {
      for (;;) {
        if (stop_) return;
        const auto res =
            chat.whatsapp ? ponte_.post_whatsapp(post.body) : ponte_.post_raw(post.body);
        if (res.status == 200) break;
        ++refused_;  // not acknowledged: the platform tries again
        std::this_thread::sleep_for(5ms);
      }
      ++acked_;
    }
  }

  PonteFixture& ponte_;
  std::atomic<bool> stop_{false};
  std::atomic<int> acked_{0};
  std::atomic<int> refused_{0};
  std::vector<std::thread> threads_;
};

std::unique_ptr<storage::Database> open_read_only(const std::filesystem::path& file) {
  auto db = storage::Database::open(file, {.read_only = true});
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

std::int64_t scalar(storage::Database& db, const std::string& sql, const std::string& a = {},
                    const std::string& b = {}) {
  auto st = db.prepare(sql).value();
  if (!a.empty()) st->bind(1, a);
  if (!b.empty()) st->bind(2, b);
  const bool row = st->step().value();
  const auto v = row ? st->column_int(0) : 0;
  st->reset();
  return v;
}

// Outbox rows of one recipient in one state.
std::int64_t outbox_rows(storage::Database& db, const Chat& chat, const std::string& state) {
  const std::string sql = "SELECT count(*) FROM outbox WHERE recipient = ?1 AND channel = ?2" +
                          (state.empty() ? std::string() : " AND state = '" + state + "'");
  return scalar(db, sql, chat.recipient, chat.whatsapp ? "whatsapp" : "telegram");
}

// Calls the fake API accepted (200) for this chat: messages, and for
// WhatsApp the read receipts of its messages.
std::int64_t delivered(PonteFixture& ponte, const Chat& chat) {
  if (!chat.whatsapp) {
    return static_cast<std::int64_t>(ponte.telegram().count_if(
        [&](const RecordedCall& c) { return c.chat_id == chat.telegram; }));
  }
  auto n = static_cast<std::int64_t>(ponte.whatsapp().messages_to(chat.recipient).size());
  for (const auto& read : ponte.whatsapp().reads()) {
    for (const auto& post : chat.posts) n += read == post.id;
  }
  return n;
}

class CrashE2E : public ::testing::TestWithParam<unsigned> {};

TEST_P(CrashE2E, Kill9UnderLoadLosesNothingAcknowledgedAndDuplicatesOnlyWhatWasInFlight) {
  const auto started = std::chrono::steady_clock::now();
  std::mt19937 rng(GetParam());
  PonteFixture ponte;
  const auto chats = make_chats(ponte, rng);
  const int total = static_cast<int>(chats.size()) * kUpdatesPerChat;
  ponte.start();

  std::int64_t in_flight = 0;  // summed over the kills
  {
    Senders senders(ponte, chats);
    for (int k = 1; k <= kKills; ++k) {
      // Spread over the run, shifted by the seed: 25%, 50%, 75% +- a few.
      const int at = total * k / (kKills + 1) +
                     std::uniform_int_distribution<int>(-total / 16, total / 16)(rng);
      ASSERT_TRUE(wait_until([&] { return senders.acknowledged() >= at; }, 60s, 1ms))
          << "acknowledged " << senders.acknowledged() << " of " << at << "\n"
          << ponte.log();
      ASSERT_EQ(ponte.kill9(), -SIGKILL);
      // The file as the crash left it; the fake as the crash left it.
      auto db = open_read_only(ponte.database());
      std::int64_t here = 0;
      for (const auto& chat : chats) {
        const auto pending = outbox_rows(*db, chat, "pending");
        const auto unaccounted = delivered(ponte, chat) - outbox_rows(*db, chat, "sent");
        here += std::min(pending, std::max<std::int64_t>(unaccounted, 0));
      }
      std::cout << "[crash] kill " << k << " after " << senders.acknowledged() << "/" << total
                << " acknowledged updates; sends in flight: " << here << "\n";
      in_flight += here;
      db.reset();
      ponte.start();  // same data directory; the senders' retries go on meanwhile
    }
    ASSERT_TRUE(wait_until([&] { return senders.acknowledged() == total; }, 60s))
        << senders.acknowledged() << " of " << total << "\n"
        << ponte.log();
    std::cout << "[crash] posts refused and retried by the senders: " << senders.refused() << "\n";
  }
  // Every reply goes out: wait until nothing is pending.
  ASSERT_TRUE(wait_until(
      [&] {
        auto db = open_read_only(ponte.database());
        return scalar(*db, "SELECT count(*) FROM outbox WHERE state <> 'sent'") == 0;
      },
      60s))
      << ponte.log();

  auto db = open_read_only(ponte.database());
  std::int64_t duplicates = 0, rows = 0;
  for (const auto& chat : chats) {
    SCOPED_TRACE(chat.recipient);
    const std::string channel = chat.whatsapp ? "whatsapp" : "telegram";
    for (const auto& post : chat.posts) {
      EXPECT_EQ(
          scalar(*db, "SELECT count(*) FROM inbound_keys WHERE channel = ?1 AND external_id = ?2",
                 channel, post.id),
          1)
          << "update " << post.id << " was acknowledged but is not stored";
    }
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
                     "WHERE c.channel = ?1 AND (c.chat_id = ?2 OR c.external_id = ?2) AND "
                     "m.direction = 'in'",
                     channel, chat.recipient),
              kUpdatesPerChat);
    const auto replies = outbox_rows(*db, chat, "");
    EXPECT_GE(replies, kUpdatesPerChat);  // each update was answered
    const auto calls = delivered(ponte, chat);
    EXPECT_GE(calls, replies);  // sent means the fake accepted it
    duplicates += calls - replies;
    rows += replies;
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[crash] seed " << GetParam() << ": " << total << " updates, " << rows
            << " replies, " << kKills << " kills, duplicates " << duplicates
            << " (bound: in flight at the kills " << in_flight << "), " << seconds << " s\n";
  EXPECT_LE(duplicates, in_flight);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CrashE2E, ::testing::Values(7u, 2026u));

}  // namespace
}  // namespace ponte::testing
