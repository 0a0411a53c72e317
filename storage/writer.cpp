// Group commit: the writer thread takes everything queued (up to
// max_batch), commits it in one transaction, then tells each submitter the
// outcome. A `done` reporting success therefore means "on disk" (at the
// configured synchronous level): this is what lets the server answer 2xx.
// A batch first runs without savepoints; if a unit fails it is rolled back
// and run again with each unit in its own savepoint, so only that unit
// fails. If SQLite itself abandons the transaction (disk full, I/O error),
// every unit of the batch fails, because the work of the ones before it is
// gone too.
#include "storage/writer.hpp"

#include "bot/core/log.hpp"

#include <sqlite3.h>

#include <exception>
#include <future>
#include <optional>
#include <vector>

namespace ponte::storage {
namespace {

// The writer whose thread this is, if any: a `done` that calls flush() or
// stop() must not wait for the thread that is running it.
thread_local const Writer* t_running_writer = nullptr;

Result<void> run_sql(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  return (*st)->run();
}

// A unit that stopped reading half-way leaves its statement active, which
// would make COMMIT or ROLLBACK TO fail; such statements are finished here.
void reset_active_statements(sqlite3* db) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
}

// An exception out of a unit is a bug in that unit; it fails that unit only.
Result<void> call_unit(const Writer::Unit& unit, Database& db) {
  try {
    return unit(db);
  } catch (const std::exception& e) {
    return fail(Errc::internal, std::string("unit of work threw: ") + e.what());
  } catch (...) {
    return fail(Errc::internal, "unit of work threw a non-exception");
  }
}

// Runs one unit inside its own savepoint. On failure only its changes are
// undone; the savepoint is released either way so the next unit starts clean.
Result<void> run_in_savepoint(const Writer::Unit& unit, Database& db) {
  if (!unit) return {};  // flush() marker: nothing to write
  if (auto r = run_sql(db, "SAVEPOINT unit"); !r) return r;
  auto outcome = call_unit(unit, db);
  reset_active_statements(db.handle());
  if (outcome) outcome = run_sql(db, "RELEASE unit");
  if (!outcome && !sqlite3_get_autocommit(db.handle())) {
    (void)run_sql(db, "ROLLBACK TO unit");
    (void)run_sql(db, "RELEASE unit");
  }
  return outcome;
}

template <class Items>
bool has_work(const Items& batch) {
  for (const auto& item : batch) {
    if (item.unit) return true;
  }
  return false;
}

struct BatchOutcome {
  std::vector<Result<void>> units;  // one per item, in order
  std::optional<Error> lost;        // set when the whole transaction failed
};

// The cause's code is kept: a batch lost to a full disk is as retryable
// (Errc::unavailable) as the statement that hit it.
BatchOutcome lose_all(std::size_t n, const Error& cause) {
  Error error = fail(cause.code == Errc::unavailable ? Errc::unavailable : Errc::storage,
                     "transaction rolled back, nothing in this batch was stored: " + cause.message);
  return BatchOutcome{std::vector<Result<void>>(n, Result<void>(error)), std::move(error)};
}

// Runs a unit straight in the batch's transaction: no savepoint, so no
// sub-journal copy of every page it touches. Only for the first try of a
// batch (run_batch), which starts over isolated if any unit fails.
Result<void> run_bare(const Writer::Unit& unit, Database& db) {
  if (!unit) return {};
  auto outcome = call_unit(unit, db);
  reset_active_statements(db.handle());
  return outcome;
}

// The batch in one transaction. Isolated, each unit runs in its own
// savepoint and a failing one is undone alone. Not isolated, the first
// unit that fails rolls the whole transaction back and `again` is set: the
// batch must run again, isolated (units start clean when run twice).
template <class Items>
BatchOutcome run_transaction(Database& db, const Items& batch, bool isolated, bool& again) {
  again = false;
  if (auto r = run_sql(db, "BEGIN IMMEDIATE"); !r) return lose_all(batch.size(), r.error());
  BatchOutcome out;
  out.units.reserve(batch.size());
  for (const auto& item : batch) {
    out.units.push_back(isolated ? run_in_savepoint(item.unit, db) : run_bare(item.unit, db));
    if (sqlite3_get_autocommit(db.handle())) {
      // SQLite abandoned the transaction (disk full, I/O error, or a unit
      // that committed on its own): the earlier units' work is gone too.
      const Error cause = out.units.back() ? fail(Errc::storage, "a unit ended the transaction")
                                           : out.units.back().error();
      return lose_all(batch.size(), cause);
    }
    if (!isolated && !out.units.back()) {
      if (auto r = run_sql(db, "ROLLBACK"); !r) return lose_all(batch.size(), r.error());
      again = true;
      return out;
    }
  }
  reset_active_statements(db.handle());
  if (auto r = run_sql(db, "COMMIT"); !r) {
    if (!sqlite3_get_autocommit(db.handle())) (void)run_sql(db, "ROLLBACK");
    return lose_all(batch.size(), r.error());
  }
  return out;
}

// One transaction for the whole batch: first without savepoints (the
// common case, every unit succeeds, costs least), and only when a unit
// fails once more with each unit isolated, so that one fails alone.
template <class Items>
BatchOutcome run_batch(Database& db, const Items& batch) {
  if (!has_work(batch)) return BatchOutcome{std::vector<Result<void>>(batch.size()), {}};
  bool again = false;
  auto out = run_transaction(db, batch, false, again);
  if (!again) return out;
  return run_transaction(db, batch, true, again);
}

}  // namespace

