#include "bot/server/telegram_files.hpp"

#include "bot/channels/telegram/telegram.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace ponte::server {

namespace {
// File ids are URL-safe base64 in practice; anything else never reaches Telegram.
bool plausible_file_id(std::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// Path segments of file_path are kept, each percent-encoded where needed.
std::string encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

boost::asio::awaitable<Result<FetchedFile>> fetch_telegram_file(HttpClient& http,
                                                                const TelegramConfig& telegram,
                                                                std::string file_id) {
  if (!telegram.enabled()) co_return fail(Errc::config, "telegram is not configured");
  if (!plausible_file_id(file_id)) co_return fail(Errc::invalid, "not a Telegram file id");
  auto url = parse_url(telegram.api_base);
  if (!url) co_return url.error();
  const auto call = channels::telegram::get_file(file_id);
  auto info = co_await http.post(*url, "/bot" + telegram.token + "/" + call.method, call.body,
                                 "application/json");
  if (!info) co_return info.error();
  auto path = channels::telegram::file_path(info->status, info->body);
  if (!path) co_return path.error();
  auto file = co_await http.get(*url, "/file/bot" + telegram.token + "/" + encode_path(*path));
  if (!file) co_return file.error();
  if (file->status == 404) co_return fail(Errc::not_found, "telegram: file no longer available");
  if (file->status != 200) {
    co_return fail(Errc::unavailable,
                   "telegram file download: HTTP " + std::to_string(file->status));
  }
  co_return FetchedFile{std::move(*path), std::move(file->body)};
}

boost::asio::awaitable<Result<FetchedFile>> fetch_whatsapp_media(HttpClient& http,
                                                                 const WhatsAppConfig& whatsapp,
                                                                 std::string media_id) {
  if (!whatsapp.enabled()) co_return fail(Errc::config, "whatsapp is not configured");
  const bool digits = !media_id.empty() && media_id.size() <= 64 &&
                      media_id.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) co_return fail(Errc::invalid, "not a WhatsApp media id");
  auto api = parse_url(whatsapp.api_base);
  if (!api) co_return api.error();
  const HttpClient::Headers auth = {{"Authorization", "Bearer " + whatsapp.access_token}};
  auto described = co_await http.get(*api, "/" + media_id, auth);
  if (!described) co_return described.error();
  auto info = channels::whatsapp::media_info(described->status, described->body);
  if (!info) co_return info.error();
  auto url = parse_url(info->url);
  if (!url) co_return fail(Errc::parse, "whatsapp media: bad download url");
  // The token goes only over TLS (plain http only when the API itself is,
  // as in tests against a local fake).
  if (!url->tls() && api->tls()) co_return fail(Errc::parse, "whatsapp media: download not https");
  auto file = co_await http.get(*url, "", auth);
  if (!file) co_return file.error();
  if (file->status == 404) co_return fail(Errc::not_found, "whatsapp media: no longer available");
  if (file->status != 200) {
    co_return fail(Errc::unavailable,
                   "whatsapp media download: HTTP " + std::to_string(file->status));
  }
  co_return FetchedFile{media_id, std::move(file->body)};
}

}  // namespace ponte::server
