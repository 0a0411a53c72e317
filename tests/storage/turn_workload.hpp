// The unit of work the fault and crash tests commit: what one inbound
// message writes (contact, inbound transcript row, session, a queued reply
// and its outbox row), keyed by a number so a test can look each one up
// afterwards and check it is either whole or absent.
#pragma once

#include "storage/repositories.hpp"
#include "storage/writer.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ponte::storage::testing {

inline constexpr int kTurnWrites = 5;

inline std::string turn_user(int i) { return "user-" + std::to_string(i); }

// Writes turn `i`; with fail_before = k it gives up before its k-th write,
// as a unit whose engine or encoder fails half-way would.
inline Writer::Unit turn_unit(int i, int fail_before = -1, std::size_t body_bytes = 16) {
  return [=](Database& db) -> Result<void> {
    auto stop_at = [&](int k) { return k == fail_before; };
    const Error injected = fail(Errc::internal, "injected failure");
    if (stop_at(0)) return injected;
    auto contact = upsert_contact(db, Channel::telegram, turn_user(i), "chat", "", i);
    if (!contact) return contact.error();
    MessageRow in{0,
                  contact->id,
                  Direction::in,
                  "text",
                  std::string(body_bytes, 'b'),
                  MessageStatus::received,
                  std::nullopt,
                  i};
    if (stop_at(1)) return injected;
    if (auto r = add_message(db, in); !r) return r.error();
    if (stop_at(2)) return injected;
    if (auto r = save_session(db, Session{contact->id, "{}", SessionMode::bot, i}); !r) return r;
    MessageRow out = in;
    out.direction = Direction::out;
    out.status = MessageStatus::queued;
    if (stop_at(3)) return injected;
    auto message_id = add_message(db, out);
    if (!message_id) return message_id.error();
    OutboxRow o;
    o.message_id = *message_id;
    o.contact_id = contact->id;
    o.recipient = "chat";
    o.payload = "{}";
    if (stop_at(4)) return injected;
    if (auto r = add_outbox(db, o); !r) return r.error();
    return {};
  };
}

// true when turn `i` is stored whole; false when absent; a test failure
// when only part of it is there.
inline bool turn_stored(Database& db, int i) {
  auto contact = find_contact(db, Channel::telegram, turn_user(i)).value();
  if (!contact) return false;
  EXPECT_EQ(count_messages(db, contact->id).value(), 2) << turn_user(i);
  EXPECT_TRUE(load_session(db, contact->id).value().has_value()) << turn_user(i);
  auto st = db.prepare("SELECT count(*) FROM outbox WHERE contact_id = ?1");
  EXPECT_TRUE(st);
  if (!st) return true;
  (*st)->bind(1, contact->id);
  EXPECT_TRUE((*st)->step().value());
  EXPECT_EQ((*st)->column_int(0), 1) << turn_user(i);
  (*st)->reset();
  return true;
}

// Reopens `file` with the ordinary VFS and checks the two invariants:
// the file is sound, and every acknowledged turn is stored.
inline void expect_acknowledged_stored(const std::filesystem::path& file,
                                       const std::vector<char>& acked) {
  auto db = open_db(file);
  EXPECT_EQ(integrity(*db), "ok");
  for (std::size_t i = 0; i < acked.size(); ++i) {
    const bool stored = turn_stored(*db, static_cast<int>(i));
    if (acked[i] && !stored)
      ADD_FAILURE() << "acknowledged but lost: " << turn_user(static_cast<int>(i));
  }
}

}  // namespace ponte::storage::testing
