// What request handlers share. Owned by serve() (serve.cpp), which destroys
// them only after the io_context threads have joined.
#pragma once

#include "bot/core/clock.hpp"
#include "bot/server/config.hpp"
#include "bot/server/flows_holder.hpp"
#include "bot/server/http_client.hpp"
#include "bot/server/outbox_sender.hpp"
#include "bot/server/rate_limiter.hpp"
#include "bot/server/turn.hpp"
#include "bot/server/webchat_hub.hpp"
#include "storage/writer.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>

namespace ponte::server {

struct Services {
  const Config& config;
  FlowsHolder& flows;
  storage::Writer& writer;
  storage::ReaderPool& readers;
  OutboxSender& sender;
  WebchatHub& hub;
  const Clock& clock;
  std::atomic<bool>& stopping;
  HttpClient& http;      // platform APIs (fetching files for operators)
  RateLimiter& inbound;  // per-person inbound limit (InboundConfig); global part unused
};

// The inbound limiter for `config`: a token bucket per contact.
RateLimiter::Limits inbound_limits(const InboundConfig& config);

// Commits the turn for `event` (webhooks answer 2xx only after this
// returns a value), then hands new outbox rows to the sender and wakes the
// person's web chat streams. Errors: Errc::storage / unavailable (answer 503).
boost::asio::awaitable<Result<TurnOutcome>> process_event(Services& svc, InboundEvent event);

}  // namespace ponte::server
