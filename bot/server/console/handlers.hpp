// The console's HTTP surface: handle_api() routes /api/... (JSON, see
// docs/api.yaml) to one handler per concern; handle_page() serves the
// console's own files under /console. router.cpp calls these two only.
#pragma once

#include "bot/server/http_server.hpp"
#include "bot/server/net.hpp"
#include "bot/server/services.hpp"

#include "bot/engine/flow_set.hpp"
#include "storage/console.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

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
// POST /api/cases/{id}/messages ({text}) or /canned ({key, vars}).
net::awaitable<Reply> handle_reply(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                   bool canned);
// GET /api/canned (case workers), POST /api/canned (supervisors).
net::awaitable<Reply> handle_canned(Services& svc, RequestContext& ctx);
// POST /api/cases/{id}/reminders, /api/cases/{id}/reminders/{r}/cancel.
net::awaitable<Reply> handle_add_reminder(Services& svc, RequestContext& ctx, std::int64_t case_id);
net::awaitable<Reply> handle_cancel_reminder(Services& svc, RequestContext& ctx,
                                             std::int64_t case_id, std::int64_t reminder_id);

// GET /api/stats (JSON), /api/stats/chart.svg, /api/stats.csv: `what` is
// "json", "chart" or "csv". Supervisors and admins.
net::awaitable<Reply> handle_stats(Services& svc, RequestContext& ctx, std::string what);

// After a turn's handoff opened or joined `case_id`: the emergency numbers
// for an urgent case, the return of operators outside office hours.
// emergency_numbers false: the flow already gave them (handoff key).
net::awaitable<void> after_handoff(Services& svc, ContactId contact_id, std::int64_t case_id,
                                   bool emergency_numbers = true);

// GET /api/callbacks; POST /api/callbacks/{id}/done or /cancel (`state`
// "done" or "cancelled").
net::awaitable<Reply> handle_callbacks(Services& svc, RequestContext& ctx);
net::awaitable<Reply> handle_finish_callback(Services& svc, RequestContext& ctx,
                                             std::int64_t callback_id, std::string state);

// Sends due reminders through the outbox until shutdown; spawned by serve().
net::awaitable<void> reminder_loop(Services& svc);
// A canned answer's text for `contact` (language choice and variables as in
// canned.hpp). Errc::invalid when the key has no version at all.
Result<std::string> canned_text(storage::Database& db, const engine::FlowSet& flows,
                                std::string_view key, const storage::Contact& contact,
                                std::int64_t case_id, std::map<std::string, std::string> vars);

}  // namespace ponte::server::console
