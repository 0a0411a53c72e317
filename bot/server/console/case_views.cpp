// Read-only console routes: the queue, one case with everything an operator
// needs to act on it, the operator list (for transfers) and the audit log.
// Readers run on the request's thread from the reader pool (WAL snapshot).
#include "bot/core/log.hpp"
#include "bot/engine/step.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/case_json.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/message_codec.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace {

constexpr int kTranscriptLimit = 1000;

Json transcript_json(const std::vector<storage::MessageRow>& rows) {
  Json out = Json::array();
  for (const auto& row : rows) {
    const bool in = row.direction == storage::Direction::in;
    auto msg = in ? decode_inbound_as_message(row.body) : decode_outbound(row.body);
    Json m = {{"id", row.id},
              {"direction", in ? "in" : "out"},
              {"kind", row.kind},
              {"status", storage::to_string(row.status)},
              {"created_at", row.created_at}};
    if (msg) {
      m["text"] = msg->text;
      // The bot's messages know their language and direction; the person's
      // are shown with dir="auto" (their first strong letter decides).
      if (!msg->lang.empty()) m["lang"] = msg->lang;
      if (msg->rtl) m["rtl"] = true;
      Json choices = Json::array();
      for (const auto& c : msg->choices) choices.push_back(c.label);
      m["choices"] = std::move(choices);
    } else {
      m["text"] = "";
    }
    out.push_back(std::move(m));
  }
  return out;
}

// The answers the bot collected: session variables and contact fields.
Json variables_json(const std::optional<storage::Session>& session) {
  Json out = {{"session", Json::object()}, {"contact", Json::object()}, {"mode", "bot"}};
  if (!session) return out;
  out["mode"] = session->mode == storage::SessionMode::human ? "human" : "bot";
  auto state = Json::parse(session->state_json, nullptr, false);
  if (state.is_object()) {
    if (auto v = state.find("vars"); v != state.end() && v->is_object()) out["session"] = *v;
    if (auto c = state.find("contact"); c != state.end() && c->is_object()) out["contact"] = *c;
    if (auto f = state.find("flow"); f != state.end() && f->is_string()) out["flow"] = *f;
  }
  return out;
}

// Reading a case (the person's words, their answers) is audited too, once
// per operator and case every 15 minutes: the page re-reads an open case at
// every live update, and the trail should say who looked, not how often.
void audit_view(Services& svc, const Caller& caller, storage::Database& reader,
                std::int64_t case_id, std::int64_t now) {
  constexpr std::int64_t kViewAuditGapMs = 15 * 60 * 1000;
  auto last = storage::last_audit_at(reader, caller.op.id, "case.view", case_id);
  if (last && *last && now - **last < kViewAuditGapMs) return;
  svc.writer.submit([entry = audit_of(caller, "case.view", case_id, "", now)](
                        storage::Database& db) { return storage::add_audit(db, entry); },
                    [](Result<void> r) {
                      if (!r) log::error("console.audit_failed", {{"error", r.error().message}});
                    });
}

}  // namespace

net::awaitable<Reply> handle_queue(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  storage::CaseFilter filter;
  if (auto s = query_param(ctx.query, "status"); s && !s->empty()) {
    filter.status = storage::case_status_from_string(*s);
    if (!filter.status) {
      co_return Reply{error_reply(req, fail(Errc::invalid, "unknown status \"" + *s + "\""))};
    }
  }
  filter.language = query_param(ctx.query, "language").value_or("");
  filter.topic = query_param(ctx.query, "topic").value_or("");
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto cases = storage::list_console_cases(**reader, filter);
  if (!cases) co_return Reply{error_reply(req, cases.error())};
  const auto now = now_ms(svc);
  Json list = Json::array();
  for (const auto& c : *cases) list.push_back(case_json(c, now));
  co_return Reply{json_reply(req, {{"cases", std::move(list)}, {"now", now}})};
}

