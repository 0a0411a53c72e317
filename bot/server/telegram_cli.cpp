// `ponte telegram set-webhook`: tells Telegram where to deliver updates, with
// the secret it must send back in every webhook request.
#include "bot/channels/telegram/telegram.hpp"
#include "bot/server/commands.hpp"
#include "bot/server/http_client.hpp"

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace ponte::server {

namespace net = boost::asio;

namespace {

net::awaitable<int> call_set_webhook(const Config& config, HttpClient& http, Url api) {
  const auto url = config.public_url + config.telegram.webhook_path;
  const auto call = channels::telegram::set_webhook(url, config.telegram.secret_token,
                                                    config.telegram.max_connections);
  auto res = co_await http.post(api, "/bot" + config.telegram.token + "/" + call.method, call.body,
                                "application/json");
  if (!res) {
    std::cerr << "ponte: setWebhook failed: " << res.error().message << "\n";
    co_return 1;
  }
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200 || j.is_discarded() || !j.value("ok", false)) {
    std::cerr << "ponte: Telegram refused setWebhook (HTTP " << res->status << "): " << res->body
              << "\n";
    co_return 1;
  }
  std::cout << "webhook set: " << url << "\n";
  co_return 0;
}

}  // namespace

int telegram_set_webhook(const Config& config) {
  if (!config.telegram.enabled()) {
    std::cerr << "ponte: no Telegram token (telegram.token or PONTE_TELEGRAM_TOKEN)\n";
    return 2;
  }
  if (config.public_url.rfind("https://", 0) != 0) {
    std::cerr << "ponte: public_url must be the https:// address Telegram can reach\n";
    return 2;
  }
  auto api = parse_url(config.telegram.api_base);
  if (!api) {
    std::cerr << "ponte: telegram.api_base: " << api.error().message << "\n";
    return 2;
  }
  net::io_context ioc;
  HttpClient http(ioc.get_executor(), {});
  int code = 1;
  net::co_spawn(ioc, call_set_webhook(config, http, *api),
                [&code](std::exception_ptr e, int rc) { code = e ? 1 : rc; });
  ioc.run();
  return code;
}

}  // namespace ponte::server
