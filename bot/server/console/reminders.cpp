// Canned answers (read by case workers, written by supervisors) and
// reminders: a canned answer scheduled for a set time, sent to the person in
// their language by reminder_loop() through queue_outbound, like every
// other outbound message. A reminder the channel refuses (e.g. WhatsApp's
// 24-hour window closed) is marked failed with the reason, shown on the case.
#include "bot/core/log.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/deliver.hpp"

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>

namespace ponte::server::console {

namespace {

constexpr auto kReminderPoll = std::chrono::seconds(1);
constexpr int kReminderBatch = 50;

Json canned_json(const storage::CannedAnswer& a) {
  return {
      {"id", a.id}, {"key", a.key}, {"language", a.language}, {"title", a.title}, {"body", a.body}};
}

// Sends one due reminder; a refusal marks it failed with the reason.
net::awaitable<void> send_reminder(Services& svc, storage::Reminder reminder) {
  std::optional<storage::Contact> contact;
  std::string text;
  {
    auto reader = svc.readers.acquire();
    if (!reader) co_return;
    auto k = storage::get_contact(**reader, reminder.contact_id);
    if (!k || !*k) co_return;
    contact = std::move(*k);
    std::map<std::string, std::string> vars;
    auto parsed = Json::parse(reminder.vars_json, nullptr, false);
    if (parsed.is_object()) {
      for (const auto& [key, value] : parsed.items()) {
        if (value.is_string()) vars[key] = value.get<std::string>();
      }
    }
    auto filled = canned_text(**reader, *svc.flows.get(), reminder.canned_key, *contact,
                              reminder.case_id, std::move(vars));
    if (!filled) {
      text.clear();
    } else {
      text = std::move(*filled);
    }
  }
  const auto now = now_ms(svc);
  OutboundMessage msg;
  msg.text = text;
  msg.lang = contact->language.value_or("");
  const auto id = reminder.id;
  DeliverUnit unit = [=, c = *contact](storage::Database& db, Queued& queued) -> Result<void> {
    if (msg.text.empty()) return fail(Errc::invalid, "its canned answer no longer exists");
    auto still = storage::get_reminder(db, id);
    if (!still) return still.error();
    if (!*still || (*still)->state != "pending") return {};  // cancelled meanwhile
    if (auto r = queue_outbound(db, c, msg, "reminder", now, queued); !r) return r;
    return storage::finish_reminder(db, id, "sent", now, "");
  };
  auto sent = co_await commit_and_dispatch(svc, *contact, std::move(unit));
  if (!sent && sent.error().code != Errc::storage && sent.error().code != Errc::unavailable) {
    // Refused for good (a channel rule, a deleted answer): say so on the case.
    const auto why = sent.error().message;
    svc.writer.submit(
        [id, now, why](storage::Database& db) -> Result<void> {
          auto r = storage::finish_reminder(db, id, "failed", now, why);
          if (!r && r.error().code == Errc::conflict) return {};
          return r;
        },
        [](Result<void> r) {
          if (!r) log::error("reminder.mark_failed", {{"error", r.error().message}});
        });
    log::warn("reminder.refused", {{"reminder", id}, {"reason", why}});
  } else if (!sent) {
    log::warn("reminder.retry", {{"reminder", id}, {"error", sent.error().message}});
  } else {
    log::info("reminder.sent", {{"reminder", id}, {"case", reminder.case_id}});
  }
  notify_consoles(svc);
}

}  // namespace

net::awaitable<void> reminder_loop(Services& svc) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer timer(ex);
  while (!svc.stopping) {
    std::vector<storage::Reminder> due;
    if (auto reader = svc.readers.acquire(); reader) {
      auto rows = storage::due_reminders(**reader, now_ms(svc), kReminderBatch);
      if (rows)
        due = std::move(*rows);
      else
        log::error("reminder.read_failed", {{"error", rows.error().message}});
    }
    for (auto& r : due) {
      if (svc.stopping) break;
      co_await send_reminder(svc, std::move(r));
    }
    timer.expires_after(kReminderPoll);
    co_await timer.async_wait(use_nothrow);
  }
}

