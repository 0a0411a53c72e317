// Config parsing: a small table of known keys per object drives both the
// type checks and the "unknown key" errors, so adding a setting is one line.
#include "bot/server/config.hpp"

#include "bot/server/console/office_hours.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <variant>
#include <vector>

namespace ponte::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A setting: its key and where to store it.
using Target = std::variant<std::string*, int*, std::size_t*, fs::path*, bool*,
                            std::map<std::string, std::string>*>;
struct Key {
  std::string_view name;
  Target target;
};

class Reader {
 public:
  Reader(std::string_view source, fs::path base) : source_(source), base_(std::move(base)) {}

  void object(const json& j, const std::string& path, const std::vector<Key>& keys) {
    if (!j.is_object()) return problem(path, "must be an object");
    for (const auto& [name, value] : j.items()) {
      const Key* key = nullptr;
      for (const auto& k : keys) {
        if (k.name == name) key = &k;
      }
      const auto where = path + "/" + name;
      if (!key) {
        problem(where, "unknown key" + suggestion(name, keys));
        continue;
      }
      // Named capture: clang 14 cannot capture a structured binding.
      std::visit([&, &v = value](auto* t) { assign(v, where, t); }, key->target);
    }
  }

  void problem(const std::string& path, const std::string& what) {
    errors_ << source_ << ": " << (path.empty() ? "/" : path) << ": " << what << "\n";
  }
  std::string errors() const { return errors_.str(); }

 private:
  void assign(const json& v, const std::string& path, std::string* t) {
    if (!v.is_string()) return problem(path, "must be a string");
    *t = v.get<std::string>();
  }
  void assign(const json& v, const std::string& path, int* t) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
        v.get<std::int64_t>() > 1'000'000'000) {
      return problem(path, "must be a whole number from 0 to 1000000000");
    }
    *t = v.get<int>();
  }
  void assign(const json& v, const std::string& path, std::size_t* t) {
    if (!v.is_number_unsigned()) return problem(path, "must be a whole number of bytes");
    *t = v.get<std::size_t>();
  }
  void assign(const json& v, const std::string& path, std::map<std::string, std::string>* t) {
    if (!v.is_object()) return problem(path, "must be an object of strings");
    for (const auto& [key, value] : v.items()) {
      if (!value.is_string() || value.get<std::string>().empty()) {
        problem(path + "/" + key, "must be a non-empty string");
        continue;
      }
      (*t)[key] = value.get<std::string>();
    }
  }
  void assign(const json& v, const std::string& path, bool* t) {
    if (!v.is_boolean()) return problem(path, "must be true or false");
    *t = v.get<bool>();
  }
  void assign(const json& v, const std::string& path, fs::path* t) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      return problem(path, "must be a non-empty path");
    }
    fs::path p = v.get<std::string>();
    *t = p.is_absolute() ? p : (base_ / p).lexically_normal();
  }

  static std::string suggestion(std::string_view name, const std::vector<Key>& keys) {
    // Closest known key by edit distance, when it is close enough to be a typo.
    std::string_view best;
    std::size_t best_d = 3;
    for (const auto& k : keys) {
      const auto d = distance(name, k.name);
      if (d < best_d) best_d = d, best = k.name;
    }
    return best.empty() ? "" : " (did you mean \"" + std::string(best) + "\"?)";
  }
  static std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const auto up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
        diag = up;
      }
    }
    return row[b.size()];
  }

  std::string_view source_;
  fs::path base_;
  std::ostringstream errors_;
};

void apply_env(Config& c, const EnvLookup& env) {
  const std::pair<const char*, std::string*> vars[] = {
      {"PONTE_TELEGRAM_TOKEN", &c.telegram.token},
      {"PONTE_TELEGRAM_SECRET", &c.telegram.secret_token},
      {"PONTE_WHATSAPP_PHONE_NUMBER_ID", &c.whatsapp.phone_number_id},
      {"PONTE_WHATSAPP_ACCESS_TOKEN", &c.whatsapp.access_token},
      {"PONTE_WHATSAPP_APP_SECRET", &c.whatsapp.app_secret},
      {"PONTE_WHATSAPP_VERIFY_TOKEN", &c.whatsapp.verify_token},
      {"PONTE_ADMIN_TOKEN", &c.admin_token},
  };
  for (const auto& [name, target] : vars) {
    if (auto v = env(name); v && !v->empty()) *target = *v;
  }
}

