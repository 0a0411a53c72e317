// The console's storage (migration 004): claims are exclusive, edits carry a
// version and stale ones are refused, resolving hands the chat back to the
// bot, notes have a size limit, login sessions expire, and failed logins are
// counted for throttling until a successful one.
#include "storage/console.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

namespace ponte::storage::testing {
namespace {

class Console : public ::testing::Test {
 protected:
  void SetUp() override {
    ana_ = add_operator(*db_, "ana", Role::operator_, "$argon2id$fake", 1).value();
    bo_ = add_operator(*db_, "bo", Role::operator_, "$argon2id$fake", 1).value();
    contact_ = make_contact(*db_, "u1");
    NewCase c{contact_.id, 2, "housing", "asked", "evicted", "ar", Channel::telegram, 100};
    case_id_ = open_case(*db_, c).value().id;
    save_session(*db_, {contact_.id, R"({"flow":"main","node":"menu"})", SessionMode::bot, 100})
        .value();
  }
  SessionMode mode() { return load_session(*db_, contact_.id).value()->mode; }
  ConsoleCase get() { return get_console_case(*db_, case_id_).value().value(); }

  TempDir dir_;
  std::unique_ptr<Database> db_ = open_db(dir_.file());
  std::int64_t ana_ = 0, bo_ = 0, case_id_ = 0;
  Contact contact_;
};

TEST_F(Console, SecondClaimLosesAndTheChatGoesToHumanMode) {
  const auto won = claim_case(*db_, {case_id_, std::nullopt, 200}, ana_);
  ASSERT_TRUE(won) << won.error().message;
  EXPECT_EQ(won->claimed_by, ana_);
  EXPECT_EQ(won->claimed_by_name, "ana");
  EXPECT_EQ(mode(), SessionMode::human);

  const auto lost = claim_case(*db_, {case_id_, std::nullopt, 201}, bo_);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::conflict);
  EXPECT_NE(lost.error().message.find("ana"), std::string::npos);
  EXPECT_EQ(get().claimed_by, ana_);
}

TEST_F(Console, StaleVersionIsAConflictAndChangesNothing) {
  const auto claimed = claim_case(*db_, {case_id_, std::nullopt, 200}, ana_).value();
  const auto moved = set_case_phase(*db_, {case_id_, claimed.version, 300}, "assessment");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->version, claimed.version + 1);

  // A second tab still showing the old version tries another phase.
  const auto stale = set_case_phase(*db_, {case_id_, claimed.version, 301}, "planning");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::conflict);
  EXPECT_EQ(get().row.phase, "assessment");
}

TEST_F(Console, UnknownCaseAndPhaseAreRefused) {
  EXPECT_EQ(claim_case(*db_, {9999, std::nullopt, 200}, ana_).error().code, Errc::not_found);
  EXPECT_EQ(set_case_phase(*db_, {case_id_, 1, 200}, "party").error().code, Errc::invalid);
  EXPECT_EQ(add_case_note(*db_, 9999, ana_, "x", 200).error().code, Errc::not_found);
}

TEST_F(Console, ReleaseRequeuesAndResolveHandsBackToTheBot) {
  auto c = claim_case(*db_, {case_id_, std::nullopt, 200}, ana_).value();
  c = release_case(*db_, {case_id_, c.version, 210}).value();
  EXPECT_EQ(c.row.status, CaseStatus::queued);
  EXPECT_FALSE(c.claimed_by);
  EXPECT_EQ(mode(), SessionMode::bot);

  c = claim_case(*db_, {case_id_, std::nullopt, 220}, bo_).value();
  c = transfer_case(*db_, {case_id_, c.version, 230}, ana_).value();
  EXPECT_EQ(c.claimed_by, ana_);
  EXPECT_EQ(transfer_case(*db_, {case_id_, c.version, 231}, 777).error().code, Errc::invalid);
  const auto author = add_operator(*db_, "wen", Role::author, "h", 1).value();
  EXPECT_EQ(transfer_case(*db_, {case_id_, c.version, 231}, author).error().code, Errc::invalid)
      << "authors do not work cases";

  c = resolve_case(*db_, {case_id_, c.version, 240}, "referral").value();
  EXPECT_EQ(c.row.status, CaseStatus::resolved);
  EXPECT_EQ(c.row.phase, "resolution");
  EXPECT_EQ(c.outcome, "referral");
  EXPECT_EQ(c.resolved_at, 240);
  EXPECT_EQ(mode(), SessionMode::bot);
  EXPECT_EQ(resolve_case(*db_, {case_id_, c.version, 250}, "other").error().code, Errc::conflict);
}

