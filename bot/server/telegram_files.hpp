// Fetching a file a person sent on Telegram, for the operator view: the
// transcript keeps only the file id; getFile turns it into a download path,
// then the file is read through the same HTTPS client as every API call.
#pragma once

#include "bot/core/error.hpp"
#include "bot/server/config.hpp"
#include "bot/server/http_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace ponte::server {

struct FetchedFile {
  std::string file_path;  // Telegram's path, e.g. "photos/file_3.jpg"
  std::string body;       // the bytes
};

// Errors: Errc::invalid (bad file id), Errc::not_found (unknown or too big),
// Errc::unavailable / Errc::timeout (Telegram unreachable), Errc::config
// (Telegram not configured).
boost::asio::awaitable<Result<FetchedFile>> fetch_telegram_file(HttpClient& http,
                                                                const TelegramConfig& telegram,
                                                                std::string file_id);

}  // namespace ponte::server
