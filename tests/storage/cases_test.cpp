// The handoff queue: one open case per person, and positions by priority,
// then wait, then id.
#include "storage/repositories.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

namespace ponte::storage::testing {
namespace {

class Cases : public ::testing::Test {
 protected:
  NewCase request(std::string_view who, int priority, std::int64_t at) {
    NewCase c;
    c.contact_id = make_contact(*db_, who).id;
    c.priority = priority;
    c.topic = "housing";
    c.reason = "asked for an operator";
    c.summary = "evicted, two children";
    c.language = "ar";
    c.channel = Channel::telegram;
    c.created_at = at;
    return c;
  }
  std::int64_t position(const CaseRow& c) { return queue_position(*db_, c.id).value(); }

  TempDir dir_;
  std::unique_ptr<Database> db_ = open_db(dir_.file());
};

TEST_F(Cases, OpenCaseRoundTrips) {
  const NewCase nc = request("u1", 1, 100);
  const CaseRow opened = open_case(*db_, nc).value();
  EXPECT_GT(opened.id, 0);
  const auto listed = list_cases(*db_, CaseStatus::queued, 10).value();
  ASSERT_EQ(listed.size(), 1u);
  const CaseRow& c = listed[0];
  EXPECT_EQ(c.id, opened.id);
  EXPECT_EQ(c.contact_id, nc.contact_id);
  EXPECT_EQ(c.status, CaseStatus::queued);
  EXPECT_EQ(c.phase, "screening");
  EXPECT_EQ(c.priority, 1);
  EXPECT_EQ(c.topic, "housing");
  EXPECT_EQ(c.reason, "asked for an operator");
  EXPECT_EQ(c.summary, "evicted, two children");
  EXPECT_EQ(c.language, "ar");
  EXPECT_EQ(c.channel, Channel::telegram);
  EXPECT_EQ(c.created_at, 100);
  EXPECT_EQ(c.updated_at, 100);
  EXPECT_EQ(opened.phase, c.phase);
  EXPECT_EQ(opened.updated_at, c.updated_at);
}

TEST_F(Cases, RaiseOpenCaseOnlyEverRaisesAndNeedsAnOpenCase) {
  const NewCase nc = request("u1", 2, 100);
  EXPECT_FALSE(raise_open_case(*db_, nc.contact_id, 0, 150).value());  // nothing open yet
  const CaseRow opened = open_case(*db_, nc).value();
  const auto same = raise_open_case(*db_, nc.contact_id, 2, 200).value();
  ASSERT_TRUE(same);
  EXPECT_EQ(same->priority, 2);
  EXPECT_EQ(same->updated_at, 100);  // not touched
  const auto raised = raise_open_case(*db_, nc.contact_id, 0, 300).value();
  ASSERT_TRUE(raised);
  EXPECT_EQ(raised->id, opened.id);
  EXPECT_EQ(raised->priority, 0);
  EXPECT_EQ(list_cases(*db_, CaseStatus::queued, 10).value().at(0).priority, 0);
  // A less urgent call never lowers it again.
  EXPECT_EQ(raise_open_case(*db_, nc.contact_id, 1, 400).value()->priority, 0);
}

TEST_F(Cases, SecondRequestReturnsTheOpenCase) {
  NewCase nc = request("u1", 2, 100);
  const CaseRow first = open_case(*db_, nc).value();
  nc.created_at = 200;
  nc.topic = "health";
  const CaseRow again = open_case(*db_, nc).value();
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.topic, "housing");
  EXPECT_EQ(again.priority, 2);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM cases"), 1);
}

TEST_F(Cases, MoreUrgentRequestRaisesTheOpenCase) {
  NewCase nc = request("u1", 2, 100);
  const CaseRow first = open_case(*db_, nc).value();
  nc.priority = 0;
  nc.created_at = 300;
  const CaseRow raised = open_case(*db_, nc).value();
  EXPECT_EQ(raised.id, first.id);
  EXPECT_EQ(raised.priority, 0);
  EXPECT_EQ(raised.updated_at, 300);
  EXPECT_EQ(raised.created_at, 100);  // keeps its place in the wait
  EXPECT_EQ(list_cases(*db_, std::nullopt, 10).value().at(0).priority, 0);

  nc.priority = 1;  // less urgent than now: unchanged
  EXPECT_EQ(open_case(*db_, nc).value().priority, 0);
}

TEST_F(Cases, ClaimedCaseCountsAsOpenResolvedDoesNot) {
  NewCase nc = request("u1", 2, 100);
  const CaseRow first = open_case(*db_, nc).value();
  ASSERT_TRUE(db_->exec("UPDATE cases SET status = 'claimed'"));
  EXPECT_EQ(open_case(*db_, nc).value().id, first.id);
  ASSERT_TRUE(db_->exec("UPDATE cases SET status = 'resolved'"));
  const CaseRow second = open_case(*db_, nc).value();
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.status, CaseStatus::queued);
}

TEST_F(Cases, RejectsUnknownPriority) {
  NewCase nc = request("u1", 3, 100);
  EXPECT_EQ(open_case(*db_, nc).error().code, Errc::invalid);
  nc.priority = -1;
  EXPECT_EQ(open_case(*db_, nc).error().code, Errc::invalid);
}

TEST_F(Cases, QueuePositionOrdersByPriorityThenWaitThenId) {
  const CaseRow normal_early = open_case(*db_, request("a", 2, 100)).value();
  const CaseRow high_late = open_case(*db_, request("b", 1, 500)).value();
  const CaseRow normal_late = open_case(*db_, request("c", 2, 300)).value();
  const CaseRow urgent = open_case(*db_, request("d", 0, 900)).value();
  const CaseRow normal_tie = open_case(*db_, request("e", 2, 300)).value();  // same ms, later id

  EXPECT_EQ(position(urgent), 1);
  EXPECT_EQ(position(high_late), 2);
  EXPECT_EQ(position(normal_early), 3);
  EXPECT_EQ(position(normal_late), 4);
  EXPECT_EQ(position(normal_tie), 5);

  const auto queue = list_cases(*db_, CaseStatus::queued, 10).value();
  ASSERT_EQ(queue.size(), 5u);
  const std::int64_t expected[] = {urgent.id, high_late.id, normal_early.id, normal_late.id,
                                   normal_tie.id};
  for (std::size_t i = 0; i < queue.size(); ++i) EXPECT_EQ(queue[i].id, expected[i]) << i;
  EXPECT_EQ(list_cases(*db_, CaseStatus::queued, 2).value().size(), 2u);

  // Claiming the head moves everyone up and takes it out of the queue.
  auto st = db_->prepare("UPDATE cases SET status = 'claimed' WHERE id = ?1");
  ASSERT_TRUE(st);
  ASSERT_TRUE((*st)->bind(1, urgent.id).run());
  EXPECT_EQ(position(urgent), 0);
  EXPECT_EQ(position(high_late), 1);
  EXPECT_EQ(position(normal_tie), 4);
  EXPECT_EQ(list_cases(*db_, CaseStatus::claimed, 10).value().size(), 1u);
  EXPECT_EQ(list_cases(*db_, std::nullopt, 10).value().size(), 5u);
}

TEST_F(Cases, QueuePositionOfUnknownCaseIsNotFound) {
  EXPECT_EQ(queue_position(*db_, 77).error().code, Errc::not_found);
}

}  // namespace
}  // namespace ponte::storage::testing
