// SQLite-style fault injection: a VFS shim over the default one that makes
// the n-th write, fsync or truncate fail, once (an I/O hiccup) or from then
// on (a full disk). While a FaultVfs::DefaultScope lives, it is the default
// VFS, so Database::open picks it up without a test-only option. Counters
// are atomics: the writer thread writes while the test thread reads them.
#pragma once

namespace ponte::storage::testing {

enum class FaultKind { io_error, disk_full };

class FaultVfs {
 public:
  // Registers the shim (once per process).
  static FaultVfs& instance();

  // Connections opened while it lives go through the shim.
  class DefaultScope {
   public:
    DefaultScope();
    ~DefaultScope();
    DefaultScope(const DefaultScope&) = delete;
    DefaultScope& operator=(const DefaultScope&) = delete;
  };

  // The write numbered `fail_at` (0-based, counted from now) fails; with
  // `persistent`, every later one too.
  void arm(int fail_at, FaultKind kind, bool persistent);
  void disarm();
  bool triggered() const;
  int writes() const;  // counted since arm()

 private:
  FaultVfs();
};

}  // namespace ponte::storage::testing
