// GET /healthz: 200 when the database answers a real query, 503 otherwise.
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
  nlohmann::json body = {
      {"status", svc.stopping ? "stopping" : "ok"},
      {"flows", engine::fingerprint(*svc.flows.get())},
      {"outbox", {{"pending", counts->pending}, {"sent", counts->sent}, {"dead", counts->dead}}}};
  co_return Reply{make_response(req, http::status::ok, body.dump())};
}

}  // namespace ponte::server
