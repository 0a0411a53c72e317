// The group-commit writer: batching, per-unit isolation, flush and stop,
// and readers seeing what it committed. A Gate holds the writer thread
// inside a unit so each test decides exactly what is queued together,
// without sleeping.
#include "storage/writer.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace ponte::storage::testing {
namespace {

class Gate {
 public:
  Writer::Unit unit() {
    return [this](Database&) -> Result<void> {
      entered_.set_value();
      opened_.wait();
      return {};
    };
  }
  void wait_entered() { entered_future_.wait(); }
  void open() { open_.set_value(); }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> open_;
  std::shared_future<void> opened_ = open_.get_future().share();
};

Writer::Unit insert_contact(std::string name) {
  return [name = std::move(name)](Database& db) -> Result<void> {
    auto c = upsert_contact(db, Channel::telegram, name, name, "", 1);
    if (!c) return c.error();
    return {};
  };
}

// Outcomes by submission index, filled on the writer thread.
class Outcomes {
 public:
  Writer::Done slot(std::size_t i) {
    return [this, i](Result<void> r) {
      std::lock_guard lock(mutex_);
      if (results_.size() <= i) results_.resize(i + 1);
      results_[i] = std::move(r);
    };
  }
  std::optional<Result<void>> at(std::size_t i) {
    std::lock_guard lock(mutex_);
    if (i >= results_.size()) return std::nullopt;
    return results_[i];
  }

 private:
  std::mutex mutex_;
  std::vector<std::optional<Result<void>>> results_;
};

bool stored(const std::filesystem::path& file, std::string_view name) {
  OpenOptions options;
  options.read_only = true;
  auto db = open_db(file, options);
  return find_contact(*db, Channel::telegram, name).value().has_value();
}

class WriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Writer> make_writer(WriterOptions options = {}) {
    return std::make_unique<Writer>(open_db(dir_.file()), options);
  }
  TempDir dir_;
};

TEST_F(WriterTest, ManyThreadsShareFewTransactions) {
  auto writer = make_writer();
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();

  constexpr int kThreads = 4, kPerThread = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        writer->submit(insert_contact("t" + std::to_string(t) + "-" + std::to_string(i)),
                       [&ok](Result<void> r) { ok += r ? 1 : 0; });
      }
    });
  }
  for (auto& t : threads) t.join();
  gate.open();
  writer->flush();

  constexpr int kUnits = kThreads * kPerThread;
  EXPECT_EQ(ok.load(), kUnits);
  EXPECT_EQ(writer->committed_units(), kUnits + 1u);  // + the gate
  // The gate's batch, then everything queued behind it in 512-unit batches.
  EXPECT_EQ(writer->committed_batches(), 3u);
  EXPECT_LT(writer->committed_batches(), writer->committed_units());
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_EQ(scalar(*open_db(dir_.file(), ro), "SELECT count(*) FROM contacts"), kUnits);
}

TEST_F(WriterTest, MaxBatchBoundsATransaction) {
  auto writer = make_writer(WriterOptions{10});
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();
  for (int i = 0; i < 95; ++i) writer->submit(insert_contact("u" + std::to_string(i)), nullptr);
  gate.open();
  writer->flush();
  EXPECT_EQ(writer->committed_units(), 96u);
  EXPECT_EQ(writer->committed_batches(), 1u + 10u);
}

TEST_F(WriterTest, FailingUnitRollsBackAloneWhileBatchMatesCommit) {
  auto writer = make_writer();
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();
  Outcomes out;
  writer->submit(insert_contact("before"), out.slot(0));
  writer->submit(
      [](Database& db) -> Result<void> {
        if (auto r = insert_contact("half-done")(db); !r) return r;
        return fail(Errc::invalid, "flow refused the event");
      },
      out.slot(1));
  writer->submit(
      [](Database& db) -> Result<void> {
        if (auto r = insert_contact("threw")(db); !r) return r;
        throw std::runtime_error("bug in a unit");
      },
      out.slot(2));
  writer->submit(
      [](Database& db) -> Result<void> {
        // A constraint failure from SQLite itself.
        return db.exec(
            "INSERT INTO sessions (contact_id, state, mode, updated_at) "
            "VALUES (999, '{}', 'bot', 1)");
      },
      out.slot(3));
  writer->submit(insert_contact("after"), out.slot(4));
  gate.open();
  writer->flush();

  EXPECT_TRUE(out.at(0).value());
  EXPECT_EQ(out.at(1).value().error().code, Errc::invalid);
  EXPECT_EQ(out.at(1).value().error().message, "flow refused the event");
  EXPECT_EQ(out.at(2).value().error().code, Errc::internal);
  EXPECT_NE(out.at(2).value().error().message.find("bug in a unit"), std::string::npos);
  EXPECT_EQ(out.at(3).value().error().code, Errc::storage);
  EXPECT_TRUE(out.at(4).value());
  EXPECT_EQ(writer->committed_batches(), 2u);  // the gate's, then one for all five
  EXPECT_EQ(writer->committed_units(), 3u);

  EXPECT_TRUE(stored(dir_.file(), "before"));
  EXPECT_FALSE(stored(dir_.file(), "half-done"));
  EXPECT_FALSE(stored(dir_.file(), "threw"));
  EXPECT_TRUE(stored(dir_.file(), "after"));
}

