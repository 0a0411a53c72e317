// One turn against a real SQLite file and the bundled flows: what a single
// inbound event leaves in the database, all in one unit of work.
#include "bot/server/turn.hpp"
#include "bot/server/message_codec.hpp"
#include "storage/repositories.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

class TurnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::Database::open(dir.path() / "ponte.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db = std::move(*opened);
    ASSERT_TRUE(storage::migrate(*db));
    auto report =
        engine::load_flow_set(std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/flows",
                              std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/locales");
    ASSERT_TRUE(report.ok());
    flows = report.flows;
  }

  TurnOutcome turn(InboundEvent ev) {
    TurnOutcome out;
    EXPECT_TRUE(db->exec("BEGIN"));
    auto r = run_turn(*db, *flows, ev, now, TurnOptions{}, out);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    EXPECT_TRUE(db->exec("COMMIT"));
    return out;
  }

  InboundEvent text(Channel channel, std::string user, std::string text) {
    InboundEvent ev;
    ev.channel = channel;
    ev.external_id = "u" + std::to_string(++next_id);
    ev.user = ev.chat = std::move(user);
    ev.kind = EventKind::text;
    ev.text = std::move(text);
    ev.at = now;
    return ev;
  }

  testing::TempDir dir{"ponte-turn"};
  std::unique_ptr<storage::Database> db;
  std::shared_ptr<const engine::FlowSet> flows;
  TimePoint now = from_unix_ms(1767225600000);
  int next_id = 0;
};

TEST_F(TurnTest, ATelegramMessageLeavesTranscriptSessionAndOutbox) {
  auto out = turn(text(Channel::telegram, "42", "ciao"));
  EXPECT_FALSE(out.duplicate);
  ASSERT_GE(out.replies, 1u);
  ASSERT_EQ(out.outbox.size(), out.replies);
  EXPECT_EQ(out.outbox[0].recipient, "42");
  EXPECT_GT(out.outbox[0].id, 0);
  auto msg = decode_outbound(out.outbox[0].payload);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->choices.size(), 5u);  // the language choice comes first
  auto rows = storage::list_messages(*db, out.contact_id, 0, 100).value();
  ASSERT_EQ(rows.size(), 1 + out.replies);
  EXPECT_EQ(rows[0].direction, storage::Direction::in);
  EXPECT_EQ(rows[1].status, storage::MessageStatus::queued);
  EXPECT_TRUE(storage::load_session(*db, out.contact_id).value());
}

TEST_F(TurnTest, TheSameExternalIdIsADuplicate) {
  auto ev = text(Channel::telegram, "42", "ciao");
  auto first = turn(ev);
  auto again = turn(ev);
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.outbox.empty());
  EXPECT_EQ(storage::count_messages(*db, first.contact_id).value(),
            static_cast<std::int64_t>(1 + first.replies));
}

TEST_F(TurnTest, WebChatRepliesAreReadFromTheTranscriptNotTheOutbox) {
  auto out = turn(text(Channel::webchat, "client-aaaaaaaaaaaaaaaa", "ciao"));
  ASSERT_GE(out.replies, 1u);
  EXPECT_TRUE(out.outbox.empty());
  auto rows = storage::list_messages(*db, out.contact_id, 0, 100).value();
  EXPECT_EQ(rows.back().status, storage::MessageStatus::sent);
}

TEST_F(TurnTest, AButtonPressIsAcknowledgedFirstAndShownByItsLabel) {
  auto first = turn(text(Channel::telegram, "42", "ciao"));
  auto menu = decode_outbound(first.outbox.back().payload).value();
  InboundEvent press = text(Channel::telegram, "42", "");
  press.kind = EventKind::choice;
  press.choice_token = menu.choice_token;
  press.choice_id = "it";
  press.callback_id = "cb-1";
  auto out = turn(press);
  ASSERT_GE(out.outbox.size(), 2u);
  auto ack = decode_outbound(out.outbox[0].payload).value();
  EXPECT_EQ(ack.ack_callback_id, "cb-1");
  ASSERT_TRUE(out.outbox[0].expires_at);
  EXPECT_FALSE(out.outbox[0].message_id);  // never shown in the transcript
  auto rows = storage::list_messages(*db, out.contact_id, 0, 100).value();
  const auto& in = rows[1 + first.replies];
  EXPECT_EQ(in.direction, storage::Direction::in);
  EXPECT_EQ(decode_inbound_as_message(in.body).value().text, "Italiano");
  EXPECT_EQ(storage::get_contact(*db, out.contact_id).value()->language, "it");
}

