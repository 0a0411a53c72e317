// Outbox sender: delivers committed outbox rows through the platform APIs.
// One queue per recipient keeps a person's messages in order; different
// recipients are sent in parallel (bounded by the HTTP client's pools).
// Send rates stay under each platform's limits (rate_limiter.hpp): a global
// budget per platform and one per recipient. Transient failures are retried
// with exponential backoff and jitter, a wait the platform names is honoured
// (Telegram's parameters.retry_after, WhatsApp's pair-rate delay, an HTTP
// Retry-After header), permanent ones are dead-lettered (GET
// /api/outbox/dead shows them). Every outcome is written back through the
// group-commit writer (again later while the disk refuses it); a row still
// pending at a crash or restart is loaded and sent again (at-least-once).
#pragma once

#include "bot/channels/api_call.hpp"
#include "bot/core/clock.hpp"
#include "bot/core/message.hpp"
#include "bot/server/config.hpp"
#include "bot/server/http_client.hpp"
#include "bot/server/rate_limiter.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ponte::server {

class OutboxSender {
 public:
  OutboxSender(boost::asio::any_io_executor executor, storage::Writer& writer, HttpClient& http,
               const Config& config, const Clock& clock);

  // Where the WhatsApp list button label comes from, by language (the
  // catalogs). Set before the first enqueue; "Options" when unset.
  void set_list_label(std::function<std::string(const std::string& lang)> label);

  // Thread-safe. The rows must be committed already.
  void enqueue(std::vector<storage::OutboxRow> rows);
  // Drops the queued rows for a recipient (already dead in storage, e.g. they
  // blocked the bot); a send in flight finishes on its own.
  void drop_queued(Channel channel, const std::string& recipient);
  // No new sends start; retry waits end. In-flight requests finish on their own.
  void stop();
  std::size_t queued() const;

  // Backoff before retry `attempt` (1-based): base * 2^(attempt-1), capped,
  // with "equal jitter" (half fixed, half random) so retries of many
  // recipients do not come back in lockstep. Exposed for tests.
  static std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base,
                                           std::chrono::milliseconds cap, double random01);
  // An HTTP Retry-After header's wait: delta-seconds only (RFC 9110
  // 10.2.3), capped at an hour; 0 for an HTTP-date, garbage or nothing,
  // which leaves the wait to the platform's body or the backoff.
  static std::chrono::seconds retry_after_header(std::string_view value);

 private:
  struct Queue {
    std::deque<storage::OutboxRow> rows;
    std::shared_ptr<boost::asio::steady_timer> timer;  // the retry wait, when waiting
  };
  void spawn_queue(std::string key);
  boost::asio::awaitable<void> run_queue(std::string key);
  // Sends the row's calls from call `done` on (a WhatsApp message can be
  // several calls); `done` counts the calls that succeeded, so a retry
  // does not send the first ones again.
  // nullopt: interrupted (stopping, or the row was dropped) before an
  // outcome was known; nothing is recorded then.
  using Outcome = std::optional<channels::Delivery>;
  boost::asio::awaitable<Outcome> deliver(const std::string& key, const storage::OutboxRow& row,
                                          std::size_t& done);
  boost::asio::awaitable<Outcome> deliver_telegram(const OutboundMessage& msg,
                                                   const std::string& key,
                                                   const storage::OutboxRow& row);
  boost::asio::awaitable<Outcome> deliver_whatsapp(const OutboundMessage& msg,
                                                   const std::string& key,
                                                   const storage::OutboxRow& row,
                                                   std::size_t& done);
  // Waits for a send token of `limiter`; false when interrupted.
  boost::asio::awaitable<bool> throttle(RateLimiter& limiter, const std::string& key,
                                        const storage::OutboxRow& row, bool per_recipient);
  // Sleeps `delay`; false when stop() or drop_queued() ended the wait (the
  // row is no longer at the front of its queue).
  boost::asio::awaitable<bool> pause(const std::string& key, std::int64_t row_id,
                                     std::chrono::milliseconds delay);
  void record(const storage::OutboxRow& row, const channels::Delivery& d, int attempts,
              std::int64_t next_at);
  // Submits an outcome. One that must land (sent, dead) and was refused
  // because the storage is degraded is tried again with backoff until it
  // lands or the sender stops: otherwise the outbox would show the row
  // pending until a restart sends it again.
  void commit_record(storage::Writer::Unit unit, std::int64_t id, bool must_land, int tries);
  std::optional<storage::OutboxRow> front(const std::string& key);
  void pop(const std::string& key, std::int64_t id);

  boost::asio::any_io_executor executor_;
  storage::Writer& writer_;
  HttpClient& http_;
  const Config& config_;
  const Clock& clock_;
  std::optional<Url> telegram_url_;
  std::optional<Url> whatsapp_url_;
  RateLimiter telegram_limits_;
  RateLimiter whatsapp_limits_;
  std::function<std::string(const std::string&)> list_label_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Queue> queues_;
};

}  // namespace ponte::server
