#include "bot/core/log.hpp"
#include "bot/server/async_commit.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/services.hpp"

#include <boost/asio.hpp>

namespace ponte::server {

namespace net = boost::asio;

RateLimiter::Limits inbound_limits(const InboundConfig& config) {
  RateLimiter::Limits limits;
  // Only the per-person buckets matter: the global one never runs dry.
  limits.global_per_s = 1e12;
  limits.global_burst = 1e12;
  limits.recipient_per_s = config.contact_per_min / 60.0;
  limits.recipient_burst = config.contact_burst;
  return limits;
}

net::awaitable<Result<TurnOutcome>> process_event(Services& svc, InboundEvent event) {
  auto flows = svc.flows.get();
  auto outcome = std::make_shared<TurnOutcome>();
  TurnOptions options;
  options.whatsapp = &svc.config.whatsapp;
  if (event.kind != EventKind::blocked && event.kind != EventKind::unblocked) {
    const auto key = std::string(to_string(event.channel)) + ":" + event.chat;
    options.throttled = svc.inbound.acquire(key, std::chrono::steady_clock::now()).count() > 0;
  }
  auto ev = std::make_shared<const InboundEvent>(std::move(event));
  const auto now = svc.clock.now();
  storage::Writer::Unit unit = [flows, ev, outcome, now, options](storage::Database& db) {
    *outcome = TurnOutcome{};  // a unit rolled back and retried starts clean
    return run_turn(db, *flows, *ev, now, options, *outcome);
  };
  auto committed = co_await async_commit(svc.writer, std::move(unit), net::use_awaitable);
  if (!committed) co_return committed.error();
  if (outcome->throttled) {
    log::warn("webhook.throttled", {{"chan", to_string(ev->channel)},
                                    {"contact", outcome->contact_id},
                                    {"event", ev->external_id}});
  }
  if (!outcome->duplicate) {
    for (const auto& note : outcome->notes) {
      log::warn("engine.note",
                {{"code", note.code}, {"contact", outcome->contact_id}, {"message", note.message}});
    }
    if (outcome->alerted_case) {
      log::warn("case.alert", {{"case", *outcome->alerted_case},
                               {"contact", outcome->contact_id},
                               {"event", ev->external_id}});
    }
    if (outcome->case_id) {
      log::info("case.queued", {{"case", *outcome->case_id},
                                {"contact", outcome->contact_id},
                                {"position", outcome->queue_position}});
    }
    if (outcome->blocked || outcome->erased) svc.sender.drop_queued(ev->channel, ev->chat);
    if (!outcome->outbox.empty()) svc.sender.enqueue(outcome->outbox);
    if (ev->channel == Channel::webchat) svc.hub.notify(ev->chat);
    console::notify_consoles(svc);  // the operators' live feed
  }
  if (!outcome->duplicate && outcome->case_id) {
    // Urgent numbers and office hours: after this turn's replies, off the webhook's path.
    auto ex = co_await net::this_coro::executor;
    net::co_spawn(ex,
                  console::after_handoff(svc, outcome->contact_id, *outcome->case_id,
                                         outcome->emergency_numbers),
                  log::IfThrown{"handoff.notice_crashed"});
  }
  co_return std::move(*outcome);
}

}  // namespace ponte::server
