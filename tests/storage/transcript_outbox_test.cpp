// The transcript and the outbox move together: each outbox transition is
// visible on the message the console shows.
#include "storage/repositories.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

namespace ponte::storage::testing {
namespace {

class Transcript : public ::testing::Test {
 protected:
  MessageRow message(Direction direction, MessageStatus status, std::int64_t at) {
    MessageRow m;
    m.contact_id = contact_.id;
    m.direction = direction;
    m.kind = direction == Direction::in ? "text" : "reply";
    m.body = R"({"text":"ciao"})";
    m.status = status;
    m.created_at = at;
    return m;
  }
  // A queued reply and its outbox row, as a turn writes them.
  std::pair<std::int64_t, std::int64_t> queue_reply(std::int64_t at) {
    const std::int64_t message_id =
        add_message(*db_, message(Direction::out, MessageStatus::queued, at)).value();
    OutboxRow o;
    o.message_id = message_id;
    o.contact_id = contact_.id;
    o.channel = Channel::telegram;
    o.recipient = contact_.chat_id;
    o.payload = R"({"text":"ciao"})";
    o.next_attempt_at = at;
    o.created_at = at;
    return {message_id, add_outbox(*db_, o).value()};
  }
  MessageStatus status_of(std::int64_t message_id) {
    for (const auto& m : list_messages(*db_, contact_.id, 0, 100).value()) {
      if (m.id == message_id) return m.status;
    }
    ADD_FAILURE() << "no message " << message_id;
    return MessageStatus::received;
  }

  TempDir dir_;
  std::unique_ptr<Database> db_ = open_db(dir_.file());
  Contact contact_ = make_contact(*db_, "u1");
};

TEST_F(Transcript, MessagesRoundTripInOrderAndPage) {
  const auto in = add_message(*db_, message(Direction::in, MessageStatus::received, 1)).value();
  auto out_row = message(Direction::out, MessageStatus::sent, 2);
  out_row.external_id = "tg-77";
  const auto out = add_message(*db_, out_row).value();
  const auto third = add_message(*db_, message(Direction::in, MessageStatus::received, 3)).value();
  EXPECT_LT(in, out);

  const auto all = list_messages(*db_, contact_.id, 0, 10).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, in);
  EXPECT_EQ(all[0].direction, Direction::in);
  EXPECT_EQ(all[0].kind, "text");
  EXPECT_EQ(all[0].body, R"({"text":"ciao"})");
  EXPECT_EQ(all[0].status, MessageStatus::received);
  EXPECT_EQ(all[0].external_id, std::nullopt);
  EXPECT_EQ(all[1].direction, Direction::out);
  EXPECT_EQ(all[1].external_id, "tg-77");
  EXPECT_EQ(all[1].created_at, 2);

  const auto page = list_messages(*db_, contact_.id, in, 1).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, out);
  EXPECT_TRUE(list_messages(*db_, contact_.id, third, 10).value().empty());
  EXPECT_EQ(count_messages(*db_, contact_.id).value(), 3);
  EXPECT_EQ(count_messages(*db_, contact_.id + 1).value(), 0);
}

TEST_F(Transcript, StatusNamesRoundTrip) {
  for (auto s : {MessageStatus::received, MessageStatus::queued, MessageStatus::sent,
                 MessageStatus::delivered, MessageStatus::read, MessageStatus::failed}) {
    EXPECT_EQ(message_status_from_string(to_string(s)), s);
  }
  EXPECT_EQ(to_string(MessageStatus::delivered), "delivered");
  EXPECT_EQ(message_status_from_string("lost"), std::nullopt);
}

TEST_F(Transcript, ReceiptsMoveTheStatusAndKeepTheExternalId) {
  auto row = message(Direction::out, MessageStatus::sent, 1);
  row.external_id = "wamid.1";
  const auto id = add_message(*db_, row).value();
  ASSERT_TRUE(set_message_status(*db_, id, MessageStatus::delivered, std::nullopt));
  auto stored = list_messages(*db_, contact_.id, 0, 1).value().at(0);
  EXPECT_EQ(stored.status, MessageStatus::delivered);
  EXPECT_EQ(stored.external_id, "wamid.1");
  ASSERT_TRUE(set_message_status(*db_, id, MessageStatus::read, "wamid.2"));
  stored = list_messages(*db_, contact_.id, 0, 1).value().at(0);
  EXPECT_EQ(stored.status, MessageStatus::read);
  EXPECT_EQ(stored.external_id, "wamid.2");
  EXPECT_EQ(set_message_status(*db_, id + 9, MessageStatus::read, std::nullopt).error().code,
            Errc::not_found);
}

