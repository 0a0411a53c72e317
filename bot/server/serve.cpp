// serve(): the composition of the running help line, and its shutdown.
// Order matters: services are built before the threads start and destroyed
// after they join, so coroutines may hold plain references to them.
#include "bot/core/log.hpp"
#include "bot/server/async_commit.hpp"
#include "bot/server/commands.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/follow_ups.hpp"
#include "bot/server/handlers/handlers.hpp"
#include "bot/server/http_client.hpp"
#include "bot/server/http_server.hpp"
#include "bot/server/net.hpp"
#include "bot/server/services.hpp"
#include "storage/repositories.hpp"

#include <boost/asio.hpp>

#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace ponte::server {

namespace fs = std::filesystem;

namespace {

// Telegram retries an update for 24 h, WhatsApp for up to 7 days: dedupe
// keys are kept for 8 days.
constexpr auto kDedupeRetention = std::chrono::hours(24 * 8);

log::Level level_from(const std::string& name) {
  if (name == "debug") return log::Level::debug;
  if (name == "warn") return log::Level::warn;
  if (name == "error") return log::Level::error;
  return log::Level::info;
}

void print_problems(const std::vector<engine::Problem>& problems) {
  for (const auto& p : problems) std::cerr << engine::to_string(p) << "\n";
}

// Rows left pending by an earlier run (crash, outage, restart) go out again.
Result<std::size_t> resume_outbox(storage::ReaderPool& readers, OutboxSender& sender) {
  auto reader = readers.acquire();
  if (!reader) return reader.error();
  std::size_t total = 0;
  std::int64_t after = 0;
  for (;;) {
    auto rows = storage::pending_outbox(**reader, after, 1000);
    if (!rows) return rows.error();
    if (rows->empty()) break;
    after = rows->back().id;
    total += rows->size();
    sender.enqueue(std::move(*rows));
  }
  return total;
}

// Reloads flows and locales; an invalid set is refused with the problems
// `flows check` prints, and the old set keeps serving.
void reload_flows(const Config& config, FlowsHolder& flows) {
  auto report = engine::load_flow_set(config.flows_dir, config.locales_dir);
  for (const auto& p : report.problems) {
    log::warn("flows.problem", {{"problem", engine::to_string(p)}});
  }
  if (!report.ok()) {
    log::error("flows.reload_refused", {{"errors", report.problems.size()},
                                        {"serving", engine::fingerprint(*flows.get())}});
    return;
  }
  flows.set(report.flows);
  log::info("flows.reloaded", {{"flows", engine::fingerprint(*report.flows)}});
}

// What the flow and locale files look like now: names, sizes and times of
// every file under the two folders. Cheap enough to take every second.
std::uint64_t files_stamp(const Config& config) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; };
  for (const auto& dir : {config.flows_dir, config.locales_dir}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      for (const char c : it->path().generic_string()) mix(static_cast<unsigned char>(c));
      mix(static_cast<std::uint64_t>(it->file_size(ec)));
      mix(static_cast<std::uint64_t>(it->last_write_time(ec).time_since_epoch().count()));
    }
  }
  return h;
}

// Development mode (flows.watch / --watch-flows): a change reloads the set
// once the files have stayed the same for one interval, so an editor's
// half-written save is not loaded (and refused) first.
net::awaitable<void> watch_loop(Services& svc) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer timer(ex);
  std::uint64_t loaded = files_stamp(svc.config);
  std::uint64_t previous = loaded;
  log::info("flows.watching", {{"every_ms", svc.config.flows.watch_ms}});
  while (!svc.stopping) {
    timer.expires_after(std::chrono::milliseconds(svc.config.flows.watch_ms));
    co_await timer.async_wait(use_nothrow);
    const std::uint64_t now = files_stamp(svc.config);
    if (now != loaded && now == previous) {
      log::info("flows.changed", {});
      reload_flows(svc.config, svc.flows);
      loaded = now;
    }
    previous = now;
  }
}

net::awaitable<void> prune_loop(Services& svc) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer timer(ex);
  while (!svc.stopping) {
    const auto before = to_unix_ms(svc.clock.now() - kDedupeRetention);
    svc.writer.submit(
        [before](storage::Database& db) -> Result<void> {
          auto n = storage::prune_inbound(db, before);
          if (!n) return n.error();
          return {};
        },
        [](Result<void> r) {
          if (!r) log::error("storage.prune_failed", {{"error", r.error().message}});
        });
    timer.expires_after(std::chrono::minutes(30));
    co_await timer.async_wait(use_nothrow);
  }
}

