// GET /healthz: 200 when the database answers a real query and writes go
// through; 503 otherwise: "unavailable" when it cannot be read, "degraded"
// when writes are refused (disk full, I/O error, read-only...), with the
// error and since when, so a monitor can page someone. While degraded,
// webhooks answer 503 (the platforms retry) and the web chat asks the page
// to retry: nothing acknowledged is lost, nothing new is acknowledged.
#include "bot/server/handlers/handlers.hpp"

#include "bot/engine/flow_set.hpp"
#include "storage/repositories.hpp"

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace ponte::server {

namespace http = boost::beast::http;

boost::asio::awaitable<Reply> handle_health(Services& svc, RequestContext& ctx) {
  const auto& req = ctx.request;
  auto reader = svc.readers.acquire();
  Result<storage::OutboxCounts> counts =
      reader ? storage::count_outbox(**reader) : Result<storage::OutboxCounts>(reader.error());
  if (!counts) {
    nlohmann::json body = {{"status", "unavailable"}, {"error", counts.error().message}};
    co_return Reply{make_response(req, http::status::service_unavailable, body.dump())};
  }
  const auto storage = svc.writer.health();
  nlohmann::json body = {
      {"status", svc.stopping       ? "stopping"
                 : storage.degraded ? "degraded"
                                    : "ok"},
      {"flows", engine::fingerprint(*svc.flows.get())},
      {"storage", {{"writable", !storage.degraded}}},
      {"outbox", {{"pending", counts->pending}, {"sent", counts->sent}, {"dead", counts->dead}}}};
  if (storage.degraded) {
    body["storage"]["error"] = storage.error;
    body["storage"]["since"] = to_unix_ms(storage.since);
    body["storage"]["refused_writes"] = storage.refused_units;
  }
  co_return Reply{make_response(
      req, storage.degraded ? http::status::service_unavailable : http::status::ok, body.dump())};
}

}  // namespace ponte::server