net::awaitable<Reply> handle_case_view(Services& svc, RequestContext& ctx, std::int64_t case_id) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto& db = **reader;
  auto found = storage::get_console_case(db, case_id);
  if (!found) co_return Reply{error_reply(req, found.error())};
  if (!*found) {
    co_return Reply{error_reply(req, fail(Errc::not_found, "no case " + std::to_string(case_id)))};
  }
  const auto& c = **found;
  auto contact = storage::get_contact(db, c.row.contact_id);
  auto session = storage::load_session(db, c.row.contact_id);
  auto messages = storage::list_messages(db, c.row.contact_id, 0, kTranscriptLimit);
  auto notes = storage::list_case_notes(db, case_id);
  auto tasks = storage::list_case_tasks(db, case_id);
  auto earlier = storage::list_contact_cases(db, c.row.contact_id);
  auto reminders = storage::list_case_reminders(db, case_id);
  if (auto e = first_error(contact, session, messages, notes, tasks, earlier, reminders))
    co_return Reply{error_reply(req, *e)};
  const auto now = now_ms(svc);
  audit_view(svc, *access.caller, db, case_id, now);
  Json out = {{"case", case_json(c, now)}};
  if (*contact) {
    const auto& k = **contact;
    out["contact"] = {{"id", k.id},
                      {"channel", to_string(k.channel)},
                      {"language", k.language.value_or("")},
                      {"display_name", k.display_name.value_or("")},
                      {"unreachable", k.unreachable},
                      {"last_inbound_at", k.last_inbound_at.value_or(0)}};
  }
  out["variables"] = variables_json(*session);
  if (out["case"]["municipality"] == "") {
    const auto& fields = out["variables"]["contact"];
    if (auto m = fields.find("municipality"); m != fields.end() && m->is_string()) {
      out["case"]["municipality"] = *m;
    }
  }
  out["transcript"] = transcript_json(*messages);
  Json note_list = Json::array();
  for (const auto& n : *notes) {
    note_list.push_back({{"id", n.id},
                         {"operator", n.operator_name},
                         {"body", n.body},
                         {"created_at", n.created_at}});
  }
  out["notes"] = std::move(note_list);
  Json task_list = Json::array();
  for (const auto& t : *tasks) task_list.push_back(task_json(t));
  out["tasks"] = std::move(task_list);
  Json earlier_list = Json::array();
  for (const auto& e : *earlier) {
    if (e.row.id != case_id) earlier_list.push_back(case_json(e, now));
  }
  out["earlier_cases"] = std::move(earlier_list);
  Json reminder_list = Json::array();
  for (const auto& r : *reminders) {
    reminder_list.push_back({{"id", r.id},
                             {"key", r.canned_key},
                             {"task_id", r.task_id ? Json(*r.task_id) : Json()},
                             {"due_at", r.due_at},
                             {"state", r.state},
                             {"error", r.last_error}});
  }
  out["reminders"] = std::move(reminder_list);
  out["flows"] = engine::available_flows(*svc.flows.get());
  co_return Reply{json_reply(req, out)};
}

net::awaitable<Reply> handle_operators(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto ops = storage::list_operators(**reader);
  if (!ops) co_return Reply{error_reply(req, ops.error())};
  Json list = Json::array();
  for (const auto& op : *ops) {
    if (op.disabled) continue;
    list.push_back({{"id", op.id}, {"name", op.name}, {"role", storage::to_string(op.role)}});
  }
  co_return Reply{json_reply(req, {{"operators", std::move(list)}})};
}

net::awaitable<Reply> handle_audit(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kSupervisors);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  std::optional<std::int64_t> case_id;
  if (auto q = query_param(ctx.query, "case"); q && !q->empty()) {
    auto id = parse_id(*q);
    if (!id) co_return Reply{error_reply(req, fail(Errc::parse, "malformed case id"))};
    case_id = *id;
  }
  auto reader = svc.readers.acquire();
  if (!reader) co_return Reply{error_reply(req, reader.error())};
  auto entries = storage::list_audit(**reader, case_id, 500);
  if (!entries) co_return Reply{error_reply(req, entries.error())};
  Json list = Json::array();
  for (const auto& e : *entries) {
    list.push_back({{"id", e.id},
                    {"operator", e.operator_name},
                    {"action", e.action},
                    {"case_id", e.case_id ? Json(*e.case_id) : Json()},
                    {"detail", e.detail},
                    {"created_at", e.created_at}});
  }
  co_return Reply{json_reply(req, {{"entries", std::move(list)}})};
}

}  // namespace ponte::server::console
