// ponte-loadgen: the foundation benchmark. Hosts a fake Telegram Bot API,
// drives Ponte's Telegram webhook with simulated chats walking the demo
// dialogue, then waits until the fake received every expected reply, and
// prints throughput, webhook latency and delivery. See bench/README.md.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "bench/dialogue.hpp"
#include "bench/echo_bot.hpp"
#include "bench/webhook_driver.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/process.hpp"

namespace ponte::bench {
namespace {

constexpr const char* kUsage = R"(usage: ponte-loadgen [options]
  --target HOST:PORT        Ponte's listen address (127.0.0.1 only)
  --path P                  webhook path (default /telegram/webhook)
  --secret S                X-Telegram-Bot-Api-Secret-Token value (default bench-secret)
  --token T                 bot token the fake API expects (default 123:bench)
  --connections N           keep-alive webhook connections (default 64)
  --chats N                 simulated chats, each walks the whole dialogue (default 5000)
  --duration-s N            upper bound of the sending phase (default 30)
  --drain-s N               upper bound of the wait for replies (default 30)
  --fake-port P             port of the in-process fake Telegram API (default: any)
  --first-update-id N       first update_id (default 700000001)
  --first-chat-id N         first chat id; chats are N..N+chats-1 (default 100000001)
  --replies-per-step LIST   replies Ponte sends per dialogue step (default 1,2,2,1: the bundled flows)
  --self-test               answer the webhook with a built-in echo bot instead of Ponte
  --print-free-port         print a free 127.0.0.1 port and exit
  --help                    this text
Exit status: 0 all updates acknowledged and every expected reply delivered,
1 otherwise, 2 bad options.
)";

struct Flags {
  DriverConfig driver;
  std::uint16_t fake_port = 0;
  std::string token = "123:bench";
  std::vector<int> replies_per_step = {1, 2, 2, 1};
  int drain_s = 30;
  bool self_test = false;
  bool print_free_port = false;
  bool help = false;
};

std::optional<long long> number(const std::string& s, long long min, long long max) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno != 0 || v < min || v > max) return std::nullopt;
  return v;
}

bool parse_target(const std::string& value, DriverConfig& driver) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(value.substr(0, colon), ec);
  auto port = number(value.substr(colon + 1), 1, 65535);
  if (ec || !address.is_loopback() || !port) return false;
  driver.host = value.substr(0, colon);
  driver.port = static_cast<std::uint16_t>(*port);
  return true;
}

bool parse_replies(const std::string& value, std::vector<int>& out) {
  out.clear();
  std::stringstream in(value);
  for (std::string item; std::getline(in, item, ',');) {
    auto n = number(item, 0, 100);
    if (!n) return false;
    out.push_back(static_cast<int>(*n));
  }
  return !out.empty();
}

// Applies one "--name value" pair; false on a bad name or value.
bool apply(Flags& f, const std::string& name, const std::string& value) {
  auto& d = f.driver;
  auto set = [&](auto& field, long long min, long long max) {
    auto n = number(value, min, max);
    if (n) field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
    return n.has_value();
  };
  if (name == "--target") return parse_target(value, d);
  if (name == "--path") return !(d.path = value).empty() && value.front() == '/';
  if (name == "--secret") return !(d.secret = value).empty();
  if (name == "--token") return !(f.token = value).empty();
  if (name == "--connections") return set(d.connections, 1, 4096);
  if (name == "--chats") return set(d.chats, 1, 10'000'000);
  if (name == "--fake-port") return set(f.fake_port, 1, 65535);
  if (name == "--first-update-id") return set(d.first_update_id, 1, 1LL << 52);
  if (name == "--first-chat-id") return set(d.first_chat_id, 1, 1LL << 52);
  if (name == "--replies-per-step") return parse_replies(value, f.replies_per_step);
  if (name == "--drain-s") return set(f.drain_s, 0, 3600);
  if (name == "--duration-s") {
    long long s = 0;
    if (!set(s, 1, 3600)) return false;
    d.duration = std::chrono::seconds(s);
    return true;
  }
  return false;
}

std::optional<Flags> parse(int argc, char** argv) {
  Flags f;
  f.driver.secret = "bench-secret";
  f.driver.steps = kDialogue;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--self-test") {
      f.self_test = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      f.help = true;
      return f;
    }
    if (arg == "--print-free-port") {
      f.print_free_port = true;
      continue;
    }
    std::string value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (!apply(f, arg, value)) {
      std::cerr << "ponte-loadgen: bad option " << arg << " " << value << "\n";
      return std::nullopt;
    }
  }
  if (f.replies_per_step.size() != f.driver.steps.size()) {
    std::cerr << "ponte-loadgen: --replies-per-step needs " << f.driver.steps.size()
              << " values, one per dialogue step\n";
    return std::nullopt;
  }
  if (!f.self_test && !f.print_free_port && f.driver.port == 0) {
    std::cerr << "ponte-loadgen: --target or --self-test is required\n";
    return std::nullopt;
  }
  return f;
}

// Nearest-rank percentile of sorted samples, in milliseconds.
double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1] / 1000.0;
}

std::uint64_t delivered_in_range(const testing::FakeTelegram& fake, const DriverConfig& d) {
  const std::int64_t first = d.first_chat_id;
  const std::int64_t last = d.first_chat_id + d.chats - 1;
  return fake.count_if([&](const testing::RecordedCall& c) {
    return c.chat_id && *c.chat_id >= first && *c.chat_id <= last && c.method == "sendMessage";
  });
}

struct Delivery {
  std::uint64_t delivered = 0;
  std::uint64_t expected = 0;
  double drain_s = 0;
};