TEST_F(Console, QueueShowsUrgentFirstAndWhetherThePersonWaits) {
  const auto other = make_contact(*db_, "u2");
  NewCase urgent{other.id, 0, "trafficking", "danger", "", "en", Channel::webchat, 500};
  const auto urgent_id = open_case(*db_, urgent).value().id;
  add_message(*db_, {0, other.id, Direction::in, "text", R"({"text":"help"})",
                     MessageStatus::received, std::nullopt, 501})
      .value();
  auto queue = list_console_cases(*db_, {}).value();
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0].row.id, urgent_id);
  EXPECT_TRUE(queue[0].waiting);
  EXPECT_FALSE(queue[1].waiting);
  // The bot's answer does not end the wait; an operator's does.
  add_message(*db_, {0, other.id, Direction::out, "reply", R"({"text":"in the queue"})",
                     MessageStatus::sent, std::nullopt, 502})
      .value();
  EXPECT_TRUE(list_console_cases(*db_, {}).value()[0].waiting);
  add_message(*db_, {0, other.id, Direction::out, "operator", R"({"text":"hello"})",
                     MessageStatus::sent, std::nullopt, 503})
      .value();
  EXPECT_FALSE(list_console_cases(*db_, {}).value()[0].waiting);

  CaseFilter only_ar;
  only_ar.language = "ar";
  queue = list_console_cases(*db_, only_ar).value();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].row.id, case_id_);
}

TEST_F(Console, NotesHaveALimitAndKeepTheirText) {
  const std::string script = "<script>alert(1)</script>";
  add_case_note(*db_, case_id_, ana_, script, 300).value();
  EXPECT_EQ(
      add_case_note(*db_, case_id_, ana_, std::string(kMaxNoteBytes + 1, 'x'), 301).error().code,
      Errc::too_large);
  EXPECT_EQ(add_case_note(*db_, case_id_, ana_, "", 302).error().code, Errc::invalid);
  const auto notes = list_case_notes(*db_, case_id_).value();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].body, script);
  EXPECT_EQ(notes[0].operator_name, "ana");
}

TEST_F(Console, TasksBelongToTheirCase) {
  CaseTask t;
  t.case_id = case_id_;
  t.title = "Book the ASL appointment";
  t.owner_id = ana_;
  t.due_at = 5000;
  t.created_at = 300;
  const auto id = add_case_task(*db_, t).value();
  set_case_task_status(*db_, case_id_, id, "done", 310).value();
  EXPECT_EQ(set_case_task_status(*db_, case_id_ + 1, id, "open", 311).error().code,
            Errc::not_found);
  EXPECT_EQ(set_case_task_status(*db_, case_id_, id, "maybe", 311).error().code, Errc::invalid);
  const auto tasks = list_case_tasks(*db_, case_id_).value();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, "done");
  EXPECT_EQ(tasks[0].owner_name, "ana");
}

TEST_F(Console, OperatorNamesAreUniqueAndPasswordChangeEndsSessions) {
  EXPECT_EQ(add_operator(*db_, "ana", Role::admin, "h", 2).error().code, Errc::conflict);
  add_operator_session(*db_, {"hash1", ana_, "csrf", 10, 10, 1000}).value();
  EXPECT_TRUE(find_operator_session(*db_, "hash1", 999).value());
  EXPECT_FALSE(find_operator_session(*db_, "hash1", 1000).value()) << "expired";
  set_operator_password(*db_, "ana", "$argon2id$new", 20).value();
  EXPECT_FALSE(find_operator_session(*db_, "hash1", 11).value());
  EXPECT_EQ(set_operator_password(*db_, "nobody", "h", 20).error().code, Errc::not_found);
}

TEST_F(Console, FailedLoginsCountUntilASuccess) {
  auto audit = [&](std::string action, std::int64_t at) {
    add_audit(*db_, {0, std::nullopt, "ana", action, std::nullopt, "", at}).value();
  };
  audit("login.failed", 100);
  audit("login.failed", 110);
  auto f = recent_login_failures(*db_, "ana", 0).value();
  EXPECT_EQ(f.count, 2);
  EXPECT_EQ(f.last_at, 110);
  EXPECT_EQ(recent_login_failures(*db_, "ana", 105).value().count, 1) << "window";
  audit("login.ok", 120);
  audit("login.failed", 130);
  EXPECT_EQ(recent_login_failures(*db_, "ana", 0).value().count, 1);
  EXPECT_EQ(recent_login_failures(*db_, "bo", 0).value().count, 0);
}

TEST_F(Console, ErasingTheContactKeepsTheAuditTrail) {
  add_audit(*db_, {0, ana_, "ana", "case.claim", case_id_, "", 200}).value();
  add_case_note(*db_, case_id_, ana_, "private", 201).value();
  db_->exec("DELETE FROM contacts WHERE id = " + std::to_string(contact_.id)).value();
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM case_notes"), 0);
  EXPECT_EQ(list_audit(*db_, case_id_, 10).value().size(), 1u);
}

TEST_F(Console, CannedAnswersAreOnePerKeyAndLanguage) {
  put_canned_answer(*db_, {0, "docs", "it", "Documenti", "Porta il passaporto", 1}).value();
  put_canned_answer(*db_, {0, "docs", "en", "Documents", "Bring your passport", 1}).value();
  put_canned_answer(*db_, {0, "docs", "en", "Documents", "Bring your passport, {name}", 2}).value();
  const auto versions = canned_versions(*db_, "docs").value();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].language, "en");
  EXPECT_EQ(versions[0].body, "Bring your passport, {name}");
  EXPECT_EQ(put_canned_answer(*db_, {0, "", "en", "t", "b", 1}).error().code, Errc::invalid);
}

