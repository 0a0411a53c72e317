#include "tests/support/read_only_dir.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace ponte::testing {
namespace {

namespace fs = std::filesystem;

// FS_IOC_GETFLAGS / FS_IOC_SETFLAGS on `path`; they take an int whatever
// the macros' type says. Returns 0 or the errno.
int attribute_ioctl(const fs::path& path, unsigned long request, int& flags) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  const int err = ::ioctl(fd, request, &flags) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

ReadOnlyDir::~ReadOnlyDir() {
  try {
    restore();
  } catch (const std::system_error&) {
    // restore() tried every path; nothing more can be done here.
  }
}

std::string ReadOnlyDir::apply(const std::vector<std::string>& spared) {
  immutable_ = ::geteuid() == 0;
  std::vector<fs::path> targets;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const auto name = entry.path().filename().string();
    if (std::find(spared.begin(), spared.end(), name) == spared.end()) {
      targets.push_back(entry.path());
    }
  }
  targets.push_back(dir_);
  for (const auto& path : targets) {
    int err = 0;
    unsigned saved = 0;
    if (immutable_) {
      int flags = 0;
      err = attribute_ioctl(path, FS_IOC_GETFLAGS, flags);
      if (err == 0) {
        int set = flags | FS_IMMUTABLE_FL;
        err = attribute_ioctl(path, FS_IOC_SETFLAGS, set);
      }
      saved = static_cast<unsigned>(flags);
    } else {
      struct stat st {};
      err = ::stat(path.c_str(), &st) == 0 ? 0 : errno;
      if (err == 0) {
        const mode_t mode = S_ISDIR(st.st_mode) ? 0555 : 0444;
        err = ::chmod(path.c_str(), mode) == 0 ? 0 : errno;
      }
      saved = st.st_mode & 07777;
    }
    if (err != 0) {
      restore();
      return std::string(immutable_ ? "cannot set the immutable attribute on "
                                    : "cannot make read-only ") +
             path.string() + ": " + std::generic_category().message(err);
    }
    changed_.push_back({path, saved});
  }
  return {};
}

void ReadOnlyDir::restore() {
  int first_error = 0;
  fs::path failed;
  for (auto it = changed_.rbegin(); it != changed_.rend(); ++it) {
    int err = 0;
    if (immutable_) {
      int flags = static_cast<int>(it->mode_or_flags);
      err = attribute_ioctl(it->path, FS_IOC_SETFLAGS, flags);
    } else {
      err = ::chmod(it->path.c_str(), static_cast<mode_t>(it->mode_or_flags)) == 0 ? 0 : errno;
    }
    if (err != 0 && first_error == 0) {
      first_error = err;
      failed = it->path;
    }
  }
  changed_.clear();
  if (first_error != 0) {
    throw std::system_error(first_error, std::generic_category(),
                            "making " + failed.string() + " writable again");
  }
}

}  // namespace ponte::testing