// Batches run without savepoints first; one failing unit sends the whole
// batch round again, isolated. Its mates run twice and commit once.
TEST_F(WriterTest, AFailingUnitMakesItsBatchMatesRunTwiceAndCommitOnce) {
  auto writer = make_writer();
  std::atomic<int> runs{0};
  auto counted = [&runs](std::string name) -> Writer::Unit {
    return [&runs, insert = insert_contact(std::move(name))](Database& db) {
      ++runs;
      return insert(db);
    };
  };
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();
  Outcomes out;
  writer->submit(counted("clean-1"), out.slot(0));
  writer->submit(counted("clean-2"), out.slot(1));
  gate.open();
  writer->flush();
  EXPECT_EQ(runs.load(), 2);  // nothing failed: each ran once

  Gate second;
  writer->submit(second.unit(), nullptr);
  second.wait_entered();
  writer->submit(counted("mate"), out.slot(2));
  writer->submit([](Database&) -> Result<void> { return fail(Errc::invalid, "refused"); },
                 out.slot(3));
  second.open();
  writer->flush();
  EXPECT_EQ(runs.load(), 4);  // "mate": once rolled back, once isolated
  EXPECT_TRUE(out.at(2).value());
  EXPECT_EQ(out.at(3).value().error().code, Errc::invalid);
  writer.reset();
  auto db = open_db(dir_.file());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM contacts WHERE external_id = 'mate'"), 1);
  EXPECT_TRUE(stored(dir_.file(), "clean-2"));
}

TEST_F(WriterTest, FlushWaitsForEverythingSubmittedBefore) {
  auto writer = make_writer();
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    writer->submit(insert_contact("u" + std::to_string(i)), [&done](Result<void>) { ++done; });
  }
  writer->flush();
  EXPECT_EQ(done.load(), 50);
  for (int i : {0, 25, 49}) EXPECT_TRUE(stored(dir_.file(), "u" + std::to_string(i))) << i;
  writer->flush();  // nothing pending: returns at once
  EXPECT_EQ(writer->committed_units(), 50u);
}

TEST_F(WriterTest, StopDrainsTheQueueThenRefuses) {
  auto writer = make_writer();
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();
  Outcomes out;
  for (std::size_t i = 0; i < 20; ++i) {
    writer->submit(insert_contact("u" + std::to_string(i)), out.slot(i));
  }
  std::thread stopper([&] { writer->stop(); });
  // Probe until stop() has begun: a refused submit answers synchronously.
  // Queued probes are answered later, so their callback must not borrow a local.
  auto refused = std::make_shared<std::atomic<bool>>(false);
  while (!*refused) {
    writer->submit(Writer::Unit{}, [refused](Result<void> r) {
      if (!r && r.error().code == Errc::unavailable) *refused = true;
    });
  }
  gate.open();
  stopper.join();

  for (std::size_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(out.at(i)) << i;
    EXPECT_TRUE(*out.at(i)) << i;
  }
  EXPECT_EQ(writer->committed_units(), 21u);
  EXPECT_TRUE(stored(dir_.file(), "u19"));

  std::optional<Result<void>> late;
  writer->submit(insert_contact("late"), [&late](Result<void> r) { late = std::move(r); });
  ASSERT_TRUE(late);  // called at once, on this thread
  ASSERT_FALSE(*late);
  EXPECT_EQ(late->error().code, Errc::unavailable);
  writer->stop();   // idempotent
  writer->flush();  // after stop: returns at once
  writer.reset();
  EXPECT_FALSE(stored(dir_.file(), "late"));
}

TEST_F(WriterTest, ThrowingDoneDoesNotStopTheWriter) {
  auto writer = make_writer();
  Outcomes out;
  writer->submit(insert_contact("a"), [](Result<void>) { throw std::runtime_error("bad done"); });
  writer->submit(insert_contact("b"), out.slot(0));
  writer->flush();
  ASSERT_TRUE(out.at(0));
  EXPECT_TRUE(*out.at(0));
  EXPECT_TRUE(stored(dir_.file(), "a"));
}