TEST_F(Transcript, OutboxRowRoundTrips) {
  OutboxRow o;
  o.contact_id = contact_.id;
  o.channel = Channel::whatsapp;
  o.recipient = "393331112222";
  o.payload = R"({"ack":"cb-1"})";
  o.attempts = 2;
  o.next_attempt_at = 50;
  o.last_error = "429";
  o.created_at = 40;
  o.expires_at = 90;
  const auto id = add_outbox(*db_, o).value();
  const auto got = get_outbox(*db_, id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->message_id, std::nullopt);
  EXPECT_EQ(got->contact_id, contact_.id);
  EXPECT_EQ(got->channel, Channel::whatsapp);
  EXPECT_EQ(got->recipient, "393331112222");
  EXPECT_EQ(got->payload, R"({"ack":"cb-1"})");
  EXPECT_EQ(got->state, OutboxState::pending);
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(got->next_attempt_at, 50);
  EXPECT_EQ(got->last_error, "429");
  EXPECT_EQ(got->created_at, 40);
  EXPECT_EQ(got->sent_at, std::nullopt);
  EXPECT_EQ(got->expires_at, 90);
  EXPECT_EQ(get_outbox(*db_, id + 1).value(), std::nullopt);
}

TEST_F(Transcript, PendingOutboxPagesOverPendingRowsOnly) {
  const auto a = queue_reply(1).second;
  const auto b = queue_reply(2).second;
  const auto c = queue_reply(3).second;
  ASSERT_TRUE(mark_outbox_sent(*db_, b, 10, "tg-1"));
  auto pending = pending_outbox(*db_, 0, 10).value();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, a);
  EXPECT_EQ(pending[1].id, c);
  pending = pending_outbox(*db_, a, 10).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, c);
  EXPECT_EQ(pending_outbox(*db_, 0, 1).value().size(), 1u);
}

TEST_F(Transcript, SentMarksTheTranscriptSent) {
  const auto [message_id, outbox_id] = queue_reply(1);
  EXPECT_EQ(status_of(message_id), MessageStatus::queued);
  ASSERT_TRUE(mark_outbox_sent(*db_, outbox_id, 77, "tg-501"));
  const auto row = get_outbox(*db_, outbox_id).value().value();
  EXPECT_EQ(row.state, OutboxState::sent);
  EXPECT_EQ(row.sent_at, 77);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(status_of(message_id), MessageStatus::sent);
  EXPECT_EQ(list_messages(*db_, contact_.id, 0, 1).value().at(0).external_id, "tg-501");
}

TEST_F(Transcript, RetryKeepsPendingThenDeadMarksFailed) {
  const auto [message_id, outbox_id] = queue_reply(1);
  ASSERT_TRUE(mark_outbox_retry(*db_, outbox_id, 1, 500, "HTTP 502"));
  auto row = get_outbox(*db_, outbox_id).value().value();
  EXPECT_EQ(row.state, OutboxState::pending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at, 500);
  EXPECT_EQ(row.last_error, "HTTP 502");
  EXPECT_EQ(status_of(message_id), MessageStatus::queued);

  ASSERT_TRUE(mark_outbox_dead(*db_, outbox_id, 5, "403 bot was blocked by the user"));
  row = get_outbox(*db_, outbox_id).value().value();
  EXPECT_EQ(row.state, OutboxState::dead);
  EXPECT_EQ(row.attempts, 5);
  EXPECT_EQ(row.last_error, "403 bot was blocked by the user");
  EXPECT_EQ(status_of(message_id), MessageStatus::failed);
  EXPECT_TRUE(pending_outbox(*db_, 0, 10).value().empty());

  // A dead row is not revived by a late retry decision.
  EXPECT_EQ(mark_outbox_retry(*db_, outbox_id, 6, 900, "late").error().code, Errc::not_found);
  EXPECT_EQ(get_outbox(*db_, outbox_id).value()->state, OutboxState::dead);
}

TEST_F(Transcript, TransitionsOfMissingRowsAreNotFound) {
  EXPECT_EQ(mark_outbox_sent(*db_, 404, 1, std::nullopt).error().code, Errc::not_found);
  EXPECT_EQ(mark_outbox_dead(*db_, 404, 1, "x").error().code, Errc::not_found);
}

