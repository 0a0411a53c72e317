#include "bot/server/outbox_sender.hpp"
#include "bot/server/net.hpp"

#include "bot/channels/telegram/telegram.hpp"
#include "bot/core/log.hpp"
#include "bot/server/message_codec.hpp"

#include <boost/asio.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace ponte::server {

using channels::Delivery;

namespace {

double random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string queue_key(const storage::OutboxRow& row) {
  return std::string(to_string(row.channel)) + ":" + row.recipient;
}
}  // namespace

OutboxSender::OutboxSender(net::any_io_executor executor, storage::Writer& writer, HttpClient& http,
                           const Config& config, const Clock& clock)
    : executor_(std::move(executor)), writer_(writer), http_(http), config_(config), clock_(clock) {
  if (config_.telegram.enabled()) {
    if (auto url = parse_url(config_.telegram.api_base)) telegram_url_ = *url;
  }
}

std::chrono::milliseconds OutboxSender::backoff(int attempt, std::chrono::milliseconds base,
                                                std::chrono::milliseconds cap, double r) {
  const double exp = std::ldexp(static_cast<double>(base.count()), std::clamp(attempt - 1, 0, 30));
  const double capped = std::min(exp, static_cast<double>(cap.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped / 2 + capped / 2 * r));
}

void OutboxSender::enqueue(std::vector<storage::OutboxRow> rows) {
  std::vector<std::string> start;
  {
    std::lock_guard lock(mutex_);
    for (auto& row : rows) {
      auto key = queue_key(row);
      auto [it, inserted] = queues_.try_emplace(key);
      it->second.rows.push_back(std::move(row));
      if (inserted) start.push_back(std::move(key));
    }
  }
  for (auto& key : start) spawn_queue(std::move(key));
}

void OutboxSender::spawn_queue(std::string key) {
  // A queue whose coroutine threw would stay registered with nobody serving
  // it, and its recipient would get nothing more: log the bug and restart it.
  net::co_spawn(net::make_strand(executor_), run_queue(key), [this, key](std::exception_ptr e) {
    if (!e) return;
    log::exception("outbox.crashed", e, key);
    if (!stopping_) spawn_queue(key);
  });
}

void OutboxSender::drop_queued(Channel channel, const std::string& recipient) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(std::string(to_string(channel)) + ":" + recipient);
  if (it == queues_.end()) return;
  // A row in flight finishes (its pop finds nothing); one waiting to retry
  // is not sent again: the loop finds the queue empty when it wakes.
  it->second.rows.clear();
  if (auto t = it->second.timer) {
    net::post(t->get_executor(), [t] { t->cancel(); });  // a retry wait ends now
  }
}

std::size_t OutboxSender::queued() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, q] : queues_) n += q.rows.size();
  return n;
}

void OutboxSender::stop() {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  for (auto& [key, q] : queues_) {
    if (auto t = q.timer) net::post(t->get_executor(), [t] { t->cancel(); });
  }
}

std::optional<storage::OutboxRow> OutboxSender::front(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(key);
  if (it == queues_.end()) return std::nullopt;
  if (it->second.rows.empty()) {
    queues_.erase(it);  // the queue's coroutine ends; enqueue() starts a new one
    return std::nullopt;
  }
  return it->second.rows.front();
}

void OutboxSender::pop(const std::string& key, std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto it = queues_.find(key);
  if (it != queues_.end() && !it->second.rows.empty() && it->second.rows.front().id == id) {
    it->second.rows.pop_front();
  }
}

net::awaitable<Delivery> OutboxSender::deliver(const storage::OutboxRow& row) {
  auto msg = decode_outbound(row.payload);
  if (!msg) co_return Delivery{Delivery::Kind::permanent, {}, {}, msg.error().message};
  if (row.channel != Channel::telegram || !telegram_url_) {
    co_return Delivery{Delivery::Kind::retry,
                       {},
                       {},
                       std::string(to_string(row.channel)) + " channel is not configured"};
  }
  const auto call = channels::telegram::render(*msg, row.recipient);
  auto res =
      co_await http_.post(*telegram_url_, "/bot" + config_.telegram.token + "/" + call.method,
                          call.body, "application/json");
  if (!res) co_return Delivery{Delivery::Kind::retry, {}, {}, res.error().message};
  co_return channels::telegram::classify(res->status, res->body);
}

