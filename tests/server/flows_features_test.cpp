// What flows ask of the server, against a real SQLite file: erasure on
// request, follow-ups sent when due (or skipped), and the terminal chat.
#include "bot/server/flows_cli.hpp"
#include "bot/server/follow_ups.hpp"
#include "bot/server/message_codec.hpp"
#include "bot/server/turn.hpp"
#include "storage/repositories.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace ponte::server {
namespace {

class FlowsFeatures : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::Database::open(dir.path() / "ponte.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db = std::move(*opened);
    ASSERT_TRUE(storage::migrate(*db));
  }

  void use(const std::string& root) {
    auto report = engine::load_flow_set(root + "/flows", root + "/locales");
    ASSERT_TRUE(report.ok());
    flows = report.flows;
  }

  TurnOutcome send(std::string text, std::string user = "42") {
    InboundEvent ev;
    ev.channel = Channel::telegram;
    ev.external_id = "u" + std::to_string(++next_id);
    ev.user = ev.chat = std::move(user);
    ev.kind = EventKind::text;
    ev.text = std::move(text);
    ev.at = now;
    TurnOutcome out;
    EXPECT_TRUE(db->exec("BEGIN"));
    auto r = run_turn(*db, *flows, ev, now, TurnOptions{}, out);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    EXPECT_TRUE(db->exec("COMMIT"));
    return out;
  }

  FollowUpOutcome due(TimePoint at) {
    FollowUpOutcome out;
    EXPECT_TRUE(db->exec("BEGIN"));
    auto r = send_due_follow_ups(*db, *flows, at, 100, out);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    EXPECT_TRUE(db->exec("COMMIT"));
    return out;
  }

  std::string text_of(const storage::OutboxRow& row) {
    auto m = decode_outbound(row.payload);
    return m ? m->text : std::string();
  }

  testing::TempDir dir{"ponte-flows"};
  std::unique_ptr<storage::Database> db;
  std::shared_ptr<const engine::FlowSet> flows;
  TimePoint now = from_unix_ms(1767225600000);  // 2026-01-01
  int next_id = 0;
};

const std::string kSource = std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo";
const std::string kSearchSet = std::string(PONTE_SOURCE_DIR) + "/tests/engine/data/flows_search";
const std::string kUrgentSet = std::string(PONTE_SOURCE_DIR) + "/tests/engine/data/flows_urgent";

TEST_F(FlowsFeatures, AlertWordsInterruptAWaitingQuestionWithAnUrgentCase) {
  use(kUrgentSet);
  send("ciao");                  // the menu
  const auto asked = send("1");  // "Dati": what is your name? (with a skip button)
  ASSERT_EQ(asked.outbox.size(), 1U);
  EXPECT_EQ(text_of(asked.outbox[0]), engine::render(*flows, "it", "menu.ask_name"));
  EXPECT_TRUE(storage::list_cases(*db, std::nullopt, 10).value().empty());

  // Not a name: someone in danger. The question is dropped at once.
  const auto urgent = send("lui mi picchia tutte le sere");
  ASSERT_TRUE(urgent.case_id);
  EXPECT_EQ(urgent.queue_position, 1);
  ASSERT_EQ(urgent.outbox.size(), 2U);
  EXPECT_EQ(text_of(urgent.outbox[0]), engine::render(*flows, "it", "urgent.numbers"));
  EXPECT_EQ(text_of(urgent.outbox[1]),
            engine::render(*flows, "it", "urgent.queued", {{"position", std::int64_t{1}}}));
  const auto cases = storage::list_cases(*db, storage::CaseStatus::queued, 10).value();
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_EQ(cases[0].priority, 0);  // urgent: first in the operators' queue
  EXPECT_EQ(cases[0].topic, "urgent");
  EXPECT_EQ(cases[0].reason, "urgent words");
  // Nothing was stored as the person's name.
  const auto session = storage::load_session(*db, urgent.contact_id).value();
  ASSERT_TRUE(session);
  EXPECT_EQ(nlohmann::json::parse(session->state_json)["vars"].count("name"), 0U);
}

