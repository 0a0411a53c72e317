// Request handlers, one file per concern. Each is a coroutine taking the
// shared services and the request; make_router() picks one by path.
#pragma once

#include "bot/core/log.hpp"
#include "bot/server/http_server.hpp"
#include "bot/server/services.hpp"
#include "storage/console.hpp"

#include <boost/asio/awaitable.hpp>

#include <initializer_list>
#include <optional>
#include <string_view>

namespace ponte::server {

boost::asio::awaitable<Reply> handle_telegram_webhook(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_post(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_events(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_history(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_whatsapp_verify(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_whatsapp_webhook(Services& svc, RequestContext& ctx);
// Admin API (admin.cpp): a console login with one of `roles` (audited as
// `action`) or the bearer admin_token; nullopt means the caller may go on.
std::optional<Reply> refuse_unless_allowed(Services& svc, RequestContext& ctx,
                                           std::initializer_list<storage::Role> roles,
                                           std::string_view action);
boost::asio::awaitable<Reply> handle_outbox_dead(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_outbox_retry(Services& svc, RequestContext& ctx,
                                                  std::string_view id);
// A file a person sent on `channel` (telegram: file id, whatsapp: media id).
boost::asio::awaitable<Reply> handle_file(Services& svc, RequestContext& ctx, Channel channel,
                                          std::string_view file_id);
boost::asio::awaitable<Reply> handle_health(Services& svc, RequestContext& ctx);
// Embedded pages and scripts; `embed_origins` may frame them (CSP).
Reply handle_static(RequestContext& ctx, std::string_view embed_origins);

// How loud "this event was not stored" is: while the storage is degraded
// (Errc::unavailable) the writer has logged the cause once and every
// request fails the same way, so each one is a debug line; any other
// failure is an error of its own.
inline log::Level not_stored_level(const Error& error) {
  return error.code == Errc::unavailable ? log::Level::debug : log::Level::error;
}

// Dispatches by method and path; 404 and 405 otherwise.
Handler make_router(Services& svc);

}  // namespace ponte::server