// While the writer is degraded (disk full, I/O error...), a write that
// changes nothing is tried every few seconds, so the fault's end is noticed
// (logged, /healthz green) even when no traffic comes to try for it.
net::awaitable<void> storage_probe_loop(Services& svc) {
  auto ex = co_await net::this_coro::executor;
  net::steady_timer timer(ex);
  while (!svc.stopping) {
    timer.expires_after(std::chrono::seconds(2));
    co_await timer.async_wait(use_nothrow);
    if (!svc.writer.health().degraded || svc.stopping) continue;
    storage::Writer::Unit probe = [](storage::Database& db) { return storage::write_probe(db); };
    co_await async_commit(svc.writer, std::move(probe), net::use_awaitable);
  }
}

// Every connection is a descriptor: the soft limit (often 1024) is raised to
// the hard one. Returns the soft limit now in force.
std::size_t raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? std::size_t{1} << 20
                                         : static_cast<std::size_t>(limit.rlim_cur);
}

// Connections allowed: the configured cap, but never so many that the
// database, the outbox's connections and the logs run out of descriptors.
std::size_t connection_cap(const Config& config, std::size_t open_files) {
  const std::size_t reserve =
      256 + static_cast<std::size_t>(config.outbox.max_connections_per_host) * 4;
  const std::size_t fits = open_files > 2 * reserve ? open_files - reserve : open_files / 2;
  return std::min(static_cast<std::size_t>(config.http.max_connections), fits);
}

struct Runtime {
  const Config& config;
  Services& svc;
  HttpServer& server;
  HttpClient& http;
  net::executor_work_guard<net::io_context::executor_type>& work;
  net::io_context& ioc;
};

net::awaitable<void> shut_down(Runtime rt) {
  log::info("ponte.stopping", {{"connections", rt.server.live_connections()}});
  rt.svc.stopping = true;
  rt.server.begin_shutdown();
  rt.svc.hub.close();
  auto ex = co_await net::this_coro::executor;
  net::steady_timer tick(ex);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(rt.config.shutdown_timeout_ms);
  while (rt.server.live_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(use_nothrow);
  }
  rt.svc.sender.stop();
  rt.http.close_idle();
  // Everything acknowledged is committed already; this waits for the
  // sender's last status updates to be written too.
  auto flushed = co_await async_commit(
      rt.svc.writer, [](storage::Database&) -> Result<void> { return {}; }, net::use_awaitable);
  if (!flushed) log::error("ponte.flush_failed", {{"error", flushed.error().message}});
  log::info("ponte.stopped", {{"cut_connections", rt.server.live_connections()}});
  rt.work.reset();
  rt.ioc.stop();
}

net::awaitable<void> signal_loop(Runtime rt) {
  auto ex = co_await net::this_coro::executor;
  net::signal_set signals(ex, SIGINT, SIGTERM, SIGHUP);
  for (;;) {
    auto [ec, sig] = co_await signals.async_wait(use_nothrow);
    if (ec) co_return;
    if (sig == SIGHUP) {
      reload_flows(rt.config, rt.svc.flows);
      continue;
    }
    co_await shut_down(rt);
    co_return;
  }
}

}  // namespace

