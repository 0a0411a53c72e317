// Read-only connections for request handlers. In WAL mode a reader sees the
// last commit as of its first read and never blocks the writer. Connections
// are reused because each one carries its own prepared-statement cache.
#include "storage/writer.hpp"

#include <sqlite3.h>

namespace ponte::storage {

ReaderPool::ReaderPool(std::filesystem::path file, std::size_t max_idle)
    : file_(std::move(file)), max_idle_(max_idle) {}

ReaderPool::Lease::~Lease() {
  if (pool_ != nullptr && db_) pool_->give_back(std::move(db_));
}

Result<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // Opening touches the file system: done outside the lock.
  OpenOptions options;
  options.read_only = true;
  auto db = Database::open(file_, options);
  if (!db) return db.error();
  return Lease(this, std::move(*db));
}

// A statement left mid-result would pin its read transaction, so the
// connection would keep serving an old snapshot: finish them first.
void ReaderPool::give_back(std::unique_ptr<Database> db) {
  sqlite3* handle = db->handle();
  for (sqlite3_stmt* s = sqlite3_next_stmt(handle, nullptr); s != nullptr;
       s = sqlite3_next_stmt(handle, s)) {
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
}  // a connection beyond max_idle closes here

}  // namespace ponte::storage
