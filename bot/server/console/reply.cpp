// An operator's message to the person: typed text, or a canned answer sent
// in the person's language. Written to the transcript and the outbox by
// queue_outbound (the one outbound path, which also applies channel rules
// such as WhatsApp's 24-hour window), in the same unit as its audit entry.
// A refusal comes back as 4xx with the channel's reason.
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/canned.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/deliver.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace {

constexpr std::size_t kMaxReplyBytes = 4000;

// Extra {variables} from the body's "vars" object (strings only).
Result<std::map<std::string, std::string>> vars_member(const Json& body) {
  std::map<std::string, std::string> vars;
  const auto it = body.find("vars");
  if (it == body.end() || it->is_null()) return vars;
  if (!it->is_object() || it->size() > 20) return fail(Errc::parse, "\"vars\" must be an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string() || v.get<std::string>().size() > 500) {
      return fail(Errc::parse, "\"vars\" values must be short strings");
    }
    vars[k] = v.get<std::string>();
  }
  return vars;
}

}  // namespace

Result<std::string> canned_text(storage::Database& db, const engine::FlowSet& flows,
                                std::string_view key, const storage::Contact& contact,
                                std::int64_t case_id, std::map<std::string, std::string> vars) {
  auto versions = storage::canned_versions(db, key);
  if (!versions) return versions.error();
  auto chosen = pick_version(*versions, flows, contact.language.value_or(""));
  if (!chosen) return fail(Errc::invalid, "no canned answer \"" + std::string(key) + "\"");
  vars.emplace("name", contact.display_name.value_or(""));
  vars.emplace("case", std::to_string(case_id));
  return fill_variables(chosen->body, vars);
}

net::awaitable<Reply> handle_reply(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                   bool canned) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const Caller caller = *access.caller;
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto text = string_member(*body, canned ? "key" : "text", kMaxReplyBytes);
  if (!text) co_return Reply{error_reply(req, text.error())};
  auto vars = vars_member(*body);
  if (!vars) co_return Reply{error_reply(req, vars.error())};
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
    if (canned) {
      auto filled = canned_text(**reader, *svc.flows.get(), *text, *contact, case_id, *vars);
      if (!filled) co_return Reply{error_reply(req, filled.error())};
      *text = std::move(*filled);
    }
  }
  const auto now = now_ms(svc);
  OutboundMessage msg;
  msg.text = *text;
  msg.lang = contact->language.value_or("");
  auto audit = audit_of(caller, canned ? "case.canned" : "case.reply", case_id, "", now);
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
