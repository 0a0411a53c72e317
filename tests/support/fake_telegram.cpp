// FakeTelegram: routing, Telegram-shaped answers, fault injection and the
// call record. The HTTP side is LocalServer; everything here runs under
// mutex_, so a fault set from the test thread applies to the next request.
#include "tests/support/fake_telegram.hpp"

#include "bot/server/net.hpp"
#include "tests/support/call_waiter.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ponte::testing {
namespace {

using nlohmann::json;

constexpr const char* kBadGatewayHtml =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string error_body(int code, std::string_view description) {
  return json{{"ok", false}, {"error_code", code}, {"description", description}}.dump();
}

std::string ok_body(json result) {
  return json{{"ok", true}, {"result", std::move(result)}}.dump();
}

// chat_id may be an integer or a numeric string ("@channel" names are not ids).
std::optional<std::int64_t> chat_id_of(const json& body) {
  if (!body.is_object()) return std::nullopt;
  auto it = body.find("chat_id");
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size()) return value;
  }
  return std::nullopt;
}

bool has_nonempty_string(const json& body, const char* key) {
  if (!body.is_object()) return false;
  auto it = body.find(key);
  return it != body.end() && it->is_string() && !it->get_ref<const std::string&>().empty();
}

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

FakeTelegram::FakeTelegram() : FakeTelegram(Options{}) {}

FakeTelegram::FakeTelegram(Options options) : expected_token_(std::move(options.expected_token)) {
  server_ = std::make_unique<LocalServer>(
      [this](ServerRequest request) { return handle(std::move(request)); }, options.port,
      options.threads);
  port_ = server_->port();
}

FakeTelegram::~FakeTelegram() { server_.reset(); }

std::string FakeTelegram::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::uint64_t FakeTelegram::connections_accepted() const { return server_->connections_accepted(); }

void FakeTelegram::set_expected_token(std::string token) {
  std::lock_guard lock(mutex_);
  expected_token_ = std::move(token);
}

void FakeTelegram::set_down(bool down) {
  std::lock_guard lock(mutex_);
  down_ = down;
}

void FakeTelegram::close_listener() { server_->close_listener(); }

void FakeTelegram::reopen_listener() { server_->reopen_listener(); }

void FakeTelegram::fail_next(int n, int status, std::string body, std::string method) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < n; ++i) faults_.push_back(Fault{status, body, method});
}

void FakeTelegram::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakeTelegram::reset_next(int n, std::string method) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < n; ++i) faults_.push_back(Fault{0, {}, method, true});
}

void FakeTelegram::hang_next(int n, std::chrono::milliseconds delay, std::string method) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < n; ++i) faults_.push_back(Fault{200, {}, method, false, delay});
}

std::string FakeTelegram::too_many_requests_body(int retry_after_s) {
  return json{{"ok", false},
              {"error_code", 429},
              {"description", "Too Many Requests: retry after " + std::to_string(retry_after_s)},
              {"parameters", {{"retry_after", retry_after_s}}}}
      .dump();
}

std::string FakeTelegram::file_content(std::string_view file_path) {
  return "%PDF-fake " + std::string(file_path);
}

std::string FakeTelegram::blocked_body() {
  return error_body(403, "Forbidden: bot was blocked by the user");
}

