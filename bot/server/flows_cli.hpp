// The flow authors' commands: `ponte flows test | coverage | graph` and
// `ponte chat`. Each loads flows/ and locales/ from the configuration (the
// current directory's by default) and prints to the given streams, so they
// are testable without a terminal.
#pragma once

#include "bot/engine/flow_set.hpp"
#include "bot/server/config.hpp"

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace ponte::server {

// words: {"flows", "test" | "coverage" | "graph", args...}. Exit 0 ok,
// 1 failures (tests failed, flows invalid), 2 usage.
int flows_command(const Config& config, const std::vector<std::string>& words);

struct ChatOptions {
  std::string lang;  // the person's language; empty: the default language
  std::string flow;  // start here; empty: as a new conversation does
};
// Reads lines from `in` until /quit or end of input. Every line that is not
// a /command goes to the real engine as a typed message; buttons are shown
// numbered (type the number, the label, or /press <id>).
int run_chat(std::shared_ptr<const engine::FlowSet> flows, const ChatOptions& options,
             std::istream& in, std::ostream& out);
// words: {"chat", "--lang", "ar", "--flow", "main"}.
int chat(const Config& config, const std::vector<std::string>& words);

}  // namespace ponte::server
