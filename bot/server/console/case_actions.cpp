// Changing a case: claim, release, transfer, resolve, hand back to the bot,
// move the phase, add a note or an action-plan task. Each change and its
// audit entry are one writer unit, so either both are stored or neither.
// Changes to a claimed case are for the operator holding it, or a
// supervisor; edits carry the case `version` the operator saw (409 when
// someone changed the case since).
#include "bot/engine/step.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/case_json.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/deliver.hpp"

#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace {

constexpr std::size_t kMaxOutcomeBytes = 200;

// Refuses a change to a case someone else holds (supervisors may).
Result<void> require_holder(storage::Database& db, const Caller& caller, std::int64_t case_id) {
  auto c = storage::get_console_case(db, case_id);
  if (!c) return c.error();
  if (!*c) return fail(Errc::not_found, "no case " + std::to_string(case_id));
  if ((*c)->row.status != storage::CaseStatus::claimed) {
    return fail(Errc::conflict, "claim case " + std::to_string(case_id) + " first");
  }
  if ((*c)->claimed_by != caller.op.id && !caller.can_supervise()) {
    return fail(Errc::conflict,
                "case " + std::to_string(case_id) + " is held by " + (*c)->claimed_by_name);
  }
  return {};
}

using CaseWork = std::function<Result<storage::ConsoleCase>(storage::Database&)>;

// Runs a case change with its audit entry and answers with the case.
net::awaitable<Reply> change_case(Services& svc, RequestContext& ctx, const Caller& caller,
                                  std::int64_t case_id, std::string action, std::string detail,
                                  CaseWork work) {
  const auto now = now_ms(svc);
  auto audit = audit_of(caller, "case." + action, case_id, std::move(detail), now);
  std::function<Result<storage::ConsoleCase>(storage::Database&)> work1 =
      [work = std::move(work), audit](storage::Database& db) -> Result<storage::ConsoleCase> {
    auto c = work(db);
    if (!c) return c.error();
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return c;
  };
  auto changed = co_await run_unit<storage::ConsoleCase>(svc, std::move(work1));
  if (!changed) co_return Reply{error_reply(ctx.request, changed.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(ctx.request, {{"case", case_json(*changed, now)}})};
}

// Resolve, optionally restarting the bot at `flow` (hand back): the flow's
// first messages go to the person through the one outbound path.
net::awaitable<Reply> finish_case(Services& svc, RequestContext& ctx, const Caller& caller,
                                  std::int64_t case_id, const Json& body, bool hand_back) {
  const auto& req = ctx.request;
  auto version = int_member(body, "version");
  auto outcome = string_member(body, "outcome", kMaxOutcomeBytes, !hand_back);
  auto flow = string_member(body, "flow", 100, hand_back);
  if (auto e = first_error(version, outcome, flow)) co_return Reply{error_reply(req, *e)};
  if (!hand_back && outcome->empty()) {
    co_return Reply{error_reply(req, fail(Errc::invalid, "an outcome is required"))};
  }
  const std::string final_outcome = outcome->empty() ? "handed_back" : *outcome;
  std::optional<storage::Contact> contact;
  {
    auto reader = svc.readers.acquire();
    if (!reader) co_return Reply{error_reply(req, reader.error())};
    auto c = storage::get_console_case(**reader, case_id);
    if (!c) co_return Reply{error_reply(req, c.error())};
    if (!*c)
      co_return Reply{
          error_reply(req, fail(Errc::not_found, "no case " + std::to_string(case_id)))};
    auto k = storage::get_contact(**reader, (*c)->row.contact_id);
    if (!k) co_return Reply{error_reply(req, k.error())};
    if (!*k) co_return Reply{error_reply(req, fail(Errc::not_found, "the contact is gone"))};
    contact = std::move(*k);
  }
  const auto now = now_ms(svc);
  auto flows = svc.flows.get();
  const storage::CaseChange change{case_id, *version, now};
  auto audit = audit_of(caller, hand_back ? "case.handback" : "case.resolve", case_id,
                        "outcome=" + final_outcome + (hand_back ? " flow=" + *flow : ""), now);
  auto resolved = std::make_shared<std::optional<storage::ConsoleCase>>();
  DeliverUnit unit = [=, c = *contact, flow = *flow](storage::Database& db,
                                                     Queued& queued) -> Result<void> {
    if (auto r = require_holder(db, caller, case_id); !r) return r;
    auto done = storage::resolve_case(db, change, final_outcome);
    if (!done) return done.error();
    *resolved = std::move(*done);
    if (auto r = storage::add_audit(db, audit); !r) return r;
    if (!hand_back) return {};
    auto session = storage::load_session(db, c.id);
    if (!session) return session.error();
    engine::ConversationState state;
    if (*session) {
      auto parsed = nlohmann::json::parse((*session)->state_json, nullptr, false);
      if (parsed.is_object()) {
        try {
          state = parsed.get<engine::ConversationState>();
        } catch (const nlohmann::json::exception&) {
          state = {};  // unreadable: the chosen flow starts from scratch
        }
      }
    }
    auto step = engine::step_into(*flows, std::move(state), flow);
    if (!step) return step.error();
    storage::Session saved{c.id, nlohmann::json(step->state).dump(), storage::SessionMode::bot,
                           now};
    if (auto r = storage::save_session(db, saved); !r) return r;
    for (const auto& reply : step->replies) {
      if (auto r = queue_outbound(db, c, reply, "reply", now, queued); !r) return r;
    }
    return {};
  };
  auto sent = co_await commit_and_dispatch(svc, *contact, std::move(unit));
  if (!sent) co_return Reply{error_reply(req, sent.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"case", case_json(**resolved, now)}})};
}

}  // namespace

