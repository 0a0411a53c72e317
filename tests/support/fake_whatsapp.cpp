#include "tests/support/fake_whatsapp.hpp"

#include "tests/support/call_waiter.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/beast/http.hpp>

namespace ponte::testing {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {
std::string digits_of(std::string_view to) {
  std::string out;
  for (char c : to) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}
}  // namespace

std::string WhatsAppCall::type() const {
  if (!body.is_object()) return {};
  if (body.value("status", "") == "read") return "read";
  return body.value("type", "");
}

std::string WhatsAppCall::to() const {
  if (!body.is_object()) return {};
  return body.value("to", body.value("recipient", ""));
}

std::string WhatsAppCall::text() const {
  const auto t = type();
  const auto at = [&](const char* pointer) {
    return body.value(json::json_pointer(pointer), std::string());
  };
  if (t == "text") return at("/text/body");
  if (t == "interactive") return at("/interactive/body/text");
  if (t == "template") return at("/template/name");
  return {};
}

FakeWhatsApp::FakeWhatsApp(std::string phone_number_id, std::string access_token,
                           std::uint16_t port)
    : phone_number_id_(std::move(phone_number_id)), access_token_(std::move(access_token)) {
  server_ = std::make_unique<LocalServer>(
      [this](ServerRequest request) { return handle(std::move(request)); }, port, 2);
}

FakeWhatsApp::~FakeWhatsApp() { server_.reset(); }

std::string FakeWhatsApp::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

void FakeWhatsApp::fail_next(int n, int status, std::string body, std::string retry_after) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < n; ++i) faults_.push_back(Fault{status, body, retry_after});
}

std::string FakeWhatsApp::error_body(int code, std::string_view message) {
  return json{{"error",
               {{"message", "(#" + std::to_string(code) + ") " + std::string(message)},
                {"type", "OAuthException"},
                {"code", code},
                {"fbtrace_id", "AbCdEf"}}}}
      .dump();
}

boost::asio::awaitable<ServerResponse> FakeWhatsApp::handle(ServerRequest request) {
  WhatsAppCall call;
  call.arrived = std::chrono::steady_clock::now();
  std::string target(request.target());
  call.authorization = std::string(request[http::field::authorization]);
  call.body = json::parse(request.body(), nullptr, false);
  if (call.body.is_discarded()) call.body = nullptr;
  int status = 200;
  json answer;
  std::string retry_after;
  if (request.method() == http::verb::get) co_return media(request, std::move(call));
  {
    std::lock_guard lock(mutex_);
    const std::string suffix = "/messages";
    const bool routed = request.method() == http::verb::post && target.size() > suffix.size() + 1 &&
                        target.ends_with(suffix);
    if (routed) call.phone_number_id = target.substr(1, target.size() - suffix.size() - 1);
    if (!faults_.empty() && call.type() != "read") {
      status = faults_.front().status;
      answer = json::parse(faults_.front().body, nullptr, false);
      retry_after = faults_.front().retry_after;
      faults_.pop_front();
    } else if (!routed || call.phone_number_id != phone_number_id_) {
      status = 400;
      answer = json::parse(error_body(100, "Unsupported post request"));
    } else if (call.authorization != "Bearer " + access_token_) {
      status = 401;
      answer = json::parse(error_body(190, "Invalid OAuth access token"));
    } else if (!call.body.is_object() || call.body.value("messaging_product", "") != "whatsapp") {
      status = 400;
      answer = json::parse(error_body(100, "Invalid parameter"));
    } else if (call.type() == "read") {
      answer = {{"success", true}};
    } else {
      call.message_id = "wamid.fake" + std::to_string(next_id_++);
      answer = {{"messaging_product", "whatsapp"},
                {"contacts", {{{"input", call.to()}, {"wa_id", digits_of(call.to())}}}},
                {"messages", {{{"id", call.message_id}}}}};
    }
    call.status = status;
    calls_.push_back(std::move(call));
    ++generation_;
  }
  changed_.notify_all();
  ServerResponse response{static_cast<http::status>(status), request.version()};
  response.set(http::field::content_type, "application/json");
  if (!retry_after.empty()) response.set(http::field::retry_after, retry_after);
  response.body() = answer.is_discarded() ? std::string("{}") : answer.dump();
  co_return response;
}

std::string FakeWhatsApp::media_content(std::string_view media_id) {
  return "JPEG-fake " + std::string(media_id);
}

// GET /{media_id} describes a media file; GET /media-download/{id} is the
// download it points to. Both want the bearer token; id "404404" is gone.
ServerResponse FakeWhatsApp::media(const ServerRequest& request, WhatsAppCall call) {
  const std::string target(request.target());
  constexpr std::string_view kDownload = "/media-download/";
  const bool download = target.starts_with(kDownload);
  const std::string id = target.substr(download ? kDownload.size() : 1);
  ServerResponse response{http::status::ok, request.version()};
  response.set(http::field::content_type, "application/json");
  if (call.authorization != "Bearer " + access_token_) {
    response.result(http::status::unauthorized);
    response.body() = error_body(190, "Invalid OAuth access token");
  } else if (id.empty() || id == "404404") {
    response.result(http::status::not_found);
    response.body() = error_body(100, "Unsupported get request");
  } else if (download) {
    response.set(http::field::content_type, "image/jpeg");
    response.body() = media_content(id);
  } else {
    response.body() = json{
        {"messaging_product", "whatsapp"},
        {"url", base_url() + std::string(kDownload) + id},
        {"mime_type", "image/jpeg"},
        {"id", id}}.dump();
  }
  call.status = static_cast<int>(response.result_int());
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    ++generation_;
  }
  changed_.notify_all();
  return response;
}

std::vector<WhatsAppCall> FakeWhatsApp::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t FakeWhatsApp::count_messages_if(
    const std::function<bool(const WhatsAppCall&)>& pred) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& c : calls_) n += c.status == 200 && c.type() != "read" && pred(c);
  return n;
}

std::vector<WhatsAppCall> FakeWhatsApp::messages_to(const std::string& to) const {
  std::lock_guard lock(mutex_);
  std::vector<WhatsAppCall> out;
  for (const auto& c : calls_) {
    if (c.status == 200 && c.type() != "read" && digits_of(c.to()) == digits_of(to)) {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> FakeWhatsApp::reads() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : calls_) {
    if (c.status == 200 && c.type() == "read") out.push_back(c.body.value("message_id", ""));
  }
  return out;
}

bool FakeWhatsApp::wait_until(const std::function<bool()>& pred,
                              std::chrono::milliseconds timeout) const {
  return wait_for_calls(mutex_, changed_, generation_, pred, timeout);
}

std::string webhook_signature(std::string_view body, std::string_view app_secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace ponte::testing
