// Group commit: one writer thread owns the read-write connection and commits
// many units of work per transaction, so durability costs one fsync per
// batch, not one per message. A unit that fails is rolled back alone and
// told so; the others commit. For that, a batch in which a unit fails is
// rolled back and run again with each unit in its own SAVEPOINT: a unit
// may run twice, so it must start from its inputs each time (reset what it
// reports, never accumulate into it). Batches where every unit succeeds,
// nearly all of them, run without savepoints.
// A unit's `done` runs on the writer thread after COMMIT (or failure): keep it
// short, post real work elsewhere.
#pragma once

#include "bot/core/error.hpp"
#include "storage/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ponte::storage {

struct WriterOptions {
  std::size_t max_batch = 512;  // units per transaction at most
};

// Whether writes go through. A write refused because of the machine
// (Errc::unavailable: disk full or failing, read-only, locked by another
// process) makes the writer degraded until a batch commits again. The
// writer itself keeps running: every unit submitted meanwhile is tried and
// refused on its own, so callers answer 503 and nothing acknowledged is lost.
struct WriterHealth {
  bool degraded = false;
  std::string error;  // the first refusal of the current fault
  std::chrono::system_clock::time_point since{};
  std::size_t refused_units = 0;  // since the fault began
};

class Writer {
 public:
  using Unit = std::function<Result<void>(Database&)>;
  using Done = std::function<void(Result<void>)>;

  // Takes the read-write connection (already migrated).
  Writer(std::unique_ptr<Database> db, WriterOptions options = {});
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();  // stop()

  // Thread-safe. After stop(), `done` is called at once with Errc::unavailable.
  void submit(Unit unit, Done done);
  // Blocks until every unit submitted before the call is committed or failed.
  void flush();
  // Commits what is queued, then ends the thread. Idempotent.
  void stop();

  // Counters for logs and benchmarks.
  std::size_t committed_units() const;
  std::size_t committed_batches() const;
  // Each change of degraded is logged once: storage.unavailable (error)
  // when a fault begins, storage.recovered (warn) when writes succeed again.
  WriterHealth health() const;

 private:
  struct Item {
    Unit unit;
    Done done;
  };
  void run();
  void commit_batch(std::deque<Item>& batch);
  // Updates health_ from one batch's outcome; logs the transitions.
  void note_health(const std::optional<Error>& fault, std::size_t refused, std::size_t stored);

  std::unique_ptr<Database> db_;
  WriterOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::size_t units_ = 0;
  std::size_t batches_ = 0;
  WriterHealth health_;
  std::thread thread_;
};

// Read-only connections for request handlers (history, health). WAL lets
// them read while the writer writes. acquire() opens a new connection when
// none is idle; at most `max_idle` are kept.
class ReaderPool {
 public:
  ReaderPool(std::filesystem::path file, std::size_t max_idle = 8);
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Database> db_;
  };
  Result<Lease> acquire();

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Database> db);
  std::filesystem::path file_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace ponte::storage