Writer::Writer(std::unique_ptr<Database> db, WriterOptions options)
    : db_(std::move(db)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() { stop(); }

void Writer::submit(Unit unit, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(unit), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(fail(Errc::unavailable, "storage writer is stopped"));
}

// An empty unit rides the queue behind everything submitted before: units
// complete in order, so its `done` means all of those are done too. From a
// `done` (the writer thread) it cannot wait on itself and returns at once.
void Writer::flush() {
  if (t_running_writer == this) return;
  std::promise<void> reached;
  auto future = reached.get_future();
  submit(Unit{}, [&reached](Result<void>) { reached.set_value(); });
  future.wait();
}

void Writer::stop() {
  std::thread thread;
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    // From a `done`: the thread drains the queue and ends by itself; the
    // destructor joins it.
    if (t_running_writer == this) return;
    thread = std::move(thread_);
    if (!thread.joinable()) {
      // Another caller is joining: wait until the queue is drained as well.
      idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
      return;
    }
  }
  wake_.notify_all();
  thread.join();
}

std::size_t Writer::committed_units() const {
  std::lock_guard lock(mutex_);
  return units_;
}

std::size_t Writer::committed_batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

void Writer::run() {
  t_running_writer = this;
  std::deque<Item> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything is drained
    const std::size_t n = std::min(queue_.size(), options_.max_batch);
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    busy_ = true;
    lock.unlock();
    commit_batch(batch);
    batch.clear();
    lock.lock();
    busy_ = false;
    idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

WriterHealth Writer::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

void Writer::note_health(const std::optional<Error>& fault, std::size_t refused,
                         std::size_t stored) {
  enum { none, began, ended } change = none;
  WriterHealth was;
  {
    std::lock_guard lock(mutex_);
    was = health_;
    if (fault) {
      if (!health_.degraded) {
        health_ = WriterHealth{true, fault->message, std::chrono::system_clock::now(), 0};
        change = began;
      }
      health_.refused_units += refused;
    } else if (stored > 0 && health_.degraded) {
      health_ = WriterHealth{};
      change = ended;
    }
  }
  // Once per transition: during an outage every webhook retry fails the
  // same way, and one line per failure would bury the cause.
  if (change == began) {
    const char* file = sqlite3_db_filename(db_->handle(), "main");
    log::error("storage.unavailable", {{"error", fault->message},
                                       {"database", file != nullptr ? file : ""},
                                       {"effect", "writes refused until one succeeds again"}});
  } else if (change == ended) {
    const auto down = std::chrono::system_clock::now() - was.since;
    log::warn("storage.recovered",
              {{"down_ms", std::chrono::duration_cast<std::chrono::milliseconds>(down).count()},
               {"refused_units", was.refused_units},
               {"error_was", was.error}});
  }
}

void Writer::commit_batch(std::deque<Item>& batch) {
  auto outcome = run_batch(*db_, batch);
  std::size_t stored = 0, refused = 0;
  std::optional<Error> fault;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].unit) continue;
    if (outcome.units[i]) {
      ++stored;
    } else if (outcome.units[i].error().code == Errc::unavailable) {
      ++refused;
      if (!fault) fault = outcome.units[i].error();
    }
  }
  if (outcome.lost && outcome.lost->code != Errc::unavailable) {
    log::error("storage.batch_failed", {{"units", batch.size()}, {"error", outcome.lost->message}});
  } else if (outcome.lost) {
    log::debug("storage.batch_failed", {{"units", batch.size()}, {"error", outcome.lost->message}});
  }
  note_health(fault, refused, stored);
  {
    // Counted before the `done`s run, so a flush() caller sees them.
    std::lock_guard lock(mutex_);
    units_ += stored;
    if (stored > 0) ++batches_;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    // The writer thread is a boundary: a throwing callback is a bug to log,
    // and must not take the other submitters' callbacks down with it.
    try {
      batch[i].done(std::move(outcome.units[i]));
    } catch (const std::exception& e) {
      log::error("storage.done_threw", {{"what", e.what()}});
    } catch (...) {
      log::error("storage.done_threw", {{"what", "non-exception"}});
    }
  }
}

}  // namespace ponte::storage