void check_values(const Config& c, Reader& r) {
  if (c.flows.watch_ms < 50) r.problem("/flows/watch_ms", "must be at least 50");
  if (c.telegram.enabled() && c.telegram.secret_token.empty()) {
    r.problem("/telegram/secret_token",
              "required when a token is set (or PONTE_TELEGRAM_SECRET): without it anyone "
              "could post fake updates");
  }
  for (char ch : c.telegram.secret_token) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') {
      r.problem("/telegram/secret_token", "only A-Z, a-z, 0-9, _ and - are allowed by Telegram");
      break;
    }
  }
  for (const auto* base : {&c.telegram.api_base, &c.whatsapp.api_base}) {
    if (base->rfind("http://", 0) != 0 && base->rfind("https://", 0) != 0) {
      r.problem(base == &c.telegram.api_base ? "/telegram/api_base" : "/whatsapp/api_base",
                "must start with http:// or https://");
    }
  }
  for (const auto* p : {&c.telegram.webhook_path, &c.whatsapp.webhook_path}) {
    if (p->empty() || p->front() != '/') {
      r.problem(p == &c.telegram.webhook_path ? "/telegram/webhook_path" : "/whatsapp/webhook_path",
                "must start with /");
    }
  }
  if (c.storage.synchronous != "full" && c.storage.synchronous != "normal") {
    r.problem("/storage/synchronous", "must be \"full\" or \"normal\"");
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    r.problem("/log_level", "must be one of debug, info, warn, error");
  }
  if (c.http.body_limit < 1024) r.problem("/http/body_limit", "must be at least 1024");
  if (c.storage.max_batch < 1) r.problem("/storage/max_batch", "must be at least 1");
  if (c.storage.busy_timeout_ms < 0) {
    r.problem("/storage/busy_timeout_ms", "must be 0 or more");
  }
  if (c.outbox.max_connections_per_host < 1) {
    r.problem("/outbox/max_connections_per_host", "must be at least 1");
  }
  if (c.outbox.retry_base_ms < 1) r.problem("/outbox/retry_base_ms", "must be at least 1");
  const std::pair<const char*, int> rates[] = {
      {"/outbox/telegram_global_per_s", c.outbox.telegram_global_per_s},
      {"/outbox/telegram_chat_per_min", c.outbox.telegram_chat_per_min},
      {"/outbox/telegram_chat_burst", c.outbox.telegram_chat_burst},
      {"/outbox/whatsapp_global_per_s", c.outbox.whatsapp_global_per_s},
      {"/outbox/whatsapp_user_per_min", c.outbox.whatsapp_user_per_min},
      {"/outbox/whatsapp_user_burst", c.outbox.whatsapp_user_burst},
      {"/inbound/contact_per_min", c.inbound.contact_per_min},
      {"/inbound/contact_burst", c.inbound.contact_burst},
      {"/http/max_connections", c.http.max_connections}};
  for (const auto& [path, value] : rates) {
    if (value < 1) r.problem(path, "must be at least 1");
  }
  {
    std::istringstream origins(c.webchat_embed_origins);
    for (std::string o; origins >> o;) {
      const auto scheme_end = o.find("://");
      const bool ok = (o.rfind("https://", 0) == 0 || o.rfind("http://", 0) == 0) &&
                      o.size() > scheme_end + 3 &&
                      o.find('/', scheme_end + 3) == std::string::npos &&
                      o.find_first_of(";'\",") == std::string::npos;
      if (!ok) {
        r.problem("/webchat_embed_origins",
                  "\"" + o + "\" is not an origin like https://ngo.example.org (no path)");
      }
    }
  }
  if (!c.admin_token.empty() && c.admin_token.size() < 16) {
    r.problem("/admin_token", "must be at least 16 characters (or PONTE_ADMIN_TOKEN)");
  }
  if (!c.whatsapp.phone_number_id.empty() && c.whatsapp.app_secret.empty()) {
    r.problem("/whatsapp/app_secret",
              "required when WhatsApp is configured (or PONTE_WHATSAPP_APP_SECRET): without it "
              "anyone could post fake messages");
  }
  if (auto hours = console::parse_office_hours(c.office_hours); !hours) {
    r.problem("/office_hours", hours.error().message);
  }
}

}  // namespace

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<void> set_listen(Config& config, std::string_view host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(Errc::config, "listen: expected HOST:PORT, got \"" + std::string(host_port) + "\"");
  }
  const auto port_text = std::string(host_port.substr(colon + 1));
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return fail(Errc::config, "listen: bad port \"" + port_text + "\"");
  }
  std::string host(host_port.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  config.listen_host = host;
  config.listen_port = static_cast<std::uint16_t>(port);
  return {};
}

