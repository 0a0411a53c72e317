// The call-back list: people who asked to be phoned, with the times they
// prefer, oldest first; an operator marks each done or cancelled (audited).
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

net::awaitable<Reply> handle_callbacks(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto list = storage::list_callbacks(**reader, 300);
  if (!list) co_return Reply{error_reply(req, list.error())};
  Json out = Json::array();
  for (const auto& c : *list) {
    out.push_back({{"id", c.id},
                   {"case_id", c.case_id ? Json(*c.case_id) : Json()},
                   {"phone", c.phone},
                   {"slots", c.slots},
                   {"language", c.language},
                   {"channel", c.channel},
                   {"state", c.state},
                   {"done_by", c.done_by_name},
                   {"done_at", c.done_at ? Json(*c.done_at) : Json()},
                   {"created_at", c.created_at}});
  }
  co_return Reply{json_reply(req, {{"callbacks", std::move(out)}})};
}

net::awaitable<Reply> handle_finish_callback(Services& svc, RequestContext& ctx,
                                             std::int64_t callback_id, std::string state) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const auto now = now_ms(svc);
  auto audit = audit_of(*access.caller, "callback." + state, std::nullopt,
                        "callback=" + std::to_string(callback_id), now);
  std::function<Result<bool>(storage::Database&)> work =
      [=, op = access.caller->op.id](storage::Database& db) -> Result<bool> {
    if (auto r = storage::finish_callback(db, callback_id, state, op, now); !r) return r.error();
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return true;
  };
  auto done = co_await run_unit<bool>(svc, std::move(work));
  if (!done) co_return Reply{error_reply(req, done.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"ok", true}})};
}

}  // namespace ponte::server::console
