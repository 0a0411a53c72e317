// Fetching a file a person sent, for the operator view: the transcript keeps
// only the platform's file id (Telegram getFile, WhatsApp media id), which
// is turned into a download and read through the same HTTPS client as every
// API call.
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

// The same for a WhatsApp media id (image, voice note, document...): Graph
// gives a download URL valid for 5 minutes, read with the bearer token.
// `file_path` is "<media_id>". Meta keeps media 7 days: later, not_found.
boost::asio::awaitable<Result<FetchedFile>> fetch_whatsapp_media(HttpClient& http,
                                                                 const WhatsAppConfig& whatsapp,
                                                                 std::string media_id);

}  // namespace ponte::server
