// SQLite-style fault injection: make the n-th write fail for n = 0, 1, 2...
// until a run completes untouched, and after each run check that the file
// is sound and that every unit the writer acknowledged is really stored
// ("acknowledged means stored"). Faults come from three places: the unit
// itself, a real SQLITE_FULL from max_page_count, and the VFS under SQLite.
#include "fault_vfs.hpp"
#include "storage/writer.hpp"
#include "turn_workload.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace ponte::storage::testing {
namespace {

constexpr int kUnits = 12;
constexpr std::size_t kBatch = 3;
constexpr int kMaxRuns = 5000;  // a sweep that never ends is a failure

struct Outcome {
  std::vector<char> acked;
  std::vector<Error> errors;
};

// Submits kUnits turns in batches of kBatch (flush between batches makes
// the batching deterministic), then stops the writer, closing the file.
Outcome run_turns(std::unique_ptr<Database> db, std::size_t body_bytes = 16) {
  Outcome run{std::vector<char>(kUnits, 0), {}};
  Writer writer(std::move(db), WriterOptions{kBatch});
  for (int i = 0; i < kUnits; ++i) {
    writer.submit(turn_unit(i, -1, body_bytes), [&run, i](Result<void> r) {
      run.acked[static_cast<std::size_t>(i)] = r ? 1 : 0;
      if (!r) run.errors.push_back(r.error());
    });
    if (static_cast<std::size_t>(i) % kBatch == kBatch - 1) writer.flush();
  }
  writer.stop();
  return run;
}

std::filesystem::path fresh_copy(const TempDir& dir, const std::filesystem::path& migrated) {
  const auto file = dir.file("run.db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(file.string() + suffix);
  }
  std::filesystem::copy_file(migrated, file);
  return file;
}

// A closed, migrated database to copy for each run (closing the last
// connection checkpoints the WAL into the main file).
std::filesystem::path migrated_template(const TempDir& dir) {
  const auto file = dir.file("template.db");
  open_db(file);
  return file;
}

TEST(FaultInjection, UnitFailingAtItsNthWriteLeavesNothingAndSparesItsBatch) {
  int n = 0;
  for (; n <= kTurnWrites; ++n) {
    SCOPED_TRACE("unit fails before its write " + std::to_string(n));
    TempDir dir;
    Writer writer(open_db(dir.file()));
    std::vector<char> acked(3, 0);
    for (int i = 0; i < 3; ++i) {
      writer.submit(turn_unit(i, i == 1 ? n : -1), [&acked, i](Result<void> r) {
        acked[static_cast<std::size_t>(i)] = r ? 1 : 0;
      });
    }
    writer.flush();
    writer.stop();
    EXPECT_TRUE(acked[0]);
    EXPECT_TRUE(acked[2]);
    expect_acknowledged_stored(dir.file(), acked);
    auto db = open_db(dir.file());
    EXPECT_EQ(turn_stored(*db, 1), n == kTurnWrites);  // only the unit that never failed
    EXPECT_EQ(acked[1] != 0, n == kTurnWrites);
  }
}

TEST(FaultInjection, DiskFullFromMaxPageCount) {
  TempDir dir;
  const auto migrated = migrated_template(dir);
  bool saw_disk_full = false;
  int headroom = 0;
  for (; headroom < kMaxRuns; ++headroom) {
    SCOPED_TRACE("pages of headroom: " + std::to_string(headroom));
    const auto file = fresh_copy(dir, migrated);
    auto db = open_db(file);
    const auto pages = scalar(*db, "PRAGMA page_count");
    const auto limit = pages + headroom;
    ASSERT_EQ(scalar(*db, "PRAGMA max_page_count = " + std::to_string(limit)), limit);
    const Outcome run = run_turns(std::move(db), 3000);  // about one page per message
    for (const Error& e : run.errors) {
      EXPECT_EQ(e.code, Errc::unavailable);
      EXPECT_NE(e.message.find("disk full"), std::string::npos) << e.message;
      saw_disk_full = true;
    }
    expect_acknowledged_stored(file, run.acked);
    if (run.errors.empty()) break;
  }
  EXPECT_TRUE(saw_disk_full);
  EXPECT_GT(headroom, 0);
  EXPECT_LT(headroom, kMaxRuns);
}

// Runs the workload with the n-th VFS write failing; returns whether the
// fault fired, and checks the invariants afterwards.
bool run_with_vfs_fault(const TempDir& dir, const std::filesystem::path& migrated, int n,
                        FaultKind kind, bool persistent) {
  const auto file = fresh_copy(dir, migrated);
  auto& vfs = FaultVfs::instance();
  std::unique_ptr<Database> db;
  {
    FaultVfs::DefaultScope scope;
    db = open_db(file);
  }
  vfs.arm(n, kind, persistent);
  const Outcome run = run_turns(std::move(db));  // the writer closes the file while armed
  const bool fired = vfs.triggered();
  vfs.disarm();
  for (const Error& e : run.errors) {
    EXPECT_EQ(e.code, Errc::unavailable) << e.message;
    const char* plain = kind == FaultKind::disk_full ? "disk full" : "disk I/O error";
    EXPECT_NE(e.message.find(plain), std::string::npos) << e.message;
  }
  EXPECT_TRUE(fired || run.errors.empty());
  expect_acknowledged_stored(file, run.acked);
  return fired;
}

void sweep(FaultKind kind, bool persistent) {
  TempDir dir;
  const auto migrated = migrated_template(dir);
  int n = 0;
  for (; n < kMaxRuns; ++n) {
    SCOPED_TRACE("fault at write " + std::to_string(n));
    if (!run_with_vfs_fault(dir, migrated, n, kind, persistent)) break;
    if (::testing::Test::HasFailure()) break;  // one clear report, not thousands
  }
  ::testing::Test::RecordProperty("runs", n);
  // The workload writes and syncs several times per batch.
  EXPECT_GT(n, 2 * static_cast<int>(kUnits / kBatch));
  EXPECT_LT(n, kMaxRuns);
}

TEST(FaultInjection, OneIoErrorAtTheNthWrite) { sweep(FaultKind::io_error, false); }

TEST(FaultInjection, DiskFullFromTheNthWriteOn) { sweep(FaultKind::disk_full, true); }

}  // namespace
}  // namespace ponte::storage::testing