TEST_F(WriterTest, FlushAndStopFromADoneDoNotWaitOnThemselves) {
  auto writer = make_writer();
  Gate gate;
  writer->submit(gate.unit(), nullptr);
  gate.wait_entered();
  Outcomes out;
  writer->submit(insert_contact("first"), [&](Result<void> r) {
    writer->flush();
    writer->stop();
    out.slot(0)(std::move(r));
  });
  std::promise<void> second_done;
  writer->submit(insert_contact("queued-before-stop"), [&](Result<void> r) {
    out.slot(1)(std::move(r));
    second_done.set_value();
  });
  gate.open();
  // Queued before the inner stop(): still committed and answered. (A flush()
  // here could be refused, racing with that stop().)
  second_done.get_future().wait();
  ASSERT_TRUE(out.at(0));
  EXPECT_TRUE(*out.at(0));
  ASSERT_TRUE(out.at(1));
  EXPECT_TRUE(*out.at(1));
  writer->submit(insert_contact("late"), out.slot(2));
  ASSERT_TRUE(out.at(2));
  EXPECT_EQ(out.at(2)->error().code, Errc::unavailable);
  writer.reset();  // joins the thread the inner stop() could not
  EXPECT_TRUE(stored(dir_.file(), "queued-before-stop"));
}

// A full disk (max_page_count) makes the writer degraded, not dead: the
// units meanwhile are refused with Errc::unavailable, and the first commit
// after the fault ends clears it.
TEST_F(WriterTest, HealthIsDegradedWhileTheDiskIsFullAndRecoversOnTheNextCommit) {
  auto writer = make_writer();
  EXPECT_FALSE(writer->health().degraded);
  const std::string big(64 * 1024, 'x');
  const auto limit = [](std::string_view sql) {
    return [sql = std::string(sql)](Database& db) -> Result<void> { return db.exec(sql); };
  };
  auto big_contact = [&big](std::string name) -> Writer::Unit {
    return [&big, name = std::move(name)](Database& db) -> Result<void> {
      auto c = upsert_contact(db, Channel::telegram, name, name, big, 1);
      if (!c) return c.error();
      return {};
    };
  };
  writer->submit(limit("PRAGMA max_page_count = 1"), nullptr);  // clamped to the pages in use
  Outcomes out;
  writer->submit(big_contact("full-1"), out.slot(0));
  writer->flush();
  writer->submit(big_contact("full-2"), out.slot(1));
  writer->flush();
  ASSERT_TRUE(out.at(0) && out.at(1));
  EXPECT_EQ(out.at(0)->error().code, Errc::unavailable);
  EXPECT_EQ(out.at(1)->error().code, Errc::unavailable);
  auto health = writer->health();
  EXPECT_TRUE(health.degraded);
  EXPECT_EQ(health.refused_units, 2u);
  EXPECT_EQ(health.error.rfind("disk full", 0), 0u) << health.error;
  // Room again: the next unit that stores something clears the fault.
  writer->submit(limit("PRAGMA max_page_count = 1000000"), out.slot(2));
  writer->submit(big_contact("after"), out.slot(3));
  writer->flush();
  EXPECT_TRUE(out.at(3)->has_value());
  EXPECT_FALSE(writer->health().degraded);
  EXPECT_EQ(writer->health().refused_units, 0u);
  writer.reset();
  EXPECT_TRUE(stored(dir_.file(), "after"));
  EXPECT_FALSE(stored(dir_.file(), "full-1"));
}

TEST_F(WriterTest, WriteProbeWritesAndChangesNothing) {
  auto writer = make_writer();
  Outcomes out;
  writer->submit(write_probe, out.slot(0));
  writer->flush();
  EXPECT_TRUE(out.at(0)->has_value());
  EXPECT_EQ(writer->committed_batches(), 1u);  // a real commit, not an empty flush
}

TEST_F(WriterTest, ReaderPoolSeesCommittedData) {
  auto writer = make_writer();
  ReaderPool pool(dir_.file(), 2);
  Database* first = nullptr;
  {
    auto lease = pool.acquire().value();
    first = &*lease;
    EXPECT_EQ(find_contact(*lease, Channel::telegram, "seen").value(), std::nullopt);
  }
  writer->submit(insert_contact("seen"), nullptr);
  writer->flush();
  {
    auto lease = pool.acquire().value();
    EXPECT_EQ(&*lease, first);  // reused, and not stuck on its old snapshot
    EXPECT_TRUE(find_contact(*lease, Channel::telegram, "seen").value().has_value());
    auto r = lease->exec("DELETE FROM contacts");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("read-only"), std::string::npos);
  }
  // Two at once: the pool opens a second connection.
  auto a = pool.acquire().value();
  auto b = pool.acquire().value();
  EXPECT_NE(&*a, &*b);
}

}  // namespace
}  // namespace ponte::storage::testing
