// Process: fork + execve with everything the child needs prepared before the
// fork, because the test process is multi-threaded (fake servers) and the
// child may only make async-signal-safe calls until exec. The child closes
// every inherited descriptor above 2, so it cannot keep a fake server's
// listening socket alive after the test closed it.
#include "tests/support/process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/http_client.hpp"

extern char** environ;

namespace ponte::testing {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// The parent's environment with `overrides` applied, as "NAME=value" strings.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& [name, value] : overrides) env[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

// execve does not search PATH: resolve a bare program name here, before fork.
std::string resolve_program(const std::string& program, const std::vector<std::string>& env) {
  if (program.find('/') != std::string::npos) return program;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) path = entry.substr(5);
  }
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return program;  // execve fails with ENOENT and the child reports it
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Async-signal-safe: writes "<prefix><errno>\n" to fd 2.
void report_errno(const char* prefix, int err) {
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + err % 10);
    err /= 10;
  } while (err > 0 && n < 15);
  char line[16];
  for (int i = 0; i < n; ++i) line[i] = digits[n - 1 - i];
  line[n] = '\n';
  ssize_t ignored = ::write(2, prefix, std::strlen(prefix));
  ignored = ::write(2, line, static_cast<std::size_t>(n + 1));
  (void)ignored;
}

}  // namespace

Process::Process(std::vector<std::string> argv) : Process(std::move(argv), Options{}) {}

Process::Process(std::vector<std::string> argv, Options options) {
  if (argv.empty()) throw std::invalid_argument("Process: empty argv");
  int log_fd = -1;
  if (options.log_path.empty()) {
    std::string name = "/tmp/ponte-process-XXXXXX.log";
    log_fd = ::mkostemps(name.data(), 4, O_CLOEXEC | O_APPEND);
    if (log_fd < 0) throw_errno("Process: mkostemps");
    log_path_ = name;
    remove_log_ = true;
  } else {
    log_path_ = options.log_path;
    log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw_errno("Process: open " + log_path_.string());
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    ::close(log_fd);
    throw_errno("Process: open /dev/null");
  }
  int out_pipe[2] = {-1, -1};
  if (options.output_through_pipe && ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    ::close(null_fd);
    throw_errno("Process: pipe2");
  }
  const int out_fd = options.output_through_pipe ? out_pipe[1] : log_fd;

  std::vector<std::string> env = child_environment(options.env);
  std::string program = resolve_program(argv[0], env);
  std::vector<char*> c_argv = c_strings(argv);
  std::vector<char*> c_env = c_strings(env);
  std::string cwd = options.cwd.string();
  const pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) {
    int err = errno;
    ::close(log_fd);
    ::close(null_fd);
    if (out_pipe[0] >= 0) {
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
    }
    throw std::system_error(err, std::generic_category(), "Process: fork");
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::close_range(3, ~0U, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      report_errno("ponte-testing: chdir failed, errno ", errno);
      ::_exit(127);
    }
    ::execve(program.c_str(), c_argv.data(), c_env.data());
    report_errno("ponte-testing: execve failed, errno ", errno);
    ::_exit(127);
  }
  ::close(null_fd);
  if (!options.output_through_pipe) {
    ::close(log_fd);
    return;
  }
  ::close(out_pipe[1]);
  copier_ = std::thread([in = out_pipe[0], log_fd] {
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(in, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EOF: the child and everything it started are gone
      for (ssize_t done = 0; done < n;) {
        const ssize_t w = ::write(log_fd, buffer + done, static_cast<std::size_t>(n - done));
        if (w <= 0) break;
        done += w;
      }
    }
    ::close(in);
    ::close(log_fd);
  });
}

Process::~Process() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  if (copier_.joinable()) copier_.join();
  if (remove_log_) {
    std::error_code ignored;
    std::filesystem::remove(log_path_, ignored);
  }
}

bool Process::reap(bool block) {
  if (status_) return true;
  int st = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &st, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
  // The child's last words are in the pipe: the log is whole once it ends.
  if (copier_.joinable()) copier_.join();
  return true;
}

bool Process::signal(int sig) {
  if (reap(false)) return false;
  return ::kill(pid_, sig) == 0;
}

std::optional<int> Process::kill9() {
  if (!reap(false)) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  return status_;
}

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
  wait_until([this] { return reap(false); }, timeout, std::chrono::milliseconds(5));
  return status_;
}

bool Process::running() { return !reap(false); }

std::string Process::log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("free_port: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "free_port: bind");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

TempDir::TempDir(std::string_view prefix) {
  std::string name = "/tmp/" + std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(name.data()) == nullptr) throw_errno("TempDir: mkdtemp " + name);
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(poll, deadline - now));
  }
}

bool wait_for_http(std::uint16_t port, const std::string& path, std::chrono::milliseconds timeout,
                   Process* process) {
  bool gave_up = false;
  bool ok = wait_until(
      [&] {
        if (process != nullptr && !process->running()) {
          gave_up = true;
          return true;
        }
        auto res = request("127.0.0.1", port, "GET", path, {}, {}, std::chrono::seconds(1));
        return res.status == 200;
      },
      timeout, std::chrono::milliseconds(20));
  return ok && !gave_up;
}

}  // namespace ponte::testing