TEST_F(TurnTest, AHandoffQueuesACaseAndTellsThePosition) {
  turn(text(Channel::telegram, "1", "ciao"));
  turn(text(Channel::telegram, "2", "ciao"));
  auto a = turn(text(Channel::telegram, "1", "operatore"));
  auto b = turn(text(Channel::telegram, "2", "operatore"));
  ASSERT_TRUE(a.case_id && b.case_id);
  EXPECT_NE(*a.case_id, *b.case_id);
  EXPECT_EQ(a.queue_position, 1);
  EXPECT_EQ(b.queue_position, 2);
  bool told = false;
  for (const auto& row : b.outbox) {
    told |= decode_outbound(row.payload).value().text.find('2') != std::string::npos;
  }
  EXPECT_TRUE(told) << "the second person is told they are number 2";
  // Asking again joins the open case instead of queueing twice.
  auto again = turn(text(Channel::telegram, "1", "operatore"));
  EXPECT_EQ(again.case_id, a.case_id);
}

TEST_F(TurnTest, InHumanModeTheBotStaysQuiet) {
  auto first = turn(text(Channel::telegram, "42", "ciao"));
  auto session = storage::load_session(*db, first.contact_id).value();
  ASSERT_TRUE(session);
  session->mode = storage::SessionMode::human;
  ASSERT_TRUE(storage::save_session(*db, *session));
  auto out = turn(text(Channel::telegram, "42", "hello?"));
  EXPECT_EQ(out.replies, 0u);
  EXPECT_TRUE(out.outbox.empty());
  EXPECT_EQ(storage::count_messages(*db, first.contact_id).value(),
            static_cast<std::int64_t>(2 + first.replies));
}

// The bundled flows carry the urgent words (the demo set has none).
TEST_F(TurnTest, UrgentWordsWhileAnOperatorHoldsTheChatMakeItsCaseUrgentAndNothingElse) {
  auto bundled = engine::load_flow_set(std::string(PONTE_SOURCE_DIR) + "/flows",
                                       std::string(PONTE_SOURCE_DIR) + "/locales");
  ASSERT_TRUE(bundled.ok());
  flows = bundled.flows;
  auto first = turn(text(Channel::telegram, "42", "ciao"));
  storage::NewCase c{first.contact_id, 2, "housing", "asked", "", "it", Channel::telegram, 1};
  const auto opened = storage::open_case(*db, c).value();
  auto session = storage::load_session(*db, first.contact_id).value();
  ASSERT_TRUE(session);
  session->mode = storage::SessionMode::human;
  ASSERT_TRUE(storage::save_session(*db, *session));

  auto calm = turn(text(Channel::telegram, "42", "grazie, aspetto"));
  EXPECT_FALSE(calm.alerted_case);
  EXPECT_EQ(storage::raise_open_case(*db, first.contact_id, 2, 2).value()->priority, 2);

  // In a language other than the contact's, inside a longer message.
  auto urgent = turn(text(Channel::telegram, "42", "please help, he beats me every night"));
  ASSERT_TRUE(urgent.alerted_case);
  EXPECT_EQ(*urgent.alerted_case, opened.id);
  EXPECT_EQ(urgent.replies, 0u);  // the operator answers, not the bot
  EXPECT_TRUE(urgent.outbox.empty());
  EXPECT_FALSE(urgent.case_id);  // no second case, no handoff notice
  const auto now_open = storage::raise_open_case(*db, first.contact_id, 2, 3).value();
  ASSERT_TRUE(now_open);
  EXPECT_EQ(now_open->priority, static_cast<int>(engine::Priority::urgent));
  EXPECT_EQ(storage::load_session(*db, first.contact_id).value()->mode,
            storage::SessionMode::human);
}

}  // namespace
}  // namespace ponte::server
