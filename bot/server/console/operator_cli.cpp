// `ponte operator add NAME --role ROLE` and `ponte operator passwd NAME`:
// accounts are made on the server's own machine, by whoever may read the
// configuration. The password comes from stdin (never argv, which other
// users see in `ps`); on a terminal it is asked twice without echo.
#include "bot/core/clock.hpp"
#include "bot/server/commands.hpp"
#include "bot/server/console/password.hpp"
#include "storage/console.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

namespace ponte::server {
namespace {

std::optional<std::string> read_line_silently(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> read_new_password() {
  auto first = read_line_silently("new password: ");
  if (!first) return std::nullopt;
  if (isatty(STDIN_FILENO)) {
    auto again = read_line_silently("again: ");
    if (!again || *again != *first) {
      std::cerr << "ponte: the passwords differ\n";
      return std::nullopt;
    }
  }
  return first;
}

int usage() {
  std::cerr << "usage: ponte operator add NAME --role operator|supervisor|author|admin "
               "[--config FILE]\n"
               "       ponte operator passwd NAME [--config FILE]\n"
               "the password is read from stdin\n";
  return 2;
}

}  // namespace

int operator_command(const Config& config, const std::vector<std::string>& words,
                     const std::optional<std::string>& role_name) {
  if (words.size() != 3 || (words[1] != "add" && words[1] != "passwd")) return usage();
  const bool add = words[1] == "add";
  const auto& name = words[2];
  if (name.empty() || name.size() > 64) {
    std::cerr << "ponte: an operator name has 1 to 64 characters\n";
    return 2;
  }
  std::optional<storage::Role> role;
  if (add) {
    if (!role_name) return usage();
    role = storage::role_from_string(*role_name);
    if (!role) {
      std::cerr << "ponte: unknown role \"" << *role_name << "\"\n";
      return usage();
    }
  }
  auto password = read_new_password();
  if (!password) {
    std::cerr << "ponte: no password given on stdin\n";
    return 2;
  }
  auto hash = console::hash_password(*password);
  if (!hash) {
    std::cerr << "ponte: " << hash.error().message << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  auto db =
      storage::Database::open(config.database_file(), {.synchronous = config.storage.synchronous});
  if (!db) {
    std::cerr << "ponte: " << db.error().message << "\n";
    return 1;
  }
  if (auto m = storage::migrate(**db); !m) {
    std::cerr << "ponte: " << m.error().message << "\n";
    return 1;
  }
  const auto now = to_unix_ms(SystemClock{}.now());
  Result<void> done;
  if (add) {
    auto id = storage::add_operator(**db, name, *role, *hash, now);
    if (!id) done = id.error();
  } else {
    done = storage::set_operator_password(**db, name, *hash, now);
  }
  if (!done) {
    std::cerr << "ponte: " << done.error().message << "\n";
    const auto code = done.error().code;
    return code == Errc::storage || code == Errc::unavailable ? 1 : 2;
  }
  storage::AuditEntry audit;
  audit.operator_name = "cli";
  audit.action = add ? "operator.add" : "operator.passwd";
  audit.detail = "name=" + name + (add ? " role=" + *role_name : "");
  audit.created_at = now;
  if (auto r = storage::add_audit(**db, audit); !r) {
    std::cerr << "ponte: audit: " << r.error().message << "\n";
    return 1;
  }
  std::cerr << (add ? "operator added: " : "password changed: ") << name << "\n";
  return 0;
}

}  // namespace ponte::server
