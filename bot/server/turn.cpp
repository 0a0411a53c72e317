#include "bot/server/turn.hpp"

#include "bot/channels/telegram/telegram.hpp"
#include "bot/server/deliver.hpp"
#include "bot/server/message_codec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace ponte::server {
namespace {

engine::ConversationState load_state(const std::optional<storage::Session>& session,
                                     std::vector<engine::Note>& notes) {
  engine::ConversationState state;
  if (!session) return state;
  try {
    state = nlohmann::json::parse(session->state_json).get<engine::ConversationState>();
  } catch (const nlohmann::json::exception& e) {
    // A state we cannot read must not block the person: start over, say why.
    notes.push_back({"bad_state", std::string("stored state unreadable, restarted: ") + e.what()});
    state = {};
  }
  return state;
}

// Opens (or joins) the case of each handoff and puts its confirmation, which
// needs the queue position, where the engine said.
Result<void> apply_handoffs(storage::Database& db, const engine::FlowSet& flows,
                            const InboundEvent& ev, ContactId contact, std::int64_t now_ms,
                            engine::StepResult& step, TurnOutcome& out) {
  std::vector<const engine::Handoff*> handoffs;
  for (const auto& effect : step.effects) {
    if (auto* h = std::get_if<engine::Handoff>(&effect)) handoffs.push_back(h);
  }
  // Insert from the back so earlier indices stay valid.
  std::sort(handoffs.begin(), handoffs.end(),
            [](auto* a, auto* b) { return a->reply_index > b->reply_index; });
  for (const auto* h : handoffs) {
    storage::NewCase c{contact,    static_cast<int>(h->priority),
                       h->topic,   h->reason,
                       h->summary, h->lang,
                       ev.channel, now_ms};
    auto opened = storage::open_case(db, c);
    if (!opened) return opened.error();
    auto position = storage::queue_position(db, opened->id);
    if (!position) return position.error();
    out.case_id = opened->id;
    out.emergency_numbers = h->emergency_numbers;
    out.queue_position = *position;
    if (h->text_key.empty()) continue;
    OutboundMessage confirm;
    confirm.text = engine::render(flows, h->lang, h->text_key, {{"position", *position}});
    confirm.lang = h->lang;
    if (const auto* info = engine::language_info(flows, h->lang)) confirm.rtl = info->rtl;
    const auto at = std::min(h->reply_index, step.replies.size());
    step.replies.insert(step.replies.begin() + static_cast<std::ptrdiff_t>(at), std::move(confirm));
  }
  return {};
}

// Follow-ups a flow scheduled, kept until due (follow_ups.cpp sends them).
Result<void> apply_follow_ups(storage::Database& db, ContactId contact, std::int64_t now_ms,
                              const engine::StepResult& step) {
  for (const auto& effect : step.effects) {
    const auto* f = std::get_if<engine::FollowUp>(&effect);
    if (f == nullptr) continue;
    storage::FollowUpRow row;
    row.contact_id = contact;
    row.due_at = to_unix_ms(f->due);
    row.text_key = f->text_key;
    row.flow = f->flow;
    row.node = f->node;
    row.created_at = now_ms;
    if (auto id = storage::add_follow_up(db, row); !id) return id.error();
  }
  return {};
}

bool erases(const engine::StepResult& step) {
  for (const auto& effect : step.effects) {
    if (std::holds_alternative<engine::Erase>(effect)) return true;
  }
  return false;
}

Result<void> queue_ack(storage::Database& db, const InboundEvent& ev, ContactId contact,
                       std::int64_t now_ms, const TurnOptions& options, TurnOutcome& out) {
  OutboundMessage ack;
  ack.ack_callback_id = ev.callback_id;
  storage::OutboxRow o;
  o.contact_id = contact;
  o.channel = ev.channel;
  o.recipient = ev.chat;
  o.payload = encode_outbound(ack);
  o.next_attempt_at = now_ms;
  o.created_at = now_ms;
  o.expires_at =
      now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(options.ack_lifetime).count();
  auto id = storage::add_outbox(db, o);
  if (!id) return id.error();
  o.id = *id;
  out.outbox.push_back(std::move(o));
  return {};
}

// Blocking the bot stops every send to the person until they unblock it;
// both are kept in the transcript so an operator sees why nothing arrives.
Result<void> apply_reachability(storage::Database& db, const InboundEvent& ev, ContactId contact,
                                std::int64_t now_ms, TurnOutcome& out) {
  const bool blocked = ev.kind == EventKind::blocked;
  if (auto r = storage::set_contact_unreachable(db, contact, blocked); !r) return r;
  if (blocked) {
    auto stopped = storage::kill_pending_outbox(db, contact, "the person blocked the bot");
    if (!stopped) return stopped.error();
    out.blocked = true;
  }
  storage::MessageRow row;
  row.contact_id = contact;
  row.direction = storage::Direction::in;
  row.kind = std::string(to_string(ev.kind));
  row.body = encode_inbound(ev, "");
  row.status = storage::MessageStatus::received;
  row.created_at = now_ms;
  if (auto r = storage::add_message(db, row); !r) return r.error();
  return {};
}

}  // namespace