net::awaitable<Reply> handle_case_action(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                         std::string action) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const Caller caller = *access.caller;
  if (action == "messages" || action == "canned") {
    co_return co_await handle_reply(svc, ctx, case_id, action == "canned");
  }
  if (action == "reminders") co_return co_await handle_add_reminder(svc, ctx, case_id);
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  const auto now = now_ms(svc);
  if (action == "claim") {
    CaseWork claim = [case_id, now, id = caller.op.id](storage::Database& db) {
      return storage::claim_case(db, {case_id, std::nullopt, now}, id);
    };
    std::string no_detail;
    co_return co_await change_case(svc, ctx, caller, case_id, std::move(action),
                                   std::move(no_detail), std::move(claim));
  }
  if (action == "resolve" || action == "handback") {
    co_return co_await finish_case(svc, ctx, caller, case_id, *body, action == "handback");
  }
  if (action == "notes") {
    auto text = string_member(*body, "body", storage::kMaxNoteBytes);
    if (!text) co_return Reply{error_reply(req, text.error())};
    auto audit = audit_of(caller, "case.note", case_id, "", now);
    std::function<Result<std::int64_t>(storage::Database&)> work2 =
        [=, text = *text](storage::Database& db) -> Result<std::int64_t> {
      auto note = storage::add_case_note(db, case_id, caller.op.id, text, now);
      if (!note) return note.error();
      if (auto r = storage::add_audit(db, audit); !r) return r.error();
      return note;
    };
    auto id = co_await run_unit<std::int64_t>(svc, std::move(work2));
    if (!id) co_return Reply{error_reply(req, id.error())};
    notify_consoles(svc);
    co_return Reply{json_reply(req, {{"id", *id}}, http::status::created)};
  }
  if (action == "tasks") {
    auto title = string_member(*body, "title", storage::kMaxTaskTitleBytes);
    auto owner = int_member(*body, "owner_id", false);
    auto due = int_member(*body, "due_at", false);
    if (auto e = first_error(title, owner, due)) co_return Reply{error_reply(req, *e)};
    storage::CaseTask task;
    task.case_id = case_id;
    task.title = *title;
    task.owner_id = *owner;
    task.due_at = *due;
    task.created_at = now;
    auto audit = audit_of(caller, "case.task_add", case_id, "", now);
    std::function<Result<std::int64_t>(storage::Database&)> work3 =
        [task, audit](storage::Database& db) -> Result<std::int64_t> {
      auto added = storage::add_case_task(db, task);
      if (!added) return added.error();
      if (auto r = storage::add_audit(db, audit); !r) return r.error();
      return added;
    };
    auto id = co_await run_unit<std::int64_t>(svc, std::move(work3));
    if (!id) co_return Reply{error_reply(req, id.error())};
    notify_consoles(svc);
    co_return Reply{json_reply(req, {{"id", *id}}, http::status::created)};
  }
  // The rest are edits of the case row and carry the version seen.
  auto version = int_member(*body, "version");
  if (!version) co_return Reply{error_reply(req, version.error())};
  const storage::CaseChange change{case_id, *version, now};
  CaseWork work;
  std::string detail;
  if (action == "release") {
    work = [=](storage::Database& db) -> Result<storage::ConsoleCase> {
      if (auto r = require_holder(db, caller, case_id); !r) return r.error();
      return storage::release_case(db, change);
    };
  } else if (action == "transfer") {
    auto to = int_member(*body, "operator_id");
    if (!to) co_return Reply{error_reply(req, to.error())};
    detail = "to=" + std::to_string(**to);
    work = [=, to = **to](storage::Database& db) -> Result<storage::ConsoleCase> {
      if (auto r = require_holder(db, caller, case_id); !r) return r.error();
      return storage::transfer_case(db, change, to);
    };
  } else if (action == "phase") {
    auto phase = string_member(*body, "phase", 20);
    if (!phase) co_return Reply{error_reply(req, phase.error())};
    detail = "phase=" + *phase;
    work = [=, phase = *phase](storage::Database& db) -> Result<storage::ConsoleCase> {
      if (auto r = require_holder(db, caller, case_id); !r) return r.error();
      return storage::set_case_phase(db, change, phase);
    };
  } else {
    co_return Reply{json_error(req, http::status::not_found, "no such case action")};
  }
  co_return co_await change_case(svc, ctx, caller, case_id, std::move(action), std::move(detail),
                                 std::move(work));
}

net::awaitable<Reply> handle_task_status(Services& svc, RequestContext& ctx, std::int64_t case_id,
                                         std::int64_t task_id) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto status = string_member(*body, "status", 20);
  if (!status) co_return Reply{error_reply(req, status.error())};
  const auto now = now_ms(svc);
  auto audit = audit_of(*access.caller, "case.task_status", case_id,
                        "task=" + std::to_string(task_id) + " status=" + *status, now);
  std::function<Result<bool>(storage::Database&)> work4 =
      [=, status = *status](storage::Database& db) -> Result<bool> {
    if (auto r = storage::set_case_task_status(db, case_id, task_id, status, now); !r) {
      return r.error();
    }
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return true;
  };
  auto done = co_await run_unit<bool>(svc, std::move(work4));
  if (!done) co_return Reply{error_reply(req, done.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"ok", true}})};
}

}  // namespace ponte::server::console
