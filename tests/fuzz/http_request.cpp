// libFuzzer target: raw bytes as they arrive on a connection, read by the
// server's request parser (same limits) and, for each complete request,
// answered by the real router and handlers: webhooks (secret header and
// signature checked, body parsed, the turn committed to a real SQLite file),
// the web chat, the console API, static pages. Up to four requests per input,
// as on a keep-alive connection. No sockets: the parser gets the bytes
// directly and the handlers run on an io_context on this thread.
//
// An exception escaping a handler is a bug (the server would answer 500 and
// log http.handler_crashed): here it crashes the target. So does any crash,
// leak or undefined behaviour.
//
// To reach past the authentication checks, the target signs a WhatsApp
// body whose X-Hub-Signature-256 is "sha256=fuzz", and the seed corpus
// carries the Telegram secret below.
#include "bot/core/log.hpp"
#include "bot/server/handlers/handlers.hpp"
#include "bot/server/services.hpp"
#include "storage/database.hpp"
#include "tests/support/fake_whatsapp.hpp"
#include "tests/support/process.hpp"

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace ponte;

constexpr const char* kTelegramSecret = "fuzz-telegram-secret";
constexpr const char* kWhatsAppSecret = "fuzz-app-secret";

[[noreturn]] void die(const std::string& what) {
  std::cerr << "fuzz http_request: " << what << "\n";
  std::abort();
}

server::Config make_config(const std::filesystem::path& data_dir) {
  server::Config c;
  c.data_dir = data_dir;
  c.log_level = "error";
  c.admin_token = "fuzz-admin-token";
  c.telegram.token = "123:fuzz";
  c.telegram.secret_token = kTelegramSecret;
  // Nothing is ever sent (the sender is stopped), but keep it local anyway.
  c.telegram.api_base = "http://127.0.0.1:9";
  c.whatsapp.phone_number_id = "1234";
  c.whatsapp.access_token = "fuzz-access-token";
  c.whatsapp.app_secret = kWhatsAppSecret;
  c.whatsapp.verify_token = "fuzz-verify-token";
  c.whatsapp.api_base = "http://127.0.0.1:9";
  c.storage.synchronous = "normal";
  return c;
}

// Everything serve() wires together, once per process.
struct World {
  testing::TempDir dir{"ponte-fuzz-http"};
  server::Config config = make_config(dir.path());
  std::shared_ptr<const engine::FlowSet> flow_set = load_flows();
  std::unique_ptr<storage::Writer> writer = open_writer();
  storage::ReaderPool readers{config.database_file()};
  SystemClock clock;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
  server::HttpClient http_client{ioc.get_executor(), {}};
  server::OutboxSender sender{ioc.get_executor(), *writer, http_client, config, clock};
  server::WebchatHub hub;
  server::FlowsHolder flows{flow_set};
  std::atomic<bool> stopping{false};
  server::RateLimiter inbound{server::inbound_limits(config.inbound)};
  server::Services svc{config, flows, *writer,  readers,     sender,
                       hub,    clock, stopping, http_client, inbound};
  server::Handler router = server::make_router(svc);

  World() {
    log::set_level(log::Level::error);
    // Replies are committed to the outbox like in production; sending them
    // is the sender's business, not this target's.
    sender.stop();
  }

  static std::shared_ptr<const engine::FlowSet> load_flows() {
    const std::string demo = std::string(PONTE_SOURCE_DIR) + "/tests/fixtures/demo";
    auto report = engine::load_flow_set(demo + "/flows", demo + "/locales");
    if (!report.ok()) die("the demo flows do not load");
    return report.flows;
  }

  std::unique_ptr<storage::Writer> open_writer() {
    auto db = storage::Database::open(config.database_file(),
                                      {.synchronous = config.storage.synchronous});
    if (!db) die(db.error().message);
    if (auto m = storage::migrate(**db); !m) die(m.error().message);
    return std::make_unique<storage::Writer>(std::move(*db));
  }

  // Runs the router on one request until it answers; rethrows what escaped.
  void answer(server::Request& request) {
    if (auto sig = request.find("X-Hub-Signature-256");
        sig != request.end() && sig->value() == "sha256=fuzz") {
      request.set("X-Hub-Signature-256",
                  testing::webhook_signature(request.body(), kWhatsAppSecret));
    }
    auto ctx = server::make_context(request, "fuzz", "127.0.0.1:1");
    bool done = false;
    std::exception_ptr thrown;
    net::co_spawn(ioc, router(ctx), [&](std::exception_ptr e, server::Reply) {
      thrown = e;
      done = true;
    });
    while (!done) ioc.run_one();
    if (thrown) std::rethrow_exception(thrown);
  }

  ~World() { writer->stop(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    server::RequestParser parser;
    server::apply_limits(parser, world.config.http);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done() && !rest.empty()) {
      const auto used = parser.put(net::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (ec == http::error::need_more) ec = {};
    // The connection ends after the bytes: what is unfinished is unfinished.
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    // The server answers 400 or 413 and closes the connection.
    if (ec || !parser.is_done()) break;
    auto request = parser.release();
    world.answer(request);
    if (!request.keep_alive()) break;
  }
  return 0;
}
