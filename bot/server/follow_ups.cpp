#include "bot/server/follow_ups.hpp"

#include "bot/core/log.hpp"
#include "bot/engine/state.hpp"
#include "bot/server/async_commit.hpp"
#include "bot/server/deliver.hpp"
#include "bot/server/net.hpp"
#include "bot/server/services.hpp"

#include <nlohmann/json.hpp>

#include <iterator>

namespace ponte::server {
namespace {

constexpr auto kPollEvery = std::chrono::seconds(5);
constexpr int kBatch = 200;

// The person's language and whether they paused messages, from the stored
// conversation state; an unreadable state counts as not paused.
struct Person {
  std::string language;
  bool paused = false;
};

Result<Person> person(storage::Database& db, const storage::Contact& contact) {
  Person p;
  p.language = contact.language.value_or("");
  auto session = storage::load_session(db, contact.id);
  if (!session) return session.error();
  if (!*session) return p;
  const auto j = nlohmann::json::parse((*session)->state_json, nullptr, false);
  if (j.is_discarded()) return p;
  engine::ConversationState state;
  try {
    state = j.get<engine::ConversationState>();
  } catch (const nlohmann::json::exception&) {
    return p;
  }
  p.paused = state.paused();
  if (!state.language().empty()) p.language = state.language();
  return p;
}

Result<void> send_one(storage::Database& db, const engine::FlowSet& flows,
                      const storage::FollowUpRow& row, std::int64_t now_ms,
                      const WhatsAppConfig* whatsapp, FollowUpOutcome& out) {
  auto contact = storage::get_contact(db, row.contact_id);
  if (!contact) return contact.error();
  auto skip = [&](std::string_view why) -> Result<void> {
    log::info("follow_up.skipped", {{"id", row.id}, {"contact", row.contact_id}, {"why", why}});
    ++out.skipped;
    return storage::finish_follow_up(db, row.id, storage::FollowUpState::skipped, now_ms);
  };
  if (!*contact) return skip("no contact");
  if ((*contact)->unreachable) return skip("unreachable");
  auto who = person(db, **contact);
  if (!who) return who.error();
  if (who->paused) return skip("paused");
  const std::string lang = who->language.empty() ? engine::default_language(flows) : who->language;
  OutboundMessage message;
  message.text = engine::render(flows, lang, row.text_key);
  if (message.text.empty()) return skip("no text " + row.text_key);
  message.lang = lang;
  if (const auto* info = engine::language_info(flows, lang)) message.rtl = info->rtl;
  Queued queued;
  queued.whatsapp = whatsapp;
  if (auto r = queue_outbound(db, **contact, message, "follow_up", now_ms, queued); !r) {
    if (r.error().code != Errc::window_closed) return r;
    // WhatsApp's window is closed and no template fits: the follow-up is
    // not sent, and the transcript says so (failing the unit would block
    // every other due follow-up).
    if (auto kept = keep_refused(db, **contact, message, "follow_up", now_ms, r.error().message);
        !kept) {
      return kept;
    }
    return skip("whatsapp window closed");
  }
  std::move(queued.outbox.begin(), queued.outbox.end(), std::back_inserter(out.outbox));
  if ((*contact)->channel == Channel::webchat) out.webchat_chats.push_back((*contact)->chat_id);
  ++out.sent;
  return storage::finish_follow_up(db, row.id, storage::FollowUpState::sent, now_ms);
}

}  // namespace

Result<void> send_due_follow_ups(storage::Database& db, const engine::FlowSet& flows, TimePoint now,
                                 int limit, FollowUpOutcome& out, const WhatsAppConfig* whatsapp) {
  const auto now_ms = to_unix_ms(now);
  auto due = storage::due_follow_ups(db, now_ms, limit);
  if (!due) return due.error();
  for (const auto& row : *due) {
    if (auto r = send_one(db, flows, row, now_ms, whatsapp, out); !r) return r;
  }
  return {};
}

net::awaitable<void> follow_up_loop(Services& svc) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer timer(ex);
  while (!svc.stopping) {
    auto flows = svc.flows.get();
    auto outcome = std::make_shared<FollowUpOutcome>();
    const auto now = svc.clock.now();
    const WhatsAppConfig* whatsapp = &svc.config.whatsapp;
    storage::Writer::Unit unit = [flows, outcome, now, whatsapp](storage::Database& db) {
      *outcome = FollowUpOutcome{};  // a unit rolled back and retried starts clean
      return send_due_follow_ups(db, *flows, now, kBatch, *outcome, whatsapp);
    };
    auto committed = co_await async_commit(svc.writer, std::move(unit), net::use_awaitable);
    if (!committed) {
      log::error("follow_up.failed", {{"error", committed.error().message}});
    } else {
      if (!outcome->outbox.empty()) svc.sender.enqueue(outcome->outbox);
      for (const auto& chat : outcome->webchat_chats) svc.hub.notify(chat);
      if (outcome->sent + outcome->skipped > 0) {
        log::info("follow_up.done", {{"sent", outcome->sent}, {"skipped", outcome->skipped}});
      }
    }
    // A full batch means more are due: go on at once.
    if (outcome->sent + outcome->skipped >= static_cast<std::size_t>(kBatch)) continue;
    timer.expires_after(kPollEvery);
    co_await timer.async_wait(use_nothrow);
  }
}

}  // namespace ponte::server