TEST_F(Transcript, CountsOutboxByState) {
  queue_reply(1);
  const auto sent = queue_reply(2).second;
  const auto dead = queue_reply(3).second;
  queue_reply(4);
  ASSERT_TRUE(mark_outbox_sent(*db_, sent, 5, std::nullopt));
  ASSERT_TRUE(mark_outbox_dead(*db_, dead, 3, "gone"));
  const auto counts = count_outbox(*db_).value();
  EXPECT_EQ(counts.pending, 2);
  EXPECT_EQ(counts.sent, 1);
  EXPECT_EQ(counts.dead, 1);
}

// WhatsApp receipts arrive out of order and repeated (issue 4): the status
// only moves forward, and a failure keeps its reason for the operator view.
TEST_F(Transcript, ReceiptsOnlyMoveForward) {
  const auto [message_id, outbox_id] = queue_reply(10);
  ASSERT_TRUE(mark_outbox_sent(*db_, outbox_id, 11, std::string("wamid.A")));
  auto read = apply_receipt(*db_, "wamid.A", MessageStatus::read, std::nullopt).value();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, message_id);
  EXPECT_EQ(status_of(message_id), MessageStatus::read);
  EXPECT_FALSE(apply_receipt(*db_, "wamid.A", MessageStatus::delivered, std::nullopt).value());
  EXPECT_FALSE(apply_receipt(*db_, "wamid.A", MessageStatus::sent, std::nullopt).value());
  EXPECT_FALSE(apply_receipt(*db_, "wamid.A", MessageStatus::read, std::nullopt).value());
  EXPECT_EQ(status_of(message_id), MessageStatus::read);
  EXPECT_FALSE(apply_receipt(*db_, "wamid.nobody", MessageStatus::read, std::nullopt).value());
}

TEST_F(Transcript, AFailedReceiptIsFinalAndKeepsItsReason) {
  const auto [message_id, outbox_id] = queue_reply(10);
  ASSERT_TRUE(mark_outbox_sent(*db_, outbox_id, 11, std::string("wamid.B")));
  ASSERT_TRUE(apply_receipt(*db_, "wamid.B", MessageStatus::delivered, std::nullopt).value());
  auto failed =
      apply_receipt(*db_, "wamid.B", MessageStatus::failed, std::string("whatsapp 131047: window"))
          .value();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->error, "whatsapp 131047: window");
  EXPECT_FALSE(apply_receipt(*db_, "wamid.B", MessageStatus::read, std::nullopt).value());
  const auto rows = list_messages(*db_, contact_.id, 0, 10).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, MessageStatus::failed);
  EXPECT_EQ(rows[0].error, "whatsapp 131047: window");
}

TEST_F(Transcript, ADeadRowIsListedAndRevivedOnce) {
  const auto [m1, o1] = queue_reply(10);
  const auto [m2, o2] = queue_reply(20);
  ASSERT_TRUE(mark_outbox_dead(*db_, o1, 3, "Forbidden: bot was blocked by the user"));
  ASSERT_TRUE(mark_outbox_dead(*db_, o2, 1, "bad request"));
  auto dead = dead_outbox(*db_, 0, 10).value();
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].id, o2);  // newest first
  EXPECT_EQ(dead_outbox(*db_, o2, 10).value().size(), 1u);
  EXPECT_EQ(status_of(m1), MessageStatus::failed);
  // The operator view says why.
  EXPECT_EQ(list_messages(*db_, contact_.id, 0, 10).value()[0].error,
            "Forbidden: bot was blocked by the user");

  auto revived = revive_outbox(*db_, o1, 500).value();
  EXPECT_EQ(revived.state, OutboxState::pending);
  EXPECT_EQ(revived.attempts, 0);
  EXPECT_EQ(revived.next_attempt_at, 500);
  EXPECT_EQ(status_of(m1), MessageStatus::queued);
  EXPECT_FALSE(list_messages(*db_, contact_.id, 0, 10).value()[0].error);
  EXPECT_EQ(dead_outbox(*db_, 0, 10).value().size(), 1u);
  // Pending again: a second retry cannot make a second copy.
  auto again = revive_outbox(*db_, o1, 600);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(revive_outbox(*db_, 424242, 600).error().code, Errc::not_found);
  EXPECT_EQ(pending_outbox(*db_, 0, 10).value().size(), 1u);
  (void)m2;
}

}  // namespace
}  // namespace ponte::storage::testing
