// A directory made read-only from outside, as a file system remounted
// read-only after errors or a wrong deployment would leave it, and made
// writable again by restore() or at destruction (even when a test fails
// half-way; otherwise the temporary directory could never be removed).
//
// Tests may run as root, which ignores permission bits. As root the
// immutable attribute (chattr +i, FS_IMMUTABLE_FL) is set on the directory
// and every file in it: the kernel then refuses creating files there and
// writing to them, even through descriptors opened before (write(2) fails
// with EPERM). Otherwise the permission bits are cleared (0555 and 0444),
// which refuses new opens for writing only: descriptors a running process
// already holds stay writable.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ponte::testing {

class ReadOnlyDir {
 public:
  explicit ReadOnlyDir(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~ReadOnlyDir();
  ReadOnlyDir(const ReadOnlyDir&) = delete;
  ReadOnlyDir& operator=(const ReadOnlyDir&) = delete;

  // Makes the directory and its files, except those named in `spared`,
  // read-only. Returns why it could not (the file system has no immutable
  // attribute, the process lacks CAP_LINUX_IMMUTABLE...), empty on
  // success; a half-done change is undone.
  std::string apply(const std::vector<std::string>& spared = {});
  // Whether writes through descriptors already open are refused as well.
  bool refuses_open_files() const { return immutable_; }
  // Writable again, as before apply(). Throws std::system_error on failure.
  void restore();

 private:
  struct Changed {
    std::filesystem::path path;
    unsigned mode_or_flags;  // what to put back
  };
  std::filesystem::path dir_;
  bool immutable_ = false;
  std::vector<Changed> changed_;
};

}  // namespace ponte::testing