net::awaitable<ServerResponse> FakeTelegram::handle(ServerRequest request) {
  const auto arrived = std::chrono::steady_clock::now();
  std::chrono::milliseconds delay;
  {
    // The method is the last path segment: /bot<token>/<method>.
    std::string_view path(request.target());
    path = path.substr(0, path.find('?'));
    const auto method = path.substr(path.rfind('/') + 1);
    std::lock_guard lock(mutex_);
    delay = delay_;
    auto hang = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
      return f.hang.count() > 0 && (f.method.empty() || iequals(f.method, method));
    });
    if (hang != faults_.end()) {
      delay = std::max(delay, hang->hang);
      faults_.erase(hang);
    }
  }
  if (delay.count() > 0) {
    auto executor = co_await net::this_coro::executor;
    net::steady_timer timer(executor, delay);
    // Cancelled only when the server stops; either way, answer now.
    auto [ec] = co_await timer.async_wait(use_nothrow);
    (void)ec;
  }
  Answer reply = answer(std::string(request.target()), request.body(), arrived);
  if (reply.status == 0) {  // reset_next(): no answer at all
    ServerResponse reset{http::status::internal_server_error, request.version()};
    reset.set(kResetConnectionHeader, "1");
    co_return reset;
  }
  ServerResponse response{static_cast<http::status>(reply.status), request.version()};
  response.set(http::field::server, "nginx/1.18.0");
  response.set(http::field::content_type, reply.content_type);
  response.body() = std::move(reply.body);
  co_return response;
}

FakeTelegram::Answer FakeTelegram::answer(const std::string& target, const std::string& body,
                                          std::chrono::steady_clock::time_point arrived) {
  RecordedCall call;
  call.arrived = arrived;
  // Target: /bot<token>/<method>[?query]
  std::string_view path(target);
  path = path.substr(0, path.find('?'));
  bool routed = false;
  std::optional<std::string> file_path;  // a download: /file/bot<token>/<file_path>
  if (path.starts_with("/file/bot")) {
    auto slash = path.find('/', 9);
    if (slash != std::string_view::npos && slash + 1 < path.size()) {
      call.token = std::string(path.substr(9, slash - 9));
      file_path = std::string(path.substr(slash + 1));
      call.method = "file";
      routed = true;
    }
  } else if (path.starts_with("/bot")) {
    auto slash = path.find('/', 4);
    if (slash != std::string_view::npos && slash + 1 < path.size()) {
      call.token = std::string(path.substr(4, slash - 4));
      call.method = std::string(path.substr(slash + 1));
      routed = call.method.find('/') == std::string::npos;
    }
  }
  if (!body.empty()) {
    call.body = json::parse(body, nullptr, false);
    call.body_is_json = !call.body.is_discarded();
    if (!call.body_is_json) call.body = body;
  }
  call.chat_id = chat_id_of(call.body);

  Answer result{200, "application/json", {}};
  std::lock_guard lock(mutex_);
  auto fault = std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) {
    return f.hang.count() == 0 && (f.method.empty() || iequals(f.method, call.method));
  });
  if (down_) {
    result = Answer{502, "text/html", kBadGatewayHtml};
  } else if (fault != faults_.end()) {
    result = Answer{fault->status, "application/json", fault->body};
    faults_.erase(fault);
  } else if (!routed) {
    result = Answer{404, "application/json", error_body(404, "Not Found")};
  } else if (!expected_token_.empty() && call.token != expected_token_) {
    result = Answer{401, "application/json", error_body(401, "Unauthorized")};
  } else if (file_path) {
    result = Answer{200, "application/octet-stream", file_content(*file_path)};
  } else {
    result = answer_method(call.method, call.body);
  }
  call.status = result.status;
  calls_.push_back(std::move(call));
  ++generation_;
  changed_.notify_all();
  return result;
}

