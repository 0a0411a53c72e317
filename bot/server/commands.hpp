// The ponte subcommands main.cpp dispatches to. Each returns the process
// exit code and writes its diagnostics to stderr.
#pragma once

#include "bot/server/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ponte::server {

// Runs the help line until SIGINT/SIGTERM (exit 0 after a clean shutdown);
// SIGHUP reloads flows and locales, keeping the old set when the new one is
// invalid. Exit 1: cannot start (port, database); 2: the flows are invalid.
int serve(const Config& config);

// Registers public_url + telegram.webhook_path with setWebhook.
int telegram_set_webhook(const Config& config);

// Loads flows and locales, prints every problem; exit 1 when any is an error.
// `review`: also list the nodes marked "verify" and the example services
// (`ponte flows check --review`).
int flows_check(const Config& config, bool review = false);

// `operator add NAME` (with --role) and `operator passwd NAME`: `words` is
// the whole command line's words; the password is read from stdin.
int operator_command(const Config& config, const std::vector<std::string>& words,
                     const std::optional<std::string>& role);

}  // namespace ponte::server