net::awaitable<Reply> handle_canned(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  const bool write = req.method() == http::verb::post;
  auto access = authorize(svc, ctx, write ? kSupervisors : kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  if (!write) {
    auto reader = svc.readers.acquire();
    if (!reader) co_return Reply{error_reply(req, reader.error())};
    auto all = storage::list_canned_answers(**reader);
    if (!all) co_return Reply{error_reply(req, all.error())};
    Json list = Json::array();
    for (const auto& a : *all) list.push_back(canned_json(a));
    co_return Reply{json_reply(req, {{"answers", std::move(list)}})};
  }
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto key = string_member(*body, "key", 64);
  auto language = string_member(*body, "language", 16);
  auto title = string_member(*body, "title", 200);
  auto text = string_member(*body, "body", 4000);
  if (auto e = first_error(key, language, title, text)) co_return Reply{error_reply(req, *e)};
  const auto now = now_ms(svc);
  storage::CannedAnswer answer{0, *key, *language, *title, *text, now};
  auto audit = audit_of(*access.caller, "canned.put", std::nullopt,
                        "key=" + *key + " language=" + *language, now);
  std::function<Result<std::int64_t>(storage::Database&)> work =
      [answer, audit](storage::Database& db) -> Result<std::int64_t> {
    auto id = storage::put_canned_answer(db, answer);
    if (!id) return id.error();
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return id;
  };
  auto id = co_await run_unit<std::int64_t>(svc, std::move(work));
  if (!id) co_return Reply{error_reply(req, id.error())};
  co_return Reply{json_reply(req, {{"id", *id}}, http::status::created)};
}

net::awaitable<Reply> handle_add_reminder(Services& svc, RequestContext& ctx,
                                          std::int64_t case_id) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  auto body = json_body(req);
  if (!body) co_return Reply{error_reply(req, body.error())};
  auto key = string_member(*body, "key", 64);
  auto due = int_member(*body, "due_at");
  auto task = int_member(*body, "task_id", false);
  if (auto e = first_error(key, due, task)) co_return Reply{error_reply(req, *e)};
  Json vars = Json::object();
  if (auto v = body->find("vars"); v != body->end() && !v->is_null()) {
    if (!v->is_object() || v->dump().size() > 2000) {
      co_return Reply{error_reply(req, fail(Errc::parse, "\"vars\" must be a small object"))};
    }
    vars = *v;
  }
  const auto now = now_ms(svc);
  storage::Reminder r;
  r.case_id = case_id;
  r.task_id = *task;
  r.canned_key = *key;
  r.vars_json = vars.dump();
  r.due_at = **due;
  r.created_by = access.caller->op.id;
  r.created_at = now;
  auto audit = audit_of(*access.caller, "case.reminder_add", case_id, "key=" + *key, now);
  std::function<Result<std::int64_t>(storage::Database&)> work =
      [r, audit](storage::Database& db) -> Result<std::int64_t> {
    auto id = storage::add_reminder(db, r);
    if (!id) return id.error();
    if (auto done = storage::add_audit(db, audit); !done) return done.error();
    return id;
  };
  auto id = co_await run_unit<std::int64_t>(svc, std::move(work));
  if (!id) co_return Reply{error_reply(req, id.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"id", *id}}, http::status::created)};
}

net::awaitable<Reply> handle_cancel_reminder(Services& svc, RequestContext& ctx,
                                             std::int64_t case_id, std::int64_t reminder_id) {
  const auto& req = ctx.request;
  auto access = authorize(svc, ctx, kCaseWorkers);
  if (!access.caller) co_return Reply{std::move(access.refusal)};
  const auto now = now_ms(svc);
  auto audit = audit_of(*access.caller, "case.reminder_cancel", case_id,
                        "reminder=" + std::to_string(reminder_id), now);
  std::function<Result<bool>(storage::Database&)> work =
      [=](storage::Database& db) -> Result<bool> {
    auto found = storage::get_reminder(db, reminder_id);
    if (!found) return found.error();
    if (!*found || (*found)->case_id != case_id) {
      return fail(Errc::not_found, "no reminder " + std::to_string(reminder_id) + " in this case");
    }
    if (auto r = storage::finish_reminder(db, reminder_id, "cancelled", now, ""); !r) {
      return r.error();
    }
    if (auto r = storage::add_audit(db, audit); !r) return r.error();
    return true;
  };
  auto done = co_await run_unit<bool>(svc, std::move(work));
  if (!done) co_return Reply{error_reply(req, done.error())};
  notify_consoles(svc);
  co_return Reply{json_reply(req, {{"ok", true}})};
}

}  // namespace ponte::server::console