Result<Config> parse_config(std::string_view json_text, const fs::path& base_dir,
                            const EnvLookup& env, std::string_view source_name) {
  Config c;
  c.data_dir = base_dir / "data";
  c.flows_dir = base_dir / "flows";
  c.locales_dir = base_dir / "locales";
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return fail(Errc::config, std::string(source_name) + ": not valid JSON: " + e.what());
  }
  Reader r(source_name, base_dir);
  std::string listen;
  auto& t = c.telegram;
  auto& w = c.whatsapp;
  std::vector<Key> telegram = {{"token", &t.token},
                               {"secret_token", &t.secret_token},
                               {"api_base", &t.api_base},
                               {"webhook_path", &t.webhook_path},
                               {"max_connections", &t.max_connections}};
  std::vector<Key> whatsapp = {{"phone_number_id", &w.phone_number_id},
                               {"access_token", &w.access_token},
                               {"app_secret", &w.app_secret},
                               {"verify_token", &w.verify_token},
                               {"api_base", &w.api_base},
                               {"webhook_path", &w.webhook_path},
                               {"window_templates", &w.window_templates},
                               {"window_margin_s", &w.window_margin_s}};
  std::vector<Key> http = {{"body_limit", &c.http.body_limit},
                           {"read_timeout_ms", &c.http.read_timeout_ms},
                           {"idle_timeout_ms", &c.http.idle_timeout_ms},
                           {"write_timeout_ms", &c.http.write_timeout_ms},
                           {"max_connections", &c.http.max_connections}};
  std::vector<Key> inbound = {{"contact_per_min", &c.inbound.contact_per_min},
                              {"contact_burst", &c.inbound.contact_burst}};
  std::vector<Key> outbox = {{"retry_base_ms", &c.outbox.retry_base_ms},
                             {"retry_max_ms", &c.outbox.retry_max_ms},
                             {"give_up_after_s", &c.outbox.give_up_after_s},
                             {"max_connections_per_host", &c.outbox.max_connections_per_host},
                             {"connect_timeout_ms", &c.outbox.connect_timeout_ms},
                             {"request_timeout_ms", &c.outbox.request_timeout_ms},
                             {"telegram_global_per_s", &c.outbox.telegram_global_per_s},
                             {"telegram_chat_per_min", &c.outbox.telegram_chat_per_min},
                             {"telegram_chat_burst", &c.outbox.telegram_chat_burst},
                             {"whatsapp_global_per_s", &c.outbox.whatsapp_global_per_s},
                             {"whatsapp_user_per_min", &c.outbox.whatsapp_user_per_min},
                             {"whatsapp_user_burst", &c.outbox.whatsapp_user_burst}};
  std::vector<Key> storage = {{"synchronous", &c.storage.synchronous},
                              {"max_batch", &c.storage.max_batch},
                              {"busy_timeout_ms", &c.storage.busy_timeout_ms}};
  auto& o = c.office_hours;
  std::vector<Key> office_hours = {
      {"timezone", &o.timezone}, {"mon", &o.mon}, {"tue", &o.tue},
      {"wed", &o.wed},           {"thu", &o.thu}, {"fri", &o.fri},
      {"sat", &o.sat},           {"sun", &o.sun}, {"holidays", &o.holidays}};
  std::vector<Key> flows = {{"watch", &c.flows.watch}, {"watch_ms", &c.flows.watch_ms}};
  // Nested objects are checked by their own tables; here they are only named.
  std::string ignored;
  std::vector<Key> top = {{"listen", &listen},
                          {"data_dir", &c.data_dir},
                          {"flows_dir", &c.flows_dir},
                          {"locales_dir", &c.locales_dir},
                          {"public_url", &c.public_url},
                          {"threads", &c.threads},
                          {"log_level", &c.log_level},
                          {"shutdown_timeout_ms", &c.shutdown_timeout_ms},
                          {"admin_token", &c.admin_token},
                          {"webchat_embed_origins", &c.webchat_embed_origins}};
  const std::pair<std::string_view, const std::vector<Key>*> sections[] = {
      {"telegram", &telegram}, {"whatsapp", &whatsapp},
      {"http", &http},         {"inbound", &inbound},
      {"outbox", &outbox},     {"storage", &storage},
      {"flows", &flows},       {"office_hours", &office_hours}};
  if (j.is_object()) {
    json flat = json::object();
    for (const auto& [key, value] : j.items()) {
      bool section = false;
      for (const auto& [name, keys] : sections) {
        if (key == name) {
          r.object(value, "/" + key, *keys);
          section = true;
        }
      }
      if (!section) flat[key] = value;
    }
    std::vector<Key> all_top = top;
    for (const auto& [name, keys] : sections) all_top.push_back({name, &ignored});
    r.object(flat, "", all_top);
  } else {
    r.problem("", "the configuration must be a JSON object");
  }
  if (!listen.empty()) {
    if (auto s = set_listen(c, listen); !s) r.problem("/listen", s.error().message);
  }
  apply_env(c, env);
  check_values(c, r);
  if (auto e = r.errors(); !e.empty()) {
    e.pop_back();
    return fail(Errc::config, e);
  }
  return c;
}

Result<Config> load_config(const std::optional<fs::path>& file, const EnvLookup& env) {
  if (!file) return parse_config("{}", fs::current_path(), env, "defaults");
  std::ifstream in(*file, std::ios::binary);
  if (!in) return fail(Errc::config, file->string() + ": cannot read the configuration file");
  std::stringstream text;
  text << in.rdbuf();
  auto base = fs::absolute(*file).parent_path();
  return parse_config(text.str(), base, env, file->string());
}

}  // namespace ponte::server
