// One turn: everything an inbound event changes, done inside one unit of the
// group-commit writer (so it is all committed, or none of it is):
// dedupe key, contact, transcript, engine step, session, cases, outbox.
// Runs on the writer thread; pure but for the Database it is given.
#pragma once

#include "bot/core/clock.hpp"
#include "bot/core/error.hpp"
#include "bot/core/message.hpp"
#include "bot/engine/flow_set.hpp"
#include "bot/engine/step.hpp"
#include "bot/server/config.hpp"
#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace ponte::server {

struct TurnOutcome {
  bool duplicate = false;  // the event was seen before: nothing was done
  ContactId contact_id = 0;
  std::vector<storage::OutboxRow> outbox;  // committed rows, ready to send
  std::vector<engine::Note> notes;
  std::optional<std::int64_t> case_id;  // a handoff opened (or joined) a case
  bool emergency_numbers = true;        // false: the flow already gave them
  std::int64_t queue_position = 0;
  std::size_t replies = 0;
  bool blocked = false;    // the person blocked the bot: queued sends are dropped
  bool erased = false;     // the person's data was erased: queued sends are dropped
  bool throttled = false;  // over the inbound limit: stored, no turn
  // Urgent words while an operator held the conversation: this open case
  // was made urgent (the bot said nothing).
  std::optional<std::int64_t> alerted_case;
};

struct TurnOptions {
  // A Telegram button acknowledgement is useless after Telegram's 150 s.
  std::chrono::seconds ack_lifetime{120};
  // WhatsApp's window templates (queue_outbound); null: none configured.
  const WhatsAppConfig* whatsapp = nullptr;
  // Over the person's inbound limit (InboundConfig): the message is stored
  // (dedupe key, contact, transcript) but the bot takes no turn and sends
  // nothing, not even a button acknowledgement or read receipt.
  bool throttled = false;
};

Result<void> run_turn(storage::Database& db, const engine::FlowSet& flows, const InboundEvent& ev,
                      TimePoint now, const TurnOptions& options, TurnOutcome& out);

// How a reply is cut into messages for a channel (Telegram's 4096 limit...).
std::vector<OutboundMessage> split_for(Channel channel, const OutboundMessage& msg);

}  // namespace ponte::server