std::vector<OutboundMessage> split_for(Channel channel, const OutboundMessage& msg) {
  switch (channel) {
    case Channel::telegram: return channels::telegram::split(msg);
    case Channel::whatsapp:
    case Channel::webchat: break;
  }
  return {msg};
}

Result<void> run_turn(storage::Database& db, const engine::FlowSet& flows, const InboundEvent& ev,
                      TimePoint now, const TurnOptions& options, TurnOutcome& out) {
  const auto now_ms = to_unix_ms(now);
  auto fresh = storage::remember_inbound(db, ev.channel, ev.external_id, now_ms);
  if (!fresh) return fresh.error();
  if (!*fresh) {
    out.duplicate = true;
    return {};
  }
  // WhatsApp's window runs from when the person wrote, not from when a
  // (possibly days late) webhook retry arrived.
  const auto inbound_at = ev.channel == Channel::whatsapp && ev.at != TimePoint{}
                              ? std::min(now_ms, to_unix_ms(ev.at))
                              : now_ms;
  auto contact =
      storage::upsert_contact(db, ev.channel, ev.user, ev.chat, ev.display_name, inbound_at);
  if (!contact) return contact.error();
  out.contact_id = contact->id;
  if (ev.kind == EventKind::blocked || ev.kind == EventKind::unblocked) {
    return apply_reachability(db, ev, contact->id, now_ms, out);
  }
  if (contact->unreachable) {
    // They wrote again, so they can be reached again (e.g. unblocked the bot).
    if (auto r = storage::set_contact_unreachable(db, contact->id, false); !r) return r.error();
  }
  if (!ev.callback_id.empty() && !options.throttled) {
    if (auto r = queue_ack(db, ev, contact->id, now_ms, options, out); !r) return r.error();
  }

  storage::MessageRow in;
  in.contact_id = contact->id;
  in.direction = storage::Direction::in;
  in.kind = std::string(to_string(ev.kind));
  in.body = encode_inbound(ev, engine::choice_label(flows, ev.choice_token, ev.choice_id,
                                                    contact->language.value_or("")));
  in.status = storage::MessageStatus::received;
  in.created_at = now_ms;
  if (auto r = storage::add_message(db, in); !r) return r.error();
  if (options.throttled) {
    out.throttled = true;
    return {};
  }

  auto session = storage::load_session(db, contact->id);
  if (!session) return session.error();
  if (*session && (*session)->mode == storage::SessionMode::human) {
    // An operator has the conversation: the bot stays quiet. Urgent words
    // still make the case urgent, so the console puts it first even when
    // its operator has stepped away.
    if (engine::alert_flow(flows, ev, contact->language.value_or(""))) {
      auto raised = storage::raise_open_case(db, contact->id,
                                             static_cast<int>(engine::Priority::urgent), now_ms);
      if (!raised) return raised.error();
      if (*raised) out.alerted_case = (*raised)->id;
    }
    return {};
  }
  auto state = load_state(*session, out.notes);
  auto step = engine::step(flows, std::move(state), ev, now);
  out.notes.insert(out.notes.end(), step.notes.begin(), step.notes.end());
  if (auto r = apply_handoffs(db, flows, ev, contact->id, now_ms, step, out); !r) return r;

  if (auto r = apply_follow_ups(db, contact->id, now_ms, step); !r) return r;

  if (erases(step)) {
    // Everything about the person goes, this message included; the
    // confirmation below is the only thing left in their transcript.
    if (auto r = storage::erase_contact_data(db, contact->id, now_ms); !r) return r;
    out.erased = true;
    out.case_id.reset();
  } else {
    const auto language = step.state.language();
    if (!language.empty() && contact->language.value_or("") != language) {
      if (auto r = storage::set_contact_language(db, contact->id, language); !r) return r;
    }
    storage::Session saved{contact->id, nlohmann::json(step.state).dump(),
                           storage::SessionMode::bot, now_ms};
    if (auto r = storage::save_session(db, saved); !r) return r;
  }

  Queued queued;
  queued.whatsapp = options.whatsapp;
  for (const auto& reply : step.replies) {
    auto r = queue_outbound(db, *contact, reply, "reply", now_ms, queued);
    if (!r && r.error().code == Errc::window_closed) {
      // The person's message is still stored and acknowledged (a 5xx would
      // only make Meta retry it for a week); the refused reply is kept as
      // failed, with the reason, for the operator.
      if (auto kept = keep_refused(db, *contact, reply, "reply", now_ms, r.error().message);
          !kept) {
        return kept;
      }
      continue;
    }
    if (!r) return r;
  }
  out.replies = queued.message_ids.size();
  std::move(queued.outbox.begin(), queued.outbox.end(), std::back_inserter(out.outbox));
  return {};
}

}  // namespace ponte::server
