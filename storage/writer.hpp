// Group commit: one writer thread owns the read-write connection and commits
// many units of work per transaction, so durability costs one fsync per
// batch, not one per message. Each unit runs inside its own SAVEPOINT: a unit
// that fails is rolled back alone and told so; the others commit.
// A unit's `done` runs on the writer thread after COMMIT (or failure): keep it
// short, post real work elsewhere.
#pragma once

#include "bot/core/error.hpp"
#include "storage/database.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace ponte::storage {

struct WriterOptions {
  std::size_t max_batch = 512;  // units per transaction at most
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

 private:
  struct Item {
    Unit unit;
    Done done;
  };
  void run();
  void commit_batch(std::deque<Item>& batch);

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