TEST_F(FlowsFeatures, EraseDeletesThePersonsDataAndKeepsOnlyACount) {
  use(kSource);
  send("ciao");
  send("1");  // Italiano
  const auto queued = send("operatore");
  ASSERT_TRUE(queued.case_id);
  const auto contact = queued.contact_id;
  EXPECT_GT(storage::count_messages(*db, contact).value(), 4);
  const auto ask = send("cancella i miei dati");
  ASSERT_EQ(ask.outbox.size(), 1U);
  EXPECT_EQ(decode_outbound(ask.outbox[0].payload)->choices.size(), 2U);
  EXPECT_EQ(storage::count_erasures(*db).value(), 0);  // not before the yes

  const auto erased = send("sì");
  EXPECT_TRUE(erased.erased);
  ASSERT_EQ(erased.outbox.size(), 1U);
  EXPECT_EQ(text_of(erased.outbox[0]), engine::render(*flows, "it", "system.erase.done"));
  // Only the confirmation is left in the transcript; no state, no names.
  EXPECT_EQ(storage::count_messages(*db, contact).value(), 1);
  EXPECT_FALSE(storage::load_session(*db, contact).value());
  const auto person = storage::get_contact(*db, contact).value();
  ASSERT_TRUE(person);
  EXPECT_FALSE(person->language);
  EXPECT_FALSE(person->display_name);
  const auto cases = storage::list_cases(*db, std::nullopt, 10).value();
  ASSERT_EQ(cases.size(), 1U);
  EXPECT_EQ(cases[0].status, storage::CaseStatus::resolved);
  EXPECT_EQ(cases[0].summary, "");
  EXPECT_EQ(cases[0].reason, "");
  EXPECT_EQ(cases[0].topic, "general");  // still counted by topic
  EXPECT_EQ(storage::count_erasures(*db).value(), 1);

  // The next message is a new conversation: the language question again.
  const auto again = send("ciao");
  ASSERT_FALSE(again.outbox.empty());
  EXPECT_EQ(decode_outbound(again.outbox[0].payload)->choices.size(), 5U);
}

TEST_F(FlowsFeatures, ANoKeepsEverything) {
  use(kSource);
  send("ciao");
  send("1");
  const auto before = send("cancella");
  const auto kept = send("no");
  EXPECT_FALSE(kept.erased);
  EXPECT_GT(storage::count_messages(*db, before.contact_id).value(), 6);
  EXPECT_TRUE(storage::load_session(*db, before.contact_id).value());
  EXPECT_EQ(storage::count_erasures(*db).value(), 0);
}

TEST_F(FlowsFeatures, FollowUpsAreSentWhenDueInThePersonsLanguage) {
  use(kSearchSet);
  send("ciao");  // a new conversation starts at the start flow
  send("promemoria");
  send("Ada");
  const auto done = send("Torino");
  auto rows = storage::list_follow_ups(*db, done.contact_id).value();
  ASSERT_EQ(rows.size(), 2U);  // one by delay (3 days), one at a date
  EXPECT_EQ(rows[0].due_at, to_unix_ms(now + std::chrono::days(3)));

  EXPECT_EQ(due(now + std::chrono::days(2)).sent, 0U);
  // The person switched to English meanwhile: the follow-up is in English.
  ASSERT_TRUE(db->exec("BEGIN"));
  auto session = storage::load_session(*db, done.contact_id).value();
  ASSERT_TRUE(session);
  auto state = nlohmann::json::parse(session->state_json);
  state["contact"]["language"] = "en";
  session->state_json = state.dump();
  ASSERT_TRUE(storage::save_session(*db, *session));
  ASSERT_TRUE(db->exec("COMMIT"));

  const auto sent = due(now + std::chrono::days(3));
  EXPECT_EQ(sent.sent, 1U);
  ASSERT_EQ(sent.outbox.size(), 1U);
  EXPECT_EQ(sent.outbox[0].recipient, "42");
  EXPECT_EQ(text_of(sent.outbox[0]), "Do you remember your appointment?");
  EXPECT_EQ(due(now + std::chrono::days(3)).sent, 0U);  // sent once
  rows = storage::list_follow_ups(*db, done.contact_id).value();
  EXPECT_EQ(rows[0].state, storage::FollowUpState::sent);
  EXPECT_EQ(rows[1].state, storage::FollowUpState::pending);
}

TEST_F(FlowsFeatures, APausedOrUnreachablePersonGetsNoFollowUp) {
  use(kSearchSet);
  send("ciao", "7");
  send("ciao", "8");
  send("promemoria", "7");
  send("Ada", "7");
  const auto paused = send("Torino", "7");
  send("stop", "7");
  send("promemoria", "8");
  send("Bea", "8");
  const auto blocked = send("Roma", "8");
  ASSERT_TRUE(storage::set_contact_unreachable(*db, blocked.contact_id, true));

  const auto out = due(now + std::chrono::days(400));
  EXPECT_EQ(out.sent, 0U);
  EXPECT_EQ(out.skipped, 4U);
  EXPECT_TRUE(out.outbox.empty());
  for (const auto contact : {paused.contact_id, blocked.contact_id}) {
    for (const auto& row : storage::list_follow_ups(*db, contact).value()) {
      EXPECT_EQ(row.state, storage::FollowUpState::skipped);
    }
  }
}