// Called under mutex_. Answers as the Bot API does for the methods Ponte uses.
FakeTelegram::Answer FakeTelegram::answer_method(const std::string& method, const json& body) {
  const std::string m = lower(method);
  const auto bad_request = [](std::string_view what) {
    return Answer{400, "application/json", error_body(400, std::string("Bad Request: ") += what)};
  };
  const auto ok = [](json result) { return Answer{200, "application/json", ok_body(result)}; };
  const json bot = {
      {"id", 5550001}, {"is_bot", true}, {"first_name", "Ponte"}, {"username", "ponte_fake_bot"}};

  if (m == "sendmessage" || m == "editmessagetext" || m == "editmessagereplymarkup") {
    auto chat_id = chat_id_of(body);
    if (!chat_id) return bad_request("chat_id is empty");
    if (m != "editmessagereplymarkup" && !has_nonempty_string(body, "text")) {
      return bad_request("message text is empty");
    }
    json message = {
        {"from", bot}, {"chat", {{"id", *chat_id}, {"type", "private"}}}, {"date", unix_now()}};
    if (m == "sendmessage") {
      message["message_id"] = next_message_id_++;
    } else {
      if (!body.contains("message_id")) return bad_request("message identifier is not specified");
      message["message_id"] = body["message_id"];
      message["edit_date"] = unix_now();
    }
    if (body.contains("text")) message["text"] = body["text"];
    if (body.contains("reply_markup")) message["reply_markup"] = body["reply_markup"];
    return ok(std::move(message));
  }
  if (m == "answercallbackquery") {
    if (!has_nonempty_string(body, "callback_query_id")) {
      return bad_request("query is too old and response timeout expired or query ID is invalid");
    }
    return ok(true);
  }
  if (m == "setwebhook") {
    webhook_url_ = body.is_object() ? body.value("url", std::string()) : std::string();
    return ok(true);
  }
  if (m == "deletewebhook") {
    webhook_url_.clear();
    return ok(true);
  }
  if (m == "getwebhookinfo") {
    return ok({{"url", webhook_url_},
               {"has_custom_certificate", false},
               {"pending_update_count", 0},
               {"max_connections", 40}});
  }
  if (m == "getfile") {
    const std::string id = body.is_object() ? body.value("file_id", std::string()) : "";
    if (id.empty() || id == "unknown") return bad_request("invalid file_id");
    return ok({{"file_id", id},
               {"file_unique_id", "u" + id},
               {"file_size", file_content("documents/" + id + ".pdf").size()},
               {"file_path", "documents/" + id + ".pdf"}});
  }
  if (m == "getme") return ok(bot);
  if (m == "sendchataction") return ok(true);
  return Answer{404, "application/json", error_body(404, "Not Found")};
}

std::vector<RecordedCall> FakeTelegram::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<RecordedCall> FakeTelegram::calls(std::string_view method) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (iequals(c.method, method)) out.push_back(c);
  }
  return out;
}

std::vector<RecordedCall> FakeTelegram::delivered() const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (c.status == 200) out.push_back(c);
  }
  return out;
}

std::vector<RecordedCall> FakeTelegram::delivered(std::string_view method) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (c.status == 200 && iequals(c.method, method)) out.push_back(c);
  }
  return out;
}

std::vector<RecordedCall> FakeTelegram::failed() const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedCall> out;
  for (const auto& c : calls_) {
    if (c.status != 200) out.push_back(c);
  }
  return out;
}

std::size_t FakeTelegram::count(std::string_view method) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(calls_.begin(), calls_.end(), [&](const auto& c) {
    return c.status == 200 && iequals(c.method, method);
  }));
}

std::size_t FakeTelegram::attempts(std::string_view method) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      calls_.begin(), calls_.end(), [&](const auto& c) { return iequals(c.method, method); }));
}

std::size_t FakeTelegram::count_if(const std::function<bool(const RecordedCall&)>& pred) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      calls_.begin(), calls_.end(), [&](const auto& c) { return c.status == 200 && pred(c); }));
}

std::vector<std::string> FakeTelegram::texts_to(std::int64_t chat_id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : calls_) {
    if (c.status == 200 && c.chat_id == chat_id && iequals(c.method, "sendMessage") &&
        c.body.is_object() && c.body.contains("text") && c.body["text"].is_string()) {
      out.push_back(c.body["text"].get<std::string>());
    }
  }
  return out;
}

void FakeTelegram::reset() {
  std::lock_guard lock(mutex_);
  calls_.clear();
  faults_.clear();
  webhook_url_.clear();
  down_ = false;
  delay_ = std::chrono::milliseconds(0);
  ++generation_;
  changed_.notify_all();
}

bool FakeTelegram::wait_until(const std::function<bool()>& pred,
                              std::chrono::milliseconds timeout) const {
  return wait_for_calls(mutex_, changed_, generation_, pred, timeout);
}

}  // namespace ponte::testing
