#include "tests/integration/ponte_fixture.hpp"

#include <fstream>
#include <random>

namespace ponte::testing {

using nlohmann::json;

PonteFixture::PonteFixture() : PonteFixture(json::object()) {}

PonteFixture::PonteFixture(const json& patch)
    : telegram_(std::make_unique<FakeTelegram>()),
      whatsapp_(std::make_unique<FakeWhatsApp>(kWaPhoneId, kWaToken)),
      dir_("ponte-it"),
      data_(dir_ / "data") {
  std::random_device rd;
  next_update_ = 700'000'000 + static_cast<std::int64_t>(rd() % 100'000'000);
  port_ = free_port();
  json config = {
      {"listen", "127.0.0.1:" + std::to_string(port_)},
      {"data_dir", data_.string()},
      {"flows_dir", std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/flows"},
      {"locales_dir", std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo/locales"},
      {"threads", 2},
      {"log_level", "debug"},
      {"shutdown_timeout_ms", 2000},
      {"public_url", "https://help.example.org"},
      {"telegram",
       {{"token", kToken}, {"secret_token", kSecret}, {"api_base", telegram_->base_url()}}},
      {"admin_token", kAdminToken},
      {"whatsapp",
       {{"phone_number_id", kWaPhoneId},
        {"access_token", kWaToken},
        {"app_secret", kWaAppSecret},
        {"verify_token", kWaVerify},
        {"api_base", whatsapp_->base_url()},
        {"window_templates", {{"it", "ponte_risposta"}, {"en", "ponte_reply"}}}}},
      {"outbox",
       {// Dialogues in tests go faster than a person types: per-recipient
        // limits are the rate limiter's unit tests' business.
        {"telegram_chat_per_min", 60000},
        {"telegram_chat_burst", 50},
        {"whatsapp_user_per_min", 60000},
        {"whatsapp_user_burst", 50},
        {"retry_base_ms", 50},
        {"retry_max_ms", 400},
        {"request_timeout_ms", 2000},
        {"connect_timeout_ms", 1000}}},
  };
  config.merge_patch(patch);
  config_ = dir_ / "ponte.json";
  std::ofstream(config_) << config.dump(2);
}

void PonteFixture::configure(const std::string& key, const json& value) {
  std::ifstream in(config_);
  json config = json::parse(in);
  config[key] = value;
  std::ofstream(config_) << config.dump(2);
}

PonteFixture::~PonteFixture() {
  if (ponte_ && ponte_->running()) ponte_->kill9();
}

void PonteFixture::start() {
  Process::Options options;
  options.log_path = dir_ / "ponte.log";
  options.output_through_pipe = pipe_output_;
  ponte_ = std::make_unique<Process>(
      std::vector<std::string>{PONTE_BINARY, "serve", "--config", config_.string()}, options);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (get("/healthz").status == 200) return;
    if (!ponte_->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("ponte did not become healthy; log:\n" + ponte_->log());
}

std::string PonteFixture::log() const {
  if (!ponte_) return {};
  std::string out = ponte_->log();
  if (!ponte_->running()) {
    const int st = ponte_->exit_status().value_or(0);
    out += st < 0 ? "[ponte was killed by signal " + std::to_string(-st) + "]\n"
                  : "[ponte exited with status " + std::to_string(st) + "]\n";
  }
  return out;
}

int PonteFixture::run_command(const std::vector<std::string>& words, std::string* output) {
  std::vector<std::string> argv{PONTE_BINARY};
  argv.insert(argv.end(), words.begin(), words.end());
  argv.insert(argv.end(), {"--config", config_.string()});
  Process command(argv);
  const auto code = command.wait_exit(std::chrono::seconds(15));
  if (output) *output = command.log();
  return code.value_or(-1);
}

std::optional<int> PonteFixture::stop(std::chrono::milliseconds timeout) {
  if (!ponte_) return std::nullopt;
  ponte_->signal(SIGTERM);
  return ponte_->wait_exit(timeout);
}

HttpResponse PonteFixture::post_raw(const std::string& body, const std::string& secret) {
  return request(
      "127.0.0.1", port_, "POST", "/telegram/webhook", body,
      {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", secret}});
}

HttpResponse PonteFixture::post_update(const json& update, const std::string& secret) {
  return post_raw(update.dump(), secret);
}

HttpResponse PonteFixture::get(const std::string& target) {
  return request("127.0.0.1", port_, "GET", target);
}

HttpResponse PonteFixture::post_json(const std::string& target, const json& body) {
  return request("127.0.0.1", port_, "POST", target, body.dump(),
                 {{"Content-Type", "application/json"}});
}

std::string PonteFixture::wa_signature(const std::string& body, const std::string& secret) {
  return webhook_signature(body, secret);
}

HttpResponse PonteFixture::post_whatsapp(const std::string& body, const std::string* signature) {
  return request(
      "127.0.0.1", port_, "POST", "/whatsapp/webhook", body,
      {{"Content-Type", "application/json"},
       {"X-Hub-Signature-256", signature ? *signature : wa_signature(body, kWaAppSecret)}});
}

json PonteFixture::wa_message(const std::string& from, json message, std::chrono::seconds age) {
  last_wamid_ = "wamid.in" + std::to_string(next_update_++);
  message["from"] = from;
  message["id"] = last_wamid_;
  const auto sent = std::chrono::system_clock::now() - age;
  message["timestamp"] = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(sent.time_since_epoch()).count());
  return {{"object", "whatsapp_business_account"},
          {"entry",
           {{{"id", "WABA1"},
             {"changes",
              {{{"field", "messages"},
                {"value",
                 {{"messaging_product", "whatsapp"},
                  {"metadata",
                   {{"display_phone_number", "15550783881"}, {"phone_number_id", kWaPhoneId}}},
                  {"contacts", {{{"profile", {{"name", "Amina"}}}, {"wa_id", from}}}},
                  {"messages", {message}}}}}}}}}}};
}

json PonteFixture::wa_text(const std::string& from, const std::string& text) {
  return wa_message(from, {{"type", "text"}, {"text", {{"body", text}}}});
}

json PonteFixture::wa_reply(const std::string& from, const std::string& kind, const std::string& id,
                            const std::string& title) {
  return wa_message(from,
                    {{"type", "interactive"},
                     {"interactive", {{"type", kind}, {kind, {{"id", id}, {"title", title}}}}},
                     {"context", {{"from", "15550783881"}, {"id", "wamid.out"}}}});
}

json PonteFixture::wa_status(const std::string& wamid, const std::string& status,
                             const std::string& to, int error_code) {
  json s = {{"id", wamid}, {"status", status}, {"timestamp", "1767225700"}, {"recipient_id", to}};
  if (error_code != 0) {
    s["errors"] = {{{"code", error_code}, {"title", "Re-engagement message"}}};
  }
  return {{"object", "whatsapp_business_account"},
          {"entry",
           {{{"id", "WABA1"},
             {"changes",
              {{{"field", "messages"},
                {"value", {{"messaging_product", "whatsapp"}, {"statuses", {s}}}}}}}}}}};
}

HttpResponse PonteFixture::admin_get(const std::string& target, const std::string& token) {
  return request("127.0.0.1", port_, "GET", target, "", {{"Authorization", "Bearer " + token}});
}

HttpResponse PonteFixture::admin_post(const std::string& target, const std::string& token) {
  return request("127.0.0.1", port_, "POST", target, "", {{"Authorization", "Bearer " + token}});
}

json PonteFixture::text_update(std::int64_t chat, const std::string& text,
                               const std::string& lang) {
  const json from = {
      {"id", chat}, {"is_bot", false}, {"first_name", "Amina"}, {"language_code", lang}};
  return {{"update_id", next_update_++},
          {"message",
           {{"message_id", next_update_ % 100000},
            {"date", 1767225600},
            {"from", from},
            {"chat", {{"id", chat}, {"type", "private"}, {"first_name", "Amina"}}},
            {"text", text}}}};
}

json PonteFixture::press_update(std::int64_t chat, const std::string& data) {
  const json from = {
      {"id", chat}, {"is_bot", false}, {"first_name", "Amina"}, {"language_code", "ar"}};
  return {{"update_id", next_update_++},
          {"callback_query",
           {{"id", "cb" + std::to_string(next_update_)},
            {"chat_instance", "-42"},
            {"from", from},
            {"message",
             {{"message_id", 58},
              {"date", 1767225601},
              {"chat", {{"id", chat}, {"type", "private"}}},
              {"text", "menu"}}},
            {"data", data}}}};
}

json PonteFixture::member_update(std::int64_t chat, const std::string& status) {
  const json bot = {{"id", 5550001}, {"is_bot", true}, {"first_name", "Ponte"}};
  return {
      {"update_id", next_update_++},
      {"my_chat_member",
       {{"chat", {{"id", chat}, {"type", "private"}, {"first_name", "Amina"}}},
        {"from", {{"id", chat}, {"is_bot", false}, {"first_name", "Amina"}}},
        {"date", 1767229200},
        {"old_chat_member", {{"status", status == "kicked" ? "member" : "kicked"}, {"user", bot}}},
        {"new_chat_member", {{"status", status}, {"until_date", 0}, {"user", bot}}}}}};
}

std::vector<Button> PonteFixture::last_keyboard(std::int64_t chat) const {
  std::vector<Button> out;
  for (const auto& call : telegram_->delivered("sendMessage")) {
    if (call.chat_id != chat || !call.body.contains("reply_markup")) continue;
    out.clear();
    for (const auto& row : call.body["reply_markup"]["inline_keyboard"]) {
      for (const auto& b : row) {
        out.push_back({b.value("text", ""), b.value("callback_data", "")});
      }
    }
  }
  return out;
}

HttpResponse PonteFixture::press(std::int64_t chat, const std::string& label_or_id) {
  for (const auto& b : last_keyboard(chat)) {
    const auto suffix = ":" + label_or_id;
    const bool id_match = b.data.size() > suffix.size() &&
                          b.data.compare(b.data.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (b.label == label_or_id || id_match) return post_update(press_update(chat, b.data));
  }
  HttpResponse none;
  none.error = "no button \"" + label_or_id + "\" in the last keyboard";
  return none;
}

bool PonteFixture::wait_texts(std::int64_t chat, std::size_t n, std::chrono::milliseconds timeout) {
  return telegram_->wait_until([&] { return telegram_->texts_to(chat).size() >= n; }, timeout);
}

}  // namespace ponte::testing
