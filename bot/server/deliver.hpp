// Sending to a person: the one path every outbound message takes, whether the
// bot answers a turn, an operator replies from the console, or a scheduled
// follow-up or reminder falls due. It writes the transcript row and, for push
// channels, the outbox rows (split for the channel's limits); the web chat
// page reads the transcript itself. Channel rules that can refuse a send
// (WhatsApp's 24-hour window) belong here, so no caller can bypass them.
#pragma once

#include "bot/core/error.hpp"
#include "bot/core/message.hpp"
#include "bot/server/services.hpp"
#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace ponte::server {

// What queue_outbound produced inside a writer unit.
struct Queued {
  std::vector<std::int64_t> message_ids;   // transcript rows, in order
  std::vector<storage::OutboxRow> outbox;  // committed rows, ready to send
};

// Inside a writer unit: queues `msg` for `contact`. `kind` is the transcript
// kind: "reply" (the bot), "operator", "follow_up", "reminder".
Result<void> queue_outbound(storage::Database& db, const storage::Contact& contact,
                            const OutboundMessage& msg, std::string_view kind, std::int64_t now_ms,
                            Queued& out);

// After the unit that produced `queued` committed: hands the outbox rows to
// the sender and wakes the person's web chat streams.
void dispatch(Services& svc, const storage::Contact& contact, const Queued& queued);

// Runs `unit` (which may call queue_outbound into the Queued it is given) as
// one writer unit, then dispatches what it queued for `contact`. The unit
// runs on the writer thread and may be retried: it must start from scratch.
using DeliverUnit = std::function<Result<void>(storage::Database&, Queued&)>;
boost::asio::awaitable<Result<Queued>> commit_and_dispatch(Services& svc,
                                                           const storage::Contact& contact,
                                                           DeliverUnit unit);

}  // namespace ponte::server
