// Running the real binary in tests: a child process with its output in a log
// file, a free-port helper, a self-removing temporary directory, and polling
// with a deadline (tests wait for a condition, never for a fixed time).
#pragma once

#include <sys/types.h>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ponte::testing {

class Process {
 public:
  struct Options {
    std::map<std::string, std::string> env;  // added to (or replacing in) the parent's environment
    std::filesystem::path cwd;               // empty = the parent's working directory
    std::filesystem::path log_path;          // empty = a temporary file removed with the Process
    // stdout and stderr go into a pipe that a thread of this process copies
    // into the log file, as journald reads a service: the child's own file
    // limits (RLIMIT_FSIZE in fault tests) then do not apply to its log.
    bool output_through_pipe = false;
  };

  // Starts argv[0] (looked up in PATH if it has no '/') with stdout and stderr
  // appended to the log file; stdin is /dev/null. The child dies with SIGKILL
  // if the thread that started it exits. Throws std::system_error if fork or
  // the log file fail; if exec fails the child exits with 127 and says why in
  // the log.
  explicit Process(std::vector<std::string> argv);
  Process(std::vector<std::string> argv, Options options);
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Sends a signal; false if the child was already reaped.
  bool signal(int sig = SIGTERM);
  // SIGKILL, then reaps; returns the exit status as wait_exit does.
  std::optional<int> kill9();
  // Waits up to `timeout` for the child to exit. Returns its exit code, or
  // -N if signal N killed it; nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  std::optional<int> exit_status() const { return status_; }
  // The log file's whole contents so far.
  std::string log() const;
  const std::filesystem::path& log_path() const { return log_path_; }

 private:
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> status_;
  std::thread copier_;  // output_through_pipe: pipe -> log file, ends at EOF
  std::filesystem::path log_path_;
  bool remove_log_ = false;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read
// back, closed). Another process may take it before you bind it.
std::uint16_t free_port();

// A fresh directory under /tmp (mkdtemp), removed with its contents at
// destruction. Throws std::system_error if it cannot be created.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "ponte-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Evaluates pred every `poll` until it is true (returns true) or the timeout
// passed (returns false). pred runs at least once.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(10));

// Polls GET http://127.0.0.1:port<path> until it answers 200. If `process`
// is given, gives up as soon as that process has exited.
bool wait_for_http(std::uint16_t port, const std::string& path, std::chrono::milliseconds timeout,
                   Process* process = nullptr);

}  // namespace ponte::testing
