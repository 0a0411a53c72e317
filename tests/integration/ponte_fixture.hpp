// Runs the real `ponte` binary against a fake Telegram API on 127.0.0.1 and
// talks to it over real HTTP, as Telegram and a browser would.
#pragma once

#include "tests/support/fake_telegram.hpp"
#include "tests/support/fake_whatsapp.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ponte::testing {

inline constexpr const char* kToken = "123456:TEST-token";
inline constexpr const char* kSecret = "test-secret_42";
inline constexpr const char* kWaPhoneId = "106540352242922";
inline constexpr const char* kWaToken = "EAAG-test-access-token";
inline constexpr const char* kWaAppSecret = "wa-app-secret-0123";
inline constexpr const char* kWaVerify = "wa-verify-token";
inline constexpr const char* kAdminToken = "admin-token-0123456789";

struct Button {
  std::string label;
  std::string data;
};

class PonteFixture {
 public:
  // Starts a fake Telegram API and writes a config into a temp dir.
  PonteFixture();
  // `patch` is merged into the test configuration (JSON merge patch).
  explicit PonteFixture(const nlohmann::json& patch);
  ~PonteFixture();

  // Starts ponte (again, on the same data) and waits for /healthz.
  void start();
  // SIGTERM; the exit code, or nullopt if it did not exit within `timeout`.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::optional<int> kill9() { return ponte_ ? ponte_->kill9() : std::nullopt; }
  // The running ponte's process id (-1 before start()).
  pid_t pid() const { return ponte_ ? ponte_->pid() : -1; }
  // Before start(): ponte's output reaches the log through a pipe, so limits
  // set on its files (RLIMIT_FSIZE) leave the log alone.
  void output_through_pipe(bool on) { pipe_output_ = on; }
  bool signal(int sig) { return ponte_ && ponte_->signal(sig); }
  // Sets a top-level configuration key before start() (e.g. "flows_dir").
  void configure(const std::string& key, const nlohmann::json& value);
  // ponte's log, and how it ended if it is no longer running (a crash
  // leaves no log line of its own).
  std::string log() const;

  // A Telegram update (JSON) posted to the webhook with the right secret.
  HttpResponse post_update(const nlohmann::json& update, const std::string& secret = kSecret);
  HttpResponse post_raw(const std::string& body, const std::string& secret = kSecret);
  HttpResponse get(const std::string& target);
  HttpResponse post_json(const std::string& target, const nlohmann::json& body);

  // Updates as Telegram words them; each gets a fresh update_id.
  nlohmann::json text_update(std::int64_t chat, const std::string& text,
                             const std::string& lang = "it");
  nlohmann::json press_update(std::int64_t chat, const std::string& data);
  // my_chat_member: "kicked" (the person blocked the bot) or "member".
  nlohmann::json member_update(std::int64_t chat, const std::string& status);

  // --- WhatsApp: notifications as Meta words them, signed with the app secret.
  // Posts `body` to /whatsapp/webhook with X-Hub-Signature-256 (or `signature`).
  HttpResponse post_whatsapp(const std::string& body, const std::string* signature = nullptr);
  static std::string wa_signature(const std::string& body, const std::string& secret);
  // One inbound message from `from`; `message` holds type and content;
  // sent `age` ago (a late webhook retry). Its wamid is in last_wamid().
  nlohmann::json wa_message(const std::string& from, nlohmann::json message,
                            std::chrono::seconds age = std::chrono::seconds(0));
  nlohmann::json wa_text(const std::string& from, const std::string& text);
  nlohmann::json wa_reply(const std::string& from, const std::string& kind, const std::string& id,
                          const std::string& title);  // kind: button_reply | list_reply
  nlohmann::json wa_status(const std::string& wamid, const std::string& status,
                           const std::string& to, int error_code = 0);
  const std::string& last_wamid() const { return last_wamid_; }
  HttpResponse admin_get(const std::string& target, const std::string& token = kAdminToken);
  HttpResponse admin_post(const std::string& target, const std::string& token = kAdminToken);

  // The inline keyboard of the newest delivered message to `chat` that had one.
  std::vector<Button> last_keyboard(std::int64_t chat) const;
  // Presses the button whose label or callback_data suffix (":id") matches.
  HttpResponse press(std::int64_t chat, const std::string& label_or_id);
  // Waits until `chat` has received at least n messages.
  bool wait_texts(std::int64_t chat, std::size_t n,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs another ponte subcommand on the same configuration; its exit code.
  int run_command(const std::vector<std::string>& words, std::string* output = nullptr);

  FakeTelegram& telegram() { return *telegram_; }
  FakeWhatsApp& whatsapp() { return *whatsapp_; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_; }
  std::filesystem::path database() const { return data_ / "ponte.db"; }

 private:
  std::unique_ptr<FakeTelegram> telegram_;
  std::unique_ptr<FakeWhatsApp> whatsapp_;
  std::string last_wamid_;
  TempDir dir_;
  std::filesystem::path data_;
  std::filesystem::path config_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> ponte_;
  std::int64_t next_update_ = 0;
  bool pipe_output_ = false;
};

}  // namespace ponte::testing
