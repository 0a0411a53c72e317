// The console's HTTP surface: handle_api() routes /api/... (JSON, see
// docs/api.yaml) to one handler per concern; handle_page() serves the
// console's own files under /console. router.cpp calls these two only.
#pragma once

#include "bot/server/http_server.hpp"
#include "bot/server/net.hpp"
#include "bot/server/services.hpp"

#include <boost/asio/awaitable.hpp>

namespace ponte::server::console {

net::awaitable<Reply> handle_api(Services& svc, RequestContext& ctx);
Reply handle_page(RequestContext& ctx);

// Internal to the console folder, one file each.
net::awaitable<Reply> handle_login(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_logout(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_me(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_feed(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_queue(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_operators(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_audit(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_case_view(Services& svc, RequestContext& ctx, std::int64_t case_id);
// POST /api/cases/{id}/{action}: claim, release, transfer, resolve,
// handback, phase, notes, tasks, messages.
net::awaitable<Reply> handle_case_action(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                         std::string action);
net::awaitable<Reply> handle_task_status(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                         std::int64_t task_id);
net::awaitable<Reply> handle_reply(Services& svc, RequestContext& ctx, std::int64_t case_id);

}  // namespace ponte::server::console
