// The fault VFS: every file method delegates to the real file, except that
// xWrite, xSync and xTruncate consult the armed plan first. A failed write
// writes nothing, as when the disk refuses it.
#include "fault_vfs.hpp"

#include <sqlite3.h>

#include <atomic>
#include <stdexcept>

namespace ponte::storage::testing {
namespace {

struct Plan {
  std::atomic<bool> armed{false};
  std::atomic<bool> persistent{false};
  std::atomic<bool> triggered{false};
  std::atomic<int> fail_at{0};
  std::atomic<int> count{0};
  std::atomic<FaultKind> kind{FaultKind::io_error};
};

Plan g_plan;
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;  // lives right after this struct
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

// The SQLite code for this write's failure, or SQLITE_OK to let it through.
int planned_failure(int io_code) {
  if (!g_plan.armed) return SQLITE_OK;
  const int n = g_plan.count++;
  const int at = g_plan.fail_at;
  if (n != at && !(g_plan.persistent && n > at)) return SQLITE_OK;
  g_plan.triggered = true;
  return g_plan.kind == FaultKind::disk_full ? SQLITE_FULL : io_code;
}

int x_close(sqlite3_file* f) { return real_of(f)->pMethods->xClose(real_of(f)); }
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  if (int rc = planned_failure(SQLITE_IOERR_WRITE); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xWrite(real_of(f), buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = planned_failure(SQLITE_IOERR_TRUNCATE); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (int rc = planned_failure(SQLITE_IOERR_FSYNC); rc != SQLITE_OK) return rc;
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) {
  return real_of(f)->pMethods->xUnlock(real_of(f), level);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int remove) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), remove);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real_of(f)->pMethods->xFetch(real_of(f), offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return real_of(f)->pMethods->xUnfetch(real_of(f), offset, p);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->real->pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
  // SQLite calls xClose exactly when pMethods is set, even after a failure.
  if (f->real->pMethods != nullptr && f->real->pMethods->iVersion < 3) {
    f->real->pMethods->xClose(f->real);
    f->base.pMethods = nullptr;
    return SQLITE_CANTOPEN;
  }
  f->base.pMethods = f->real->pMethods != nullptr ? &g_methods : nullptr;
  return rc;
}

void build_methods() {
  g_methods = sqlite3_io_methods{3,           x_close,          x_read,         x_write,
                                 x_truncate,  x_sync,           x_file_size,    x_lock,
                                 x_unlock,    x_check_reserved, x_file_control, x_sector_size,
                                 x_device,    x_shm_map,        x_shm_lock,     x_shm_barrier,
                                 x_shm_unmap, x_fetch,          x_unfetch};
}

}  // namespace

FaultVfs::FaultVfs() {
  sqlite3_initialize();
  g_real = sqlite3_vfs_find(nullptr);
  if (g_real == nullptr) throw std::runtime_error("no default sqlite VFS");
  build_methods();
  // Everything but xOpen is the real VFS's: paths, access, randomness, time.
  g_vfs = *g_real;
  g_vfs.pNext = nullptr;
  g_vfs.zName = "ponte-fault";
  g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
  g_vfs.xOpen = x_open;
  if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) throw std::runtime_error("vfs register");
}

FaultVfs& FaultVfs::instance() {
  static FaultVfs vfs;
  return vfs;
}

FaultVfs::DefaultScope::DefaultScope() {
  instance();
  sqlite3_vfs_register(&g_vfs, 1);
}
FaultVfs::DefaultScope::~DefaultScope() { sqlite3_vfs_register(g_real, 1); }

void FaultVfs::arm(int fail_at, FaultKind kind, bool persistent) {
  g_plan.armed = false;
  g_plan.count = 0;
  g_plan.triggered = false;
  g_plan.fail_at = fail_at;
  g_plan.kind = kind;
  g_plan.persistent = persistent;
  g_plan.armed = true;
}

void FaultVfs::disarm() { g_plan.armed = false; }
bool FaultVfs::triggered() const { return g_plan.triggered; }
int FaultVfs::writes() const { return g_plan.count; }

}  // namespace ponte::storage::testing