void OutboxSender::record(const storage::OutboxRow& row, const Delivery& d, int attempts,
                          std::int64_t next_at) {
  const auto now_ms = to_unix_ms(clock_.now());
  storage::Writer::Unit unit;
  switch (d.kind) {
    case Delivery::Kind::sent:
      unit = [id = row.id, now_ms, ext = d.external_id](storage::Database& db) {
        return storage::mark_outbox_sent(db, id, now_ms,
                                         ext.empty() ? std::nullopt : std::optional(ext));
      };
      break;
    case Delivery::Kind::permanent:
      unit = [id = row.id, contact = row.contact_id, attempts, reason = d.reason,
              gone = d.recipient_gone](storage::Database& db) -> Result<void> {
        if (auto r = storage::mark_outbox_dead(db, id, attempts, reason); !r) return r;
        if (gone) return storage::set_contact_unreachable(db, contact, true);
        return {};
      };
      break;
    case Delivery::Kind::retry:
      unit = [id = row.id, attempts, next_at, reason = d.reason](storage::Database& db) {
        return storage::mark_outbox_retry(db, id, attempts, next_at, reason);
      };
      break;
  }
  writer_.submit(std::move(unit), [id = row.id](Result<void> r) {
    // Not recorded: the row stays pending and is sent again after a restart.
    if (!r) log::error("outbox.record_failed", {{"outbox", id}, {"error", r.error().message}});
  });
}

net::awaitable<void> OutboxSender::run_queue(std::string key) {
  const auto give_up = std::chrono::seconds(config_.outbox.give_up_after_s);
  while (!stopping_) {
    auto row = front(key);
    if (!row) co_return;
    const auto now = clock_.now();
    if (row->expires_at && to_unix_ms(now) > *row->expires_at) {
      record(*row, {Delivery::Kind::permanent, {}, {}, "expired before it could be sent"},
             row->attempts, 0);
      pop(key, row->id);
      continue;
    }
    auto d = co_await deliver(*row);
    const int attempts = row->attempts + 1;
    if (d.kind == Delivery::Kind::retry && now - from_unix_ms(row->created_at) > give_up) {
      d = {Delivery::Kind::permanent, {}, {}, "gave up after retrying: " + d.reason};
    }
    if (d.kind != Delivery::Kind::retry) {
      if (d.kind == Delivery::Kind::permanent) {
        log::warn("outbox.dead", {{"outbox", row->id}, {"queue", key}, {"reason", d.reason}});
      }
      record(*row, d, attempts, 0);
      pop(key, row->id);
      continue;
    }
    const auto delay =
        d.retry_after.count() > 0
            ? std::chrono::duration_cast<std::chrono::milliseconds>(d.retry_after) +
                  std::chrono::milliseconds(static_cast<int>(250 * random01()))
            : backoff(attempts, std::chrono::milliseconds(config_.outbox.retry_base_ms),
                      std::chrono::milliseconds(config_.outbox.retry_max_ms), random01());
    log::warn("outbox.retry", {{"outbox", row->id},
                               {"queue", key},
                               {"attempt", attempts},
                               {"delay_ms", delay.count()},
                               {"reason", d.reason}});
    record(*row, d, attempts, to_unix_ms(now + delay));
    auto ex = co_await net::this_coro::executor;
    auto timer = std::make_shared<net::steady_timer>(ex, delay);
    {
      std::lock_guard lock(mutex_);
      if (auto it = queues_.find(key); it != queues_.end()) {
        it->second.timer = timer;
        if (!it->second.rows.empty() && it->second.rows.front().id == row->id) {
          it->second.rows.front().attempts = attempts;
        }
      }
    }
    if (stopping_) co_return;  // stop() may have run before the timer was visible
    co_await timer->async_wait(use_nothrow);
    {
      std::lock_guard lock(mutex_);
      if (auto it = queues_.find(key); it != queues_.end()) it->second.timer.reset();
    }
  }
}

}  // namespace ponte::server
