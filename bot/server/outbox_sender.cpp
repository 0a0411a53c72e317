#include "bot/server/outbox_sender.hpp"
#include "bot/server/net.hpp"

#include "bot/channels/telegram/telegram.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"
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

RateLimiter::Limits telegram_limits(const OutboxConfig& c) {
  return {static_cast<double>(c.telegram_global_per_s),
          static_cast<double>(c.telegram_global_per_s), c.telegram_chat_per_min / 60.0,
          static_cast<double>(c.telegram_chat_burst)};
}

RateLimiter::Limits whatsapp_limits(const OutboxConfig& c) {
  return {static_cast<double>(c.whatsapp_global_per_s),
          static_cast<double>(c.whatsapp_global_per_s), c.whatsapp_user_per_min / 60.0,
          static_cast<double>(c.whatsapp_user_burst)};
}

}  // namespace

OutboxSender::OutboxSender(net::any_io_executor executor, storage::Writer& writer, HttpClient& http,
                           const Config& config, const Clock& clock)
    : executor_(std::move(executor)),
      writer_(writer),
      http_(http),
      config_(config),
      clock_(clock),
      telegram_limits_(telegram_limits(config.outbox)),
      whatsapp_limits_(whatsapp_limits(config.outbox)) {
  if (config_.telegram.enabled()) {
    if (auto url = parse_url(config_.telegram.api_base)) telegram_url_ = *url;
  }
  if (config_.whatsapp.enabled()) {
    if (auto url = parse_url(config_.whatsapp.api_base)) whatsapp_url_ = *url;
  }
}

void OutboxSender::set_list_label(std::function<std::string(const std::string&)> label) {
  list_label_ = std::move(label);
}

std::chrono::milliseconds OutboxSender::backoff(int attempt, std::chrono::milliseconds base,
                                                std::chrono::milliseconds cap, double r) {
  const double exp = std::ldexp(static_cast<double>(base.count()), std::clamp(attempt - 1, 0, 30));
  const double capped = std::min(exp, static_cast<double>(cap.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped / 2 + capped / 2 * r));
}

std::chrono::seconds OutboxSender::retry_after_header(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::chrono::seconds(0);
  std::int64_t seconds = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return std::chrono::seconds(0);
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::seconds(std::min<std::int64_t>(seconds, 3600));
}

namespace {

// The platform's own wait wins when it names one; a Retry-After header
// (WhatsApp's Graph API and proxies in front of either API send one with
// 429 and 503) may only lengthen it.
void honour_retry_after(Delivery& d, const HttpResponse& res) {
  if (d.kind != Delivery::Kind::retry) return;
  d.retry_after = std::max(d.retry_after, OutboxSender::retry_after_header(res.retry_after));
}

}  // namespace

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

net::awaitable<bool> OutboxSender::pause(const std::string& key, std::int64_t row_id,
                                         std::chrono::milliseconds delay) {
  auto ex = co_await net::this_coro::executor;
  auto timer = std::make_shared<net::steady_timer>(ex, delay);
  const auto still_front = [&] {
    auto it = queues_.find(key);
    return it != queues_.end() && !it->second.rows.empty() && it->second.rows.front().id == row_id;
  };
  {
    std::lock_guard lock(mutex_);
    if (!still_front()) co_return false;
    queues_[key].timer = timer;
  }
  if (stopping_) co_return false;  // stop() may have run before the timer was visible
  co_await timer->async_wait(use_nothrow);
  std::lock_guard lock(mutex_);
  if (auto it = queues_.find(key); it != queues_.end()) it->second.timer.reset();
  co_return !stopping_ && still_front();
}

net::awaitable<bool> OutboxSender::throttle(RateLimiter& limiter, const std::string& key,
                                            const storage::OutboxRow& row, bool per_recipient) {
  for (;;) {
    const auto wait =
        limiter.acquire(row.recipient, std::chrono::steady_clock::now(), per_recipient);
    if (wait.count() == 0) co_return !stopping_;
    const bool resumed = co_await pause(key, row.id, wait);
    if (!resumed) co_return false;
  }
}

net::awaitable<OutboxSender::Outcome> OutboxSender::deliver_telegram(
    const OutboundMessage& msg, const std::string& key, const storage::OutboxRow& row) {
  if (!telegram_url_)
    co_return Delivery{Delivery::Kind::retry, {}, {}, "telegram is not configured"};
  const bool ack = !msg.ack_callback_id.empty();
  const bool go = co_await throttle(telegram_limits_, key, row, !ack);
  if (!go) co_return std::nullopt;
  const auto call = channels::telegram::render(msg, row.recipient);
  auto res =
      co_await http_.post(*telegram_url_, "/bot" + config_.telegram.token + "/" + call.method,
                          call.body, "application/json");
  if (!res) co_return Delivery{Delivery::Kind::retry, {}, {}, res.error().message};
  auto d = channels::telegram::classify(res->status, res->body);
  honour_retry_after(d, *res);
  co_return d;
}