TEST_F(Console, RemindersFallDueOnceAndCanBeCancelled) {
  put_canned_answer(*db_, {0, "docs", "en", "Documents", "Bring your passport", 1}).value();
  Reminder r;
  r.case_id = case_id_;
  r.canned_key = "docs";
  r.due_at = 1000;
  r.created_at = 10;
  const auto first = add_reminder(*db_, r).value();
  r.due_at = 2000;
  const auto second = add_reminder(*db_, r).value();
  r.canned_key = "nope";
  EXPECT_EQ(add_reminder(*db_, r).error().code, Errc::invalid);
  r.canned_key = "docs";
  r.task_id = 4242;
  EXPECT_EQ(add_reminder(*db_, r).error().code, Errc::not_found);

  auto due = due_reminders(*db_, 1500, 10).value();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, first);
  EXPECT_EQ(due[0].contact_id, contact_.id);
  finish_reminder(*db_, first, "sent", 1500, "").value();
  EXPECT_EQ(finish_reminder(*db_, first, "sent", 1501, "").error().code, Errc::conflict)
      << "sent once";
  finish_reminder(*db_, second, "cancelled", 1600, "").value();
  EXPECT_TRUE(due_reminders(*db_, 5000, 10).value().empty());
  const auto all = list_case_reminders(*db_, case_id_).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].state, "sent");
  EXPECT_EQ(all[1].state, "cancelled");
}

TEST_F(Console, OutcomesAreCodesNotFreeText) {
  auto c = claim_case(*db_, {case_id_, std::nullopt, 200}, ana_).value();
  EXPECT_EQ(resolve_case(*db_, {case_id_, c.version, 210}, "Mario Rossi helped").error().code,
            Errc::invalid);
  EXPECT_EQ(get().row.status, CaseStatus::claimed);
}

TEST_F(Console, StatisticsCountCodesAndDurations) {
  // The bot collected the municipality in the session's contact fields.
  save_session(*db_,
               {contact_.id, R"({"contact":{"municipality":"Palermo"}})", SessionMode::bot, 100})
      .value();
  add_message(*db_, {0, contact_.id, Direction::in, "text", R"({"text":"aiuto"})",
                     MessageStatus::received, std::nullopt, 150})
      .value();
  auto c = claim_case(*db_, {case_id_, std::nullopt, 100 + 60'000}, ana_).value();
  resolve_case(*db_, {case_id_, c.version, 100 + 180'000}, "referral").value();
  const auto other = make_contact(*db_, "u2");
  open_case(*db_, {other.id, 0, "health", "danger", "", "en", Channel::webchat, 500}).value();

  const auto topics = count_cases_by(*db_, StatsDimension::topic, 0, 1'000'000).value();
  ASSERT_EQ(topics.size(), 2u);
  const auto places = count_cases_by(*db_, StatsDimension::municipality, 0, 1'000'000).value();
  ASSERT_EQ(places.size(), 2u);
  EXPECT_TRUE((places[0].value == "Palermo") != (places[1].value == "Palermo"));
  const auto outcomes = count_cases_by(*db_, StatsDimension::outcome, 0, 1'000'000).value();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(count_cases_by(*db_, StatsDimension::topic, 400, 600).value().size(), 1u) << "period";
  const auto requests = count_requests_by(*db_, StatsDimension::channel, 0, 1'000'000).value();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].value, "telegram");

  const auto facts = case_facts(*db_, 0, 1'000'000).value();
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].municipality, "Palermo");
  EXPECT_EQ(facts[0].outcome, "referral");
  EXPECT_EQ(facts[0].wait_ms, 60'000);
  EXPECT_EQ(facts[0].resolution_ms, 180'000);
  EXPECT_FALSE(facts[1].wait_ms);
}

TEST_F(Console, CallbacksAreOnePerCaseAndClosedOnce) {
  Callback cb;
  cb.contact_id = contact_.id;
  cb.case_id = case_id_;
  cb.phone = "+393331234567";
  cb.slots = "Monday morning";
  cb.language = "ar";
  cb.created_at = 100;
  const auto id = request_callback(*db_, cb).value();
  cb.slots = "Tuesday afternoon";
  EXPECT_EQ(request_callback(*db_, cb).value(), id) << "asking again updates the request";
  auto list = list_callbacks(*db_, 10).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].slots, "Tuesday afternoon");
  EXPECT_EQ(list[0].channel, "telegram");
  finish_callback(*db_, id, "done", ana_, 200).value();
  EXPECT_EQ(finish_callback(*db_, id, "done", ana_, 201).error().code, Errc::conflict);
  EXPECT_EQ(finish_callback(*db_, 999, "done", ana_, 201).error().code, Errc::not_found);
  list = list_callbacks(*db_, 10).value();
  EXPECT_EQ(list[0].state, "done");
  EXPECT_EQ(list[0].done_by_name, "ana");
}

}  // namespace
}  // namespace ponte::storage::testing
