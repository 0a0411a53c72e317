// Configuration: one JSON file, flags that override it, secrets from the
// environment. Unknown keys and wrong types are refused at start, each with
// its JSON path, so a typo never silently falls back to a default.
#pragma once

#include "bot/core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ponte::server {

struct TelegramConfig {
  std::string token;         // env PONTE_TELEGRAM_TOKEN; empty = channel off
  std::string secret_token;  // env PONTE_TELEGRAM_SECRET
  std::string api_base = "https://api.telegram.org";
  std::string webhook_path = "/telegram/webhook";
  int max_connections = 40;  // setWebhook: parallel connections Telegram opens
  bool enabled() const { return !token.empty(); }
};

struct WhatsAppConfig {
  std::string phone_number_id;  // env PONTE_WHATSAPP_PHONE_NUMBER_ID
  std::string access_token;     // env PONTE_WHATSAPP_ACCESS_TOKEN
  std::string app_secret;       // env PONTE_WHATSAPP_APP_SECRET
  std::string verify_token;     // env PONTE_WHATSAPP_VERIFY_TOKEN
  std::string api_base = "https://graph.facebook.com/v25.0";
  std::string webhook_path = "/whatsapp/webhook";
  // Outside the 24-hour customer service window only approved templates
  // may be sent: language -> template name (with one body parameter {{1}}
  // that carries the message text). A language without one is refused.
  std::map<std::string, std::string> window_templates;
  // Treat the window as closed this long before it really closes (clock
  // skew, webhook delay).
  int window_margin_s = 600;
  bool enabled() const { return !phone_number_id.empty() && !access_token.empty(); }
};

struct HttpConfig {
  std::size_t body_limit = 4 * 1024 * 1024;  // WhatsApp sends up to 3 MB
  int read_timeout_ms = 10'000;              // a started request must arrive within this
  int idle_timeout_ms = 60'000;              // an idle keep-alive connection is closed after
  int write_timeout_ms = 10'000;
  // Open connections at most (a webhook platform opens tens; thousands of
  // idle ones are an attack or a leak). Past it a new connection gets 503
  // and is closed. Lowered at start to what RLIMIT_NOFILE allows.
  int max_connections = 10'000;
};

// Per-person inbound limit, a token bucket per contact (channel and chat).
// A person typing several short messages in a row stays well inside it; a
// script posting hundreds a second does not. Messages over it are
// acknowledged and kept in the transcript (operators see them) but get no
// bot turn: the flood costs one insert each, never a dialogue step or a
// reply, and other people's turns are not slowed.
struct InboundConfig {
  int contact_per_min = 60;  // sustained messages per person
  int contact_burst = 20;    // messages that may arrive at once
};

struct OutboxConfig {
  int retry_base_ms = 1'000;      // first retry delay; doubles each attempt
  int retry_max_ms = 300'000;     // cap of the backoff
  int give_up_after_s = 172'800;  // transient failures for longer: dead-letter
  int max_connections_per_host = 32;
  int connect_timeout_ms = 5'000;
  int request_timeout_ms = 15'000;
  // Send rates, token buckets: a global one per platform and one per
  // recipient (bursts allowed up to *_burst). Telegram: ~30 msg/s overall,
  // ~1 msg/s per chat. WhatsApp: 80 msg/s per number, ~10/min per person.
  int telegram_global_per_s = 30;
  int telegram_chat_per_min = 60;
  int telegram_chat_burst = 3;
  int whatsapp_global_per_s = 80;
  int whatsapp_user_per_min = 10;
  int whatsapp_user_burst = 5;
};

struct StorageConfig {
  std::string synchronous = "full";  // "full" survives power loss; "normal" a crash
  int max_batch = 512;
  // How long a write waits for a lock another process holds (a backup, an
  // sqlite3 shell) before it is refused: the webhook then answers 503 and
  // the platform retries, rather than the request hanging.
  int busy_timeout_ms = 5000;
};

// Development: reload flows and locales when a file under them changes
// (checked every watch_ms); SIGHUP reloads in every mode.
struct FlowsConfig {
  bool watch = false;
  int watch_ms = 1'000;
};

// When operators answer (see console/office_hours.hpp). Days hold
// "HH:MM-HH:MM" ranges separated by commas ("" = closed); holidays are
// "YYYY-MM-DD" dates separated by commas. No day set at all: always open.
struct OfficeHoursConfig {
  std::string timezone = "Europe/Rome";
  std::string mon, tue, wed, thu, fri, sat, sun;
  std::string holidays;
};

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "data";
  std::filesystem::path flows_dir = "flows";
  std::filesystem::path locales_dir = "locales";
  std::string public_url;  // https://help.example.org, used for set-webhook
  int threads = 0;         // 0 = one per core
  std::string log_level = "info";
  int shutdown_timeout_ms = 4'000;
  // Bearer token for the admin API (/api/outbox/..., /api/files/...), env
  // PONTE_ADMIN_TOKEN; empty = those routes answer 404. Stands in until
  // operator logins exist.
  std::string admin_token;
  // Sites allowed to embed the web chat with widget.js, space-separated
  // origins ("https://ngo.example.org https://www.ngo.example.org"). Empty:
  // the chat cannot be framed at all.
  std::string webchat_embed_origins;
  TelegramConfig telegram;
  WhatsAppConfig whatsapp;
  HttpConfig http;
  InboundConfig inbound;
  OutboxConfig outbox;
  StorageConfig storage;
  FlowsConfig flows;
  OfficeHoursConfig office_hours;

  std::filesystem::path database_file() const { return data_dir / "ponte.db"; }
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_env();

// Reads `file` (nullopt: defaults only), resolving relative paths in it
// against the file's folder, then applies the environment. Every problem is
// reported at once, one per line: "<file>: /telegram/tokn: unknown key".
Result<Config> load_config(const std::optional<std::filesystem::path>& file, const EnvLookup& env);
// Same, from JSON text (tests); relative paths resolve against `base_dir`.
Result<Config> parse_config(std::string_view json_text, const std::filesystem::path& base_dir,
                            const EnvLookup& env, std::string_view source_name = "config");

// "HOST:PORT" for --listen.
Result<void> set_listen(Config& config, std::string_view host_port);

}  // namespace ponte::server