net::awaitable<OutboxSender::Outcome> OutboxSender::deliver_whatsapp(const OutboundMessage& msg,
                                                                     const std::string& key,
                                                                     const storage::OutboxRow& row,
                                                                     std::size_t& done) {
  namespace wa = channels::whatsapp;
  if (!whatsapp_url_)
    co_return Delivery{Delivery::Kind::retry, {}, {}, "whatsapp is not configured"};
  std::vector<channels::ApiCall> calls;
  const bool receipt = !msg.ack_callback_id.empty();
  if (receipt) {
    calls.push_back(wa::mark_read(msg.ack_callback_id));
  } else if (!msg.template_name.empty()) {
    calls.push_back(
        wa::render_template(row.recipient, msg.template_name, msg.lang, msg.template_params));
  } else {
    const auto label = list_label_ ? list_label_(msg.lang) : std::string("Options");
    calls = wa::render(msg, row.recipient, label);
  }
  const auto target = "/" + config_.whatsapp.phone_number_id + "/messages";
  const HttpClient::Headers auth = {{"Authorization", "Bearer " + config_.whatsapp.access_token}};
  Delivery last{Delivery::Kind::sent, {}, {}, {}};
  for (; done < calls.size(); ++done) {
    const bool go = co_await throttle(whatsapp_limits_, key, row, !receipt);
    if (!go) co_return std::nullopt;
    auto res =
        co_await http_.post(*whatsapp_url_, target, calls[done].body, "application/json", auth);
    if (!res) co_return Delivery{Delivery::Kind::retry, {}, {}, res.error().message};
    last = wa::classify(res->status, res->body);
    honour_retry_after(last, *res);
    if (last.kind != Delivery::Kind::sent) co_return last;
  }
  // The transcript row keeps the id of the last call: the one carrying the
  // choices, whose statuses the operator cares about.
  co_return last;
}

net::awaitable<OutboxSender::Outcome> OutboxSender::deliver(const std::string& key,
                                                            const storage::OutboxRow& row,
                                                            std::size_t& done) {
  auto msg = decode_outbound(row.payload);
  if (!msg) co_return Delivery{Delivery::Kind::permanent, {}, {}, msg.error().message};
  switch (row.channel) {
    case Channel::telegram: co_return co_await deliver_telegram(*msg, key, row);
    case Channel::whatsapp: co_return co_await deliver_whatsapp(*msg, key, row, done);
    case Channel::webchat: break;
  }
  co_return Delivery{Delivery::Kind::permanent, {}, {}, "web chat replies are not sent"};
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
  commit_record(std::move(unit), row.id, d.kind != Delivery::Kind::retry, 0);
}

void OutboxSender::commit_record(storage::Writer::Unit unit, std::int64_t id, bool must_land,
                                 int tries) {
  auto again = unit;  // the writer consumes its copy
  writer_.submit(std::move(unit), [this, again = std::move(again), id, must_land,
                                   tries](Result<void> r) mutable {
    if (r) {
      if (tries > 0) log::info("outbox.recorded", {{"outbox", id}, {"tries", tries + 1}});
      return;
    }
    if (!must_land || r.error().code != Errc::unavailable || stopping_) {
      // Not recorded: the row stays pending and is sent again after a
      // restart (at-least-once). A lost retry count or time costs nothing;
      // a degraded storage has logged its fault once already.
      log::write(r.error().code == Errc::unavailable ? log::Level::debug : log::Level::error,
                 "outbox.record_failed", {{"outbox", id}, {"error", r.error().message}});
      return;
    }
    // The storage is degraded (it logged why, once): wait, then try again.
    const auto delay = backoff(tries + 1, std::chrono::milliseconds(500),
                               std::chrono::milliseconds(10000), random01());
    log::debug("outbox.record_deferred",
               {{"outbox", id}, {"tries", tries + 1}, {"delay_ms", delay.count()}});
    auto timer = std::make_shared<net::steady_timer>(executor_, delay);
    timer->async_wait(
        [this, timer, again = std::move(again), id, tries](boost::system::error_code) mutable {
          commit_record(std::move(again), id, true, tries + 1);
        });
  });
}

net::awaitable<void> OutboxSender::run_queue(std::string key) {
  const auto give_up = std::chrono::seconds(config_.outbox.give_up_after_s);
  std::int64_t progress_row = 0;  // the row `done` counts calls of
  std::size_t done = 0;
  while (!stopping_) {
    auto row = front(key);
    if (!row) co_return;
    if (row->id != progress_row) progress_row = row->id, done = 0;
    const auto now = clock_.now();
    if (row->expires_at && to_unix_ms(now) > *row->expires_at) {
      record(*row, {Delivery::Kind::permanent, {}, {}, "expired before it could be sent"},
             row->attempts, 0);
      pop(key, row->id);
      continue;
    }
    auto outcome = co_await deliver(key, *row, done);
    if (!outcome) continue;  // stopping (the loop ends) or dropped (front() moves on)
    auto d = std::move(*outcome);
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
    {
      std::lock_guard lock(mutex_);
      if (auto it = queues_.find(key); it != queues_.end()) {
        if (!it->second.rows.empty() && it->second.rows.front().id == row->id) {
          it->second.rows.front().attempts = attempts;
        }
      }
    }
    co_await pause(key, row->id, delay);
  }
}

}  // namespace ponte::server
