#include "bot/server/deliver.hpp"

#include "bot/server/async_commit.hpp"
#include "bot/server/message_codec.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace ponte::server {

namespace net = boost::asio;

Result<void> queue_outbound(storage::Database& db, const storage::Contact& contact,
                            const OutboundMessage& msg, std::string_view kind, std::int64_t now_ms,
                            Queued& out) {
  const bool push = is_push(contact.channel);
  for (const auto& part : split_for(contact.channel, msg)) {
    storage::MessageRow row;
    row.contact_id = contact.id;
    row.direction = storage::Direction::out;
    row.kind = std::string(kind);
    row.body = encode_outbound(part);
    row.status = push ? storage::MessageStatus::queued : storage::MessageStatus::sent;
    row.created_at = now_ms;
    auto message_id = storage::add_message(db, row);
    if (!message_id) return message_id.error();
    out.message_ids.push_back(*message_id);
    if (!push) continue;
    storage::OutboxRow o;
    o.message_id = *message_id;
    o.contact_id = contact.id;
    o.channel = contact.channel;
    o.recipient = contact.chat_id;
    o.payload = row.body;
    o.next_attempt_at = now_ms;
    o.created_at = now_ms;
    auto id = storage::add_outbox(db, o);
    if (!id) return id.error();
    o.id = *id;
    out.outbox.push_back(std::move(o));
  }
  return {};
}

void dispatch(Services& svc, const storage::Contact& contact, const Queued& queued) {
  if (!queued.outbox.empty()) svc.sender.enqueue(queued.outbox);
  if (contact.channel == Channel::webchat && !queued.message_ids.empty()) {
    svc.hub.notify(contact.chat_id);
  }
}

net::awaitable<Result<Queued>> commit_and_dispatch(Services& svc, const storage::Contact& contact,
                                                   DeliverUnit unit) {
  auto queued = std::make_shared<Queued>();
  storage::Writer::Unit u = [queued, unit = std::move(unit)](storage::Database& db) {
    *queued = Queued{};  // a unit rolled back and retried starts clean
    return unit(db, *queued);
  };
  auto committed = co_await async_commit(svc.writer, std::move(u), net::use_awaitable);
  if (!committed) co_return committed.error();
  dispatch(svc, contact, *queued);
  co_return std::move(*queued);
}

}  // namespace ponte::server