int serve(const Config& config) {
  log::set_level(level_from(config.log_level));
  // A file size limit (ulimit -f) would kill the process at the first write
  // past it; ignored, the write fails with EFBIG instead, which storage
  // reports and survives like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  const auto open_files = raise_open_files_limit();
  // glibc hands freed memory back to the kernel whenever the top of a heap
  // is free past a small threshold, and every thread's heap does so on its
  // own: a turn's allocations were freed, trimmed, and faulted in again by
  // the next one. The profile showed page faults under SQLite and the
  // coroutines as ~15% of the CPU per update (bench/README.md). Keeping up
  // to 64 MiB of free heap costs at most that much RSS.
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  std::error_code fec;
  fs::create_directories(config.data_dir, fec);
  if (fec) {
    std::cerr << "ponte: cannot create data_dir " << config.data_dir << ": " << fec.message()
              << "\n";
    return 1;
  }
  const auto file = config.database_file();
  auto db = storage::Database::open(file, {.synchronous = config.storage.synchronous,
                                           .busy_timeout_ms = config.storage.busy_timeout_ms});
  if (!db) {
    std::cerr << "ponte: " << file.string() << ": " << db.error().message << "\n";
    return 1;
  }
  if (auto m = storage::migrate(**db); !m) {
    std::cerr << "ponte: " << file.string() << ": " << m.error().message << "\n";
    return 1;
  }
  auto report = engine::load_flow_set(config.flows_dir, config.locales_dir);
  print_problems(report.problems);
  if (!report.ok()) {
    std::cerr << "ponte: the flows in " << config.flows_dir.string() << " are invalid\n";
    return 2;
  }

  storage::Writer writer(std::move(*db),
                         {.max_batch = static_cast<std::size_t>(config.storage.max_batch)});
  storage::ReaderPool readers(file);
  SystemClock clock;
  const int threads =
      config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  net::io_context ioc(threads);
  auto work = net::make_work_guard(ioc);
  HttpClient http(ioc.get_executor(),
                  {std::chrono::milliseconds(config.outbox.connect_timeout_ms),
                   std::chrono::milliseconds(config.outbox.request_timeout_ms),
                   static_cast<std::size_t>(config.outbox.max_connections_per_host), ""});
  OutboxSender sender(ioc.get_executor(), writer, http, config, clock);
  WebchatHub hub;
  FlowsHolder flows(report.flows);
  std::atomic<bool> stopping{false};
  sender.set_list_label([&flows](const std::string& lang) {
    return engine::render(*flows.get(), lang, "system.list_button");
  });
  RateLimiter inbound(inbound_limits(config.inbound));
  Services svc{config, flows, writer, readers, sender, hub, clock, stopping, http, inbound};
  HttpServer server(ioc, config.http, make_router(svc));
  server.set_max_connections(connection_cap(config, open_files));
  auto endpoint = server.listen(config.listen_host, config.listen_port);
  if (!endpoint) {
    std::cerr << "ponte: " << endpoint.error().message << "\n";
    return 1;
  }
  auto resumed = resume_outbox(readers, sender);
  if (!resumed) {
    std::cerr << "ponte: reading the outbox: " << resumed.error().message << "\n";
    return 1;
  }
  server.start();
  Runtime rt{config, svc, server, http, work, ioc};
  net::co_spawn(ioc, signal_loop(rt), log::IfThrown{"signals.crashed"});
  net::co_spawn(ioc, prune_loop(svc), log::IfThrown{"prune.crashed"});
  net::co_spawn(ioc, storage_probe_loop(svc), log::IfThrown{"storage_probe.crashed"});
  net::co_spawn(ioc, follow_up_loop(svc), log::IfThrown{"follow_up.crashed"});
  if (config.flows.watch) net::co_spawn(ioc, watch_loop(svc), log::IfThrown{"watch.crashed"});
  net::co_spawn(ioc, console::reminder_loop(svc), log::IfThrown{"reminders.crashed"});
  log::info("ponte.started",
            {{"listen", endpoint->address().to_string() + ":" + std::to_string(endpoint->port())},
             {"threads", threads},
             {"max_connections", server.max_connections()},
             {"open_files", open_files},
             {"flows", engine::fingerprint(*report.flows)},
             {"telegram", config.telegram.enabled() ? "on" : "off"},
             {"whatsapp", config.whatsapp.enabled() ? "on" : "off"},
             {"admin_api", config.admin_token.empty() ? "off" : "on"},
             {"outbox_resumed", *resumed}});

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  writer.stop();
  return 0;
}

int flows_check(const Config& config, bool review) {
  auto report = engine::load_flow_set(config.flows_dir, config.locales_dir);
  print_problems(report.problems);
  std::size_t errors = 0;
  for (const auto& p : report.problems) errors += p.severity == engine::Problem::Severity::error;
  // What a human must check before publishing: listed on request, counted
  // otherwise; never a failure in itself.
  if (review) {
    for (const auto& item : report.review) std::cout << engine::to_string(item) << "\n";
    std::cout << "review: " << report.review.size() << " item(s) to verify\n";
  } else if (!report.review.empty()) {
    std::cerr << "review: " << report.review.size()
              << " item(s) to verify (ponte flows check --review)\n";
  }
  std::cerr << (errors ? "flows: " + std::to_string(errors) + " error(s)\n" : "flows: ok\n");
  return errors ? 1 : 0;
}

}  // namespace ponte::server
