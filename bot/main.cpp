// ponte: the help line's executable. Parses the command line, loads the
// configuration and hands over to the server module; nothing else lives here.
#include "bot/server/commands.hpp"
#include "bot/server/config.hpp"
#include "bot/server/flows_cli.hpp"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage: ponte <command> [options]

commands:
  serve                  run the help line (web chat, webhooks, outbox)
  telegram set-webhook   register public_url + telegram.webhook_path with Telegram
  flows check            load flows and locales and report every problem
                         [--review: list what a human must verify]
  flows test             run the conversation tests in flows/tests/
  flows coverage         translated share and missing texts per language
  flows graph FLOW       Mermaid picture of a flow [--lang L] [--dot: Graphviz]
  chat                   talk to the flows in the terminal [--lang L] [--flow F]
  operator add NAME --role operator|supervisor|author|admin
                         add a console account (password from stdin)
  operator passwd NAME   set a new password (from stdin); ends its sessions
  version                print the version

options:
  --config FILE          JSON configuration (see deploy/ponte.example.json)
  --listen HOST:PORT     override "listen" (serve)
  --data-dir DIR         override "data_dir" (serve)
  --watch-flows          reload flows and locales when a file changes (serve, development)

secrets may come from the environment: PONTE_TELEGRAM_TOKEN, PONTE_TELEGRAM_SECRET,
PONTE_WHATSAPP_PHONE_NUMBER_ID, PONTE_WHATSAPP_ACCESS_TOKEN, PONTE_WHATSAPP_APP_SECRET,
PONTE_WHATSAPP_VERIFY_TOKEN.
)";

struct Options {
  std::vector<std::string> words;
  std::optional<std::string> config, listen, data_dir, role;
  bool watch_flows = false;
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::optional<std::string>& into) {
      if (i + 1 >= argc) return false;
      into = argv[++i];
      return true;
    };
    if (arg == "--config") {
      if (!value(o.config)) return std::nullopt;
    } else if (arg == "--listen") {
      if (!value(o.listen)) return std::nullopt;
    } else if (arg == "--data-dir") {
      if (!value(o.data_dir)) return std::nullopt;
    } else if (arg == "--watch-flows") {
      o.watch_flows = true;
    } else if (!o.words.empty() && (o.words[0] == "flows" || o.words[0] == "chat") &&
               arg.rfind("--", 0) == 0) {
      o.words.push_back(arg);  // the authoring commands' own options (flows_cli.cpp)
    } else if (arg == "--role") {
      if (!value(o.role)) return std::nullopt;
    } else if (arg == "-h" || arg == "--help") {
      return std::nullopt;
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "ponte: unknown option " << arg << "\n";
      return std::nullopt;
    } else {
      o.words.push_back(arg);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ponte::server;
  const auto opts = parse(argc, argv);
  if (!opts || opts->words.empty()) {
    std::cerr << kUsage;
    return opts ? 2 : (argc > 1 && std::string(argv[1]) != "--help" ? 2 : 0);
  }
  const auto& w = opts->words;
  if (w[0] == "version") {
    std::cout << "ponte 0.1.0\n";
    return 0;
  }
  auto config = load_config(opts->config, process_env());
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 2;
  }
  if (opts->listen) {
    if (auto r = set_listen(*config, *opts->listen); !r) {
      std::cerr << "ponte: --listen: " << r.error().message << "\n";
      return 2;
    }
  }
  if (opts->data_dir) config->data_dir = *opts->data_dir;
  if (opts->watch_flows) config->flows.watch = true;

  if (w[0] == "serve" && w.size() == 1) return serve(*config);
  if (w[0] == "telegram" && w.size() == 2 && w[1] == "set-webhook") {
    return telegram_set_webhook(*config);
  }
  if (w[0] == "flows" && w.size() == 2 && w[1] == "check") return flows_check(*config);
  if (w[0] == "flows" && w.size() == 3 && w[1] == "check" && w[2] == "--review") {
    return flows_check(*config, true);
  }
  if (w[0] == "flows" && w.size() >= 2 && w[1] != "check") return flows_command(*config, w);
  if (w[0] == "chat") return chat(*config, w);
  if (w[0] == "operator") return operator_command(*config, w, opts->role);
  std::cerr << "ponte: unknown command\n" << kUsage;
  return 2;
}
