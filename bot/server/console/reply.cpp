// An operator's reply: written to the transcript and the outbox by
// queue_outbound (the one outbound path, which also applies channel rules
// such as WhatsApp's 24-hour window), in the same unit as its audit entry.
// A refusal comes back as 4xx with the channel's reason.
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/deliver.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace {
constexpr std::size_t kMaxReplyBytes = 4000;
}  // namespace

net::awaitable<Reply> handle_reply(Services& svc, RequestContext& ctx, std::int64_t case_id) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const Caller caller = *access.caller;
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto text = string_member(*body, "text", kMaxReplyBytes);
  if (!text) co_return Reply{error_reply(req, text.error())};
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
    co_return Reply{error_reply(req, fail(Errc::invalid, "the reply is empty"))};
  }
  std::optional<storage::Contact> contact;
  {
    auto reader = svc.readers.acquire();
    if (!reader) co_return Reply{error_reply(req, reader.error())};
    auto c = storage::get_console_case(**reader, case_id);
    if (!c) co_return Reply{error_reply(req, c.error())};
    if (!*c) {
      co_return Reply{
          error_reply(req, fail(Errc::not_found, "no case " + std::to_string(case_id)))};
    }
    auto k = storage::get_contact(**reader, (*c)->row.contact_id);
    if (!k) co_return Reply{error_reply(req, k.error())};
    if (!*k) co_return Reply{error_reply(req, fail(Errc::not_found, "the contact is gone"))};
    contact = std::move(*k);
  }
  const auto now = now_ms(svc);
  OutboundMessage msg;
  msg.text = *text;
  msg.lang = contact->language.value_or("");
  auto audit = audit_of(caller, "case.reply", case_id, "", now);
  DeliverUnit unit = [=, c = *contact](storage::Database& db, Queued& queued) -> Result<void> {
    auto held = storage::get_console_case(db, case_id);
    if (!held) return held.error();
    if (!*held || (*held)->row.status != storage::CaseStatus::claimed) {
      return fail(Errc::conflict, "claim case " + std::to_string(case_id) + " before replying");
    }
    if ((*held)->claimed_by != caller.op.id && !caller.can_supervise()) {
      return fail(Errc::conflict,
                  "case " + std::to_string(case_id) + " is held by " + (*held)->claimed_by_name);
    }
    if (auto r = queue_outbound(db, c, msg, "operator", now, queued); !r) return r;
    return storage::add_audit(db, audit);
  };
  auto queued = co_await commit_and_dispatch(svc, *contact, std::move(unit));
  if (!queued) co_return Reply{error_reply(req, queued.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"message_ids", queued->message_ids}}, http::status::created)};
}

}  // namespace ponte::server::console