// Issue 4: a WhatsApp follow-up due after the 24-hour window goes as the
// template for the person's language; without one it is skipped, kept in
// the transcript as failed with the reason, and the other follow-ups of the
// batch still go.
TEST_F(FlowsFeatures, AWhatsAppFollowUpOutsideTheWindowIsATemplateOrSkippedWithTheReason) {
  use(kSource);
  const auto now_ms = to_unix_ms(now);
  const auto wa =
      storage::upsert_contact(*db, Channel::whatsapp, "IT.1", "393330000001", "", now_ms).value();
  const auto tg = storage::upsert_contact(*db, Channel::telegram, "77", "77", "", now_ms).value();
  for (const auto contact : {wa.id, tg.id}) {
    storage::FollowUpRow row;
    row.contact_id = contact;
    row.due_at = now_ms + 30LL * 3600 * 1000;
    row.text_key = "system.media_received";
    row.created_at = now_ms;
    ASSERT_TRUE(storage::add_follow_up(*db, row));
  }
  const auto later = now + std::chrono::hours(31);
  const auto out = due(later);  // no templates configured
  EXPECT_EQ(out.skipped, 1u);
  EXPECT_EQ(out.sent, 1u);  // the Telegram one still goes
  ASSERT_EQ(out.outbox.size(), 1u);
  EXPECT_EQ(out.outbox[0].channel, Channel::telegram);
  const auto rows = storage::list_messages(*db, wa.id, 0, 10).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, storage::MessageStatus::failed);
  ASSERT_TRUE(rows[0].error);
  EXPECT_NE(rows[0].error->find("24 hours"), std::string::npos);

  storage::FollowUpRow again;
  again.contact_id = wa.id;
  again.due_at = to_unix_ms(later);
  again.text_key = "system.media_received";
  again.created_at = to_unix_ms(later);
  ASSERT_TRUE(storage::add_follow_up(*db, again));
  WhatsAppConfig config;
  for (const char* lang : {"it", "en", "fr", "es", "ar"})
    config.window_templates[lang] = "ponte_tpl";
  FollowUpOutcome templated;
  ASSERT_TRUE(db->exec("BEGIN"));
  ASSERT_TRUE(send_due_follow_ups(*db, *flows, later, 100, templated, &config));
  ASSERT_TRUE(db->exec("COMMIT"));
  ASSERT_EQ(templated.outbox.size(), 1u);
  EXPECT_EQ(decode_outbound(templated.outbox[0].payload)->template_name, "ponte_tpl");
}

TEST_F(FlowsFeatures, ErasureDeletesPendingFollowUps) {
  use(kSearchSet);
  send("ciao");  // a new conversation starts at the start flow
  send("promemoria");
  send("Ada");
  const auto done = send("Torino");
  ASSERT_EQ(storage::list_follow_ups(*db, done.contact_id).value().size(), 2U);
  send("cancella");
  send("si");
  EXPECT_TRUE(storage::list_follow_ups(*db, done.contact_id).value().empty());
  EXPECT_EQ(due(now + std::chrono::days(400)).sent, 0U);
}

TEST(ChatCli, ShowsButtonsNumberedAndTheVariables) {
  auto report = engine::load_flow_set(kSource + "/flows", kSource + "/locales");
  ASSERT_TRUE(report.ok());
  std::istringstream in("ciao\n1\n2\n/vars\n/lang xx\n/press nothing\n/quit\n");
  std::ostringstream out;
  EXPECT_EQ(run_chat(report.flows, ChatOptions{}, in, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("    1) Italiano\n    2) English\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ponte> " + engine::render(*report.flows, "it", "main.health.info")),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("contact {\"language\":\"it\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("no language \"xx\""), std::string::npos) << text;
  EXPECT_NE(text.find(engine::render(*report.flows, "it", "system.stale_choice")),
            std::string::npos)
      << text;
}

TEST(ChatCli, StartsAtAFlowAndShowsAHandoff) {
  auto report = engine::load_flow_set(kSource + "/flows", kSource + "/locales");
  ASSERT_TRUE(report.ok());
  std::istringstream in("3\n");
  std::ostringstream out;
  EXPECT_EQ(run_chat(report.flows, ChatOptions{"en", "main"}, in, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("ponte> What do you need?"), std::string::npos) << text;
  EXPECT_NE(text.find("[handoff: topic general, priority normal"), std::string::npos) << text;
  EXPECT_NE(text.find("You are first in the queue."), std::string::npos) << text;
}

}  // namespace
}  // namespace ponte::server
