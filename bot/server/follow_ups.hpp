// Follow-ups: messages a flow scheduled (engine FollowUp effects, stored by
// the turn) go out when due, through the same transcript + outbox path as a
// reply, in the person's language of that moment. A follow-up is skipped,
// never sent late by surprise, when the person paused messages ("stop"),
// cannot be reached (blocked the bot), or its text no longer exists after a
// reload. Erasure deletes pending follow-ups with the rest.
#pragma once

#include "bot/server/config.hpp"

#include "bot/core/clock.hpp"
#include "bot/core/error.hpp"
#include "bot/engine/flow_set.hpp"
#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace ponte::server {

struct Services;

struct FollowUpOutcome {
  std::vector<storage::OutboxRow> outbox;  // committed rows, ready to send
  std::vector<std::string> webchat_chats;  // web chat clients to wake
  std::size_t sent = 0;
  std::size_t skipped = 0;
};

// One writer unit: sends (or skips) up to `limit` follow-ups due at `now`.
Result<void> send_due_follow_ups(storage::Database& db, const engine::FlowSet& flows, TimePoint now,
                                 int limit, FollowUpOutcome& out,
                                 const WhatsAppConfig* whatsapp = nullptr);

// Every few seconds until the server stops: commits due follow-ups and hands
// their outbox rows to the sender.
boost::asio::awaitable<void> follow_up_loop(Services& svc);

}  // namespace ponte::server
