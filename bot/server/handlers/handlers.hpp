// Request handlers, one file per concern. Each is a coroutine taking the
// shared services and the request; make_router() picks one by path.
#pragma once

#include "bot/server/http_server.hpp"
#include "bot/server/services.hpp"

#include <boost/asio/awaitable.hpp>

namespace ponte::server {

boost::asio::awaitable<Reply> handle_telegram_webhook(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_post(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_events(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_webchat_history(Services& svc, RequestContext& ctx);
boost::asio::awaitable<Reply> handle_health(Services& svc, RequestContext& ctx);
Reply handle_static(RequestContext& ctx);

// Dispatches by method and path; 404 and 405 otherwise.
Handler make_router(Services& svc);

}  // namespace ponte::server