Delivery wait_for_replies(const testing::FakeTelegram& fake, const Flags& f,
                          const DriverResult& r) {
  Delivery out;
  for (std::size_t i = 0; i < r.step_acknowledged.size(); ++i) {
    out.expected += r.step_acknowledged[i] * static_cast<std::uint64_t>(f.replies_per_step[i]);
  }
  const auto started = std::chrono::steady_clock::now();
  fake.wait_until([&] { return delivered_in_range(fake, f.driver) >= out.expected; },
                  std::chrono::seconds(f.drain_s));
  out.drain_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.delivered = delivered_in_range(fake, f.driver);
  return out;
}

void report(const Flags& f, const testing::FakeTelegram& fake, DriverResult& r, const Delivery& d) {
  std::sort(r.latencies_us.begin(), r.latencies_us.end());
  std::uint64_t non_2xx = 0;
  std::string statuses;
  for (const auto& [status, n] : r.non_2xx) {
    non_2xx += n;
    statuses += " " + std::to_string(status) + "x" + std::to_string(n);
  }
  const double per_s = r.elapsed_s > 0 ? static_cast<double>(r.acknowledged) / r.elapsed_s : 0;
  const double p50 = percentile_ms(r.latencies_us, 0.50);
  const double p99 = percentile_ms(r.latencies_us, 0.99);
  const double p999 = percentile_ms(r.latencies_us, 0.999);
  const double max = r.latencies_us.empty() ? 0 : r.latencies_us.back() / 1000.0;

  std::printf("== ponte-loadgen ==\n");
  std::printf("target            %s:%u%s%s\n", f.driver.host.c_str(), f.driver.port,
              f.driver.path.c_str(), f.self_test ? " (self-test echo bot)" : "");
  std::printf("fake telegram     %s (%llu API connections)\n", fake.base_url().c_str(),
              static_cast<unsigned long long>(fake.connections_accepted()));
  std::printf("connections       %d\n", f.driver.connections);
  std::printf("chats             %d x %zu steps\n", f.driver.chats, f.driver.steps.size());
  std::printf("updates sent      %llu requests, %llu acknowledged 2xx\n",
              static_cast<unsigned long long>(r.requests),
              static_cast<unsigned long long>(r.acknowledged));
  std::printf("non-2xx           %llu%s\n", static_cast<unsigned long long>(non_2xx),
              statuses.c_str());
  std::printf("network errors    %llu (retries %llu, chats abandoned %llu)%s%s\n",
              static_cast<unsigned long long>(r.network_errors),
              static_cast<unsigned long long>(r.retries),
              static_cast<unsigned long long>(r.chats_abandoned),
              r.hit_duration ? " [stopped by --duration-s]" : "",
              r.unreachable ? " [target unreachable]" : "");
  std::printf("duration          %.3f s\n", r.elapsed_s);
  std::printf("updates/s         %.1f\n", per_s);
  std::printf("latency ms        p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", p50, p99, p999, max);
  std::printf("replies           delivered %llu / expected %llu (waited %.3f s after sending)\n",
              static_cast<unsigned long long>(d.delivered),
              static_cast<unsigned long long>(d.expected), d.drain_s);
  // The first chat's replies, to check --replies-per-step against what Ponte really sends.
  const auto sample = fake.texts_to(f.driver.first_chat_id);
  std::printf("first chat        %lld got %zu replies\n",
              static_cast<long long>(f.driver.first_chat_id), sample.size());
  for (const auto& text : sample) {
    std::string line = text.substr(0, 70);
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::printf("                  | %s%s\n", line.c_str(), text.size() > 70 ? "..." : "");
  }
  std::printf("RESULT updates_per_s=%.1f p50_ms=%.3f p99_ms=%.3f delivered=%llu expected=%llu\n",
              per_s, p50, p99, static_cast<unsigned long long>(d.delivered),
              static_cast<unsigned long long>(d.expected));
  std::fflush(stdout);
}

int run(Flags& f) {
  testing::FakeTelegram fake(
      testing::FakeTelegram::Options{.port = f.fake_port, .expected_token = f.token, .threads = 2});
  std::printf("fake telegram listening on %s\n", fake.base_url().c_str());
  std::fflush(stdout);

  std::unique_ptr<EchoBot> echo;
  if (f.self_test) {
    EchoBot::Options options{f.driver.secret, fake.port(), f.token, {}};
    for (std::size_t i = 0; i < f.driver.steps.size(); ++i) {
      options.replies_per_text[f.driver.steps[i]] = f.replies_per_step[i];
    }
    echo = std::make_unique<EchoBot>(std::move(options));
    f.driver.host = "127.0.0.1";
    f.driver.port = echo->port();
  }

  DriverResult result = run_driver(f.driver);
  Delivery delivery = wait_for_replies(fake, f, result);
  report(f, fake, result, delivery);
  const bool clean = result.non_2xx.empty() && result.network_errors == 0 && !result.hit_duration &&
                     !result.unreachable && delivery.delivered == delivery.expected;
  return clean ? 0 : 1;
}

}  // namespace
}  // namespace ponte::bench

int main(int argc, char** argv) {
  auto flags = ponte::bench::parse(argc, argv);
  if (!flags) {
    std::cerr << ponte::bench::kUsage;
    return 2;
  }
  if (flags->help) {
    std::cout << ponte::bench::kUsage;
    return 0;
  }
  if (flags->print_free_port) {
    std::printf("%u\n", ponte::testing::free_port());
    return 0;
  }
  return ponte::bench::run(*flags);
}
