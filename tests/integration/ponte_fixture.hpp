// Runs the real `ponte` binary against a fake Telegram API on 127.0.0.1 and
// talks to it over real HTTP, as Telegram and a browser would.
#pragma once

#include "tests/support/fake_telegram.hpp"
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

struct Button {
  std::string label;
  std::string data;
};

class PonteFixture {
 public:
  // Starts a fake Telegram API and writes a config into a temp dir.
  PonteFixture();
  ~PonteFixture();

  // Starts ponte (again, on the same data) and waits for /healthz.
  void start();
  // SIGTERM; the exit code, or nullopt if it did not exit within `timeout`.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::optional<int> kill9() { return ponte_ ? ponte_->kill9() : std::nullopt; }
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
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_; }
  std::filesystem::path database() const { return data_ / "ponte.db"; }

 private:
  std::unique_ptr<FakeTelegram> telegram_;
  TempDir dir_;
  std::filesystem::path data_;
  std::filesystem::path config_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> ponte_;
  std::int64_t next_update_ = 0;
};

}  // namespace ponte::testing
