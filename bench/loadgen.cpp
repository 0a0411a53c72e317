// ponte-loadgen: the webhook benchmark's client. Hosts a fake Telegram Bot
// API and a fake WhatsApp Cloud API, drives a webhook receiver (Ponte or the
// bare server) with simulated chats walking a dialogue read from a file,
// then waits until the fakes received every expected reply, and prints
// throughput, webhook latency and delivery. See bench/README.md.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "bench/dialogue.hpp"
#include "bench/echo_bot.hpp"
#include "bench/webhook_driver.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/fake_whatsapp.hpp"
#include "tests/support/process.hpp"

namespace ponte::bench {
namespace {

constexpr const char* kUsage = R"(usage: ponte-loadgen [options]
  --target HOST:PORT        the webhook receiver's address (127.0.0.1 only)
  --dialogue FILE           the dialogue every chat walks (default bench/dialogues/demo.json)
  --channels C              telegram, whatsapp or mix (even chats Telegram, odd WhatsApp; default)
  --secret S                X-Telegram-Bot-Api-Secret-Token value (default bench-secret)
  --token T                 bot token the fake Telegram API expects (default 123:bench)
  --app-secret S            WhatsApp app secret for X-Hub-Signature-256 (default bench-app-secret)
  --wa-phone-id ID          WhatsApp phone number id (default 106540352242922)
  --wa-token T              access token the fake WhatsApp API expects (default bench-wa-token)
  --connections N           keep-alive webhook connections (default 64)
  --chats N                 simulated chats, each walks the whole dialogue (default 5000)
  --hold                    walk only the dialogue's first hold_after steps: every chat is left
                            waiting at a question (for measuring memory with many conversations)
  --no-replies              expect no replies (the bare server sends none)
  --flood-per-s N           one more Telegram chat posts N updates a second meanwhile
  --idle-connections N      open N connections first that never send anything
  --duration-s N            upper bound of the sending phase (default 30)
  --drain-s N               upper bound of the wait for replies (default 30)
  --fake-port P             port of the fake Telegram API (default: any)
  --wa-fake-port P          port of the fake WhatsApp API (default: any)
  --first-update-id N       first update_id (default 700000001)
  --first-chat-id N         first chat id; chats are N..N+chats-1 (default 100000001)
  --self-test               answer the webhook with a built-in echo bot (Telegram only)
  --print-free-port         print a free 127.0.0.1 port and exit
  --print-dirs              print the dialogue's flows_dir and locales_dir, one a line, and exit
  --help                    this text
Exit status: 0 all updates acknowledged and every expected reply delivered,
1 otherwise, 2 bad options.
)";

struct Flags {
  DriverConfig driver;
  std::filesystem::path dialogue_file =
      std::filesystem::path(PONTE_SOURCE_DIR) / "bench/dialogues/demo.json";
  Dialogue dialogue;
  std::uint16_t fake_port = 0;
  std::uint16_t wa_fake_port = 0;
  std::string token = "123:bench";
  std::string wa_token = "bench-wa-token";
  int drain_s = 30;
  bool hold = false;
  bool no_replies = false;
  bool self_test = false;
  bool print_free_port = false;
  bool print_dirs = false;
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

bool parse_channels(const std::string& value, ChannelMix& out) {
  if (value == "telegram")
    out = ChannelMix::telegram;
  else if (value == "whatsapp")
    out = ChannelMix::whatsapp;
  else if (value == "mix")
    out = ChannelMix::mix;
  else
    return false;
  return true;
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
  if (name == "--dialogue") return !(f.dialogue_file = value).empty();
  if (name == "--channels") return parse_channels(value, d.channels);
  if (name == "--secret") return !(d.secret = value).empty();
  if (name == "--token") return !(f.token = value).empty();
  if (name == "--app-secret") return !(d.app_secret = value).empty();
  if (name == "--wa-phone-id") return !(d.phone_number_id = value).empty();
  if (name == "--wa-token") return !(f.wa_token = value).empty();
  if (name == "--connections") return set(d.connections, 1, 4096);
  if (name == "--chats") return set(d.chats, 1, 10'000'000);
  if (name == "--flood-per-s") return set(d.flood_per_s, 1, 100'000);
  if (name == "--idle-connections") return set(d.idle_connections, 1, 100'000);
  if (name == "--fake-port") return set(f.fake_port, 1, 65535);
  if (name == "--wa-fake-port") return set(f.wa_fake_port, 1, 65535);
  if (name == "--first-update-id") return set(d.first_update_id, 1, 1LL << 52);
  if (name == "--first-chat-id") return set(d.first_chat_id, 2, 1LL << 40);
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
  f.driver.app_secret = "bench-app-secret";
  f.driver.channels = ChannelMix::mix;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      f.help = true;
      return f;
    }
    bool* toggle = arg == "--self-test"         ? &f.self_test
                   : arg == "--print-free-port" ? &f.print_free_port
                   : arg == "--print-dirs"      ? &f.print_dirs
                   : arg == "--hold"            ? &f.hold
                   : arg == "--no-replies"      ? &f.no_replies
                                                : nullptr;
    if (toggle) {
      *toggle = true;
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
  if (f.print_free_port) return f;
  auto dialogue = load_dialogue(f.dialogue_file, PONTE_SOURCE_DIR);
  if (!dialogue) {
    std::cerr << "ponte-loadgen: " << dialogue.error().message << "\n";
    return std::nullopt;
  }
  f.dialogue = std::move(*dialogue);
  const auto steps = f.hold ? f.dialogue.hold_after : f.dialogue.steps.size();
  for (std::size_t i = 0; i < steps; ++i) f.driver.steps.push_back(f.dialogue.steps[i].send);
  f.driver.flood_chat_id = f.driver.first_chat_id - 1;
  if (f.self_test) f.driver.channels = ChannelMix::telegram;
  if (!f.self_test && !f.print_dirs && f.driver.port == 0) {
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

struct Fakes {
  testing::FakeTelegram& telegram;
  testing::FakeWhatsApp& whatsapp;
};

// Replies the fakes accepted for this run's chats (the flooder excluded).
std::uint64_t delivered_in_range(const Fakes& fakes, const DriverConfig& d) {
  const std::int64_t first = d.first_chat_id;
  const std::int64_t last = d.first_chat_id + d.chats - 1;
  const auto in_range = [&](std::int64_t id) { return id >= first && id <= last; };
  const auto telegram = fakes.telegram.count_if([&](const testing::RecordedCall& c) {
    return c.chat_id && in_range(*c.chat_id) && c.method == "sendMessage";
  });
  const auto whatsapp = fakes.whatsapp.count_messages_if([&](const testing::WhatsAppCall& c) {
    std::string digits;  // Ponte writes "+39...", as Meta documents it
    for (char ch : c.to()) {
      if (ch >= '0' && ch <= '9') digits += ch;
    }
    if (digits.size() < 3 || !digits.starts_with("39")) return false;
    return in_range(std::strtoll(digits.c_str() + 2, nullptr, 10));
  });
  return telegram + whatsapp;
}

struct Delivery {
  std::uint64_t delivered = 0;
  std::uint64_t expected = 0;
  double drain_s = 0;
};

Delivery wait_for_replies(const Fakes& fakes, const Flags& f, const DriverResult& r) {
  Delivery out;
  if (!f.no_replies) {
    for (const auto& per_channel : r.step_acknowledged) {
      for (std::size_t i = 0; i < per_channel.size(); ++i) {
        out.expected += per_channel[i] * static_cast<std::uint64_t>(f.dialogue.steps[i].replies);
      }
    }
  }
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(f.drain_s);
  // Poll: counting scans every recorded call, so not too often.
  while (delivered_in_range(fakes, f.driver) < out.expected &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  out.drain_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.delivered = delivered_in_range(fakes, f.driver);
  return out;
}

std::string statuses(const std::map<int, std::uint64_t>& non_2xx, std::uint64_t& total) {
  std::string out;
  for (const auto& [status, n] : non_2xx) {
    total += n;
    out += " " + std::to_string(status) + "x" + std::to_string(n);
  }
  return out;
}

void print_sample(const std::vector<std::string>& texts) {
  for (const auto& text : texts) {
    std::string line = text.substr(0, 70);
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::printf("                  | %s%s\n", line.c_str(), text.size() > 70 ? "..." : "");
  }
}

void report(const Flags& f, const Fakes& fakes, DriverResult& r, const Delivery& d) {
  std::sort(r.latencies_us.begin(), r.latencies_us.end());
  std::uint64_t non_2xx = 0;
  const auto codes = statuses(r.non_2xx, non_2xx);
  const double per_s = r.elapsed_s > 0 ? static_cast<double>(r.acknowledged) / r.elapsed_s : 0;
  const double p50 = percentile_ms(r.latencies_us, 0.50);
  const double p99 = percentile_ms(r.latencies_us, 0.99);
  const double p999 = percentile_ms(r.latencies_us, 0.999);
  const double max = r.latencies_us.empty() ? 0 : r.latencies_us.back() / 1000.0;
  const char* mix = f.driver.channels == ChannelMix::telegram ? "telegram"
                    : f.driver.channels == ChannelMix::whatsapp
                        ? "whatsapp"
                        : "mix (even chats Telegram, odd WhatsApp)";

  std::printf("== ponte-loadgen ==\n");
  std::printf("target            %s:%u%s\n", f.driver.host.c_str(), f.driver.port,
              f.self_test ? " (self-test echo bot)" : "");
  std::printf("fakes             telegram %s, whatsapp %s\n", fakes.telegram.base_url().c_str(),
              fakes.whatsapp.base_url().c_str());
  std::printf("dialogue          %s, %zu of %zu steps%s\n", f.dialogue.file.string().c_str(),
              f.driver.steps.size(), f.dialogue.steps.size(), f.hold ? " (--hold)" : "");
  std::printf("channels          %s\n", mix);
  std::printf("connections       %d\n", f.driver.connections);
  std::printf("chats             %d\n", f.driver.chats);
  std::printf("updates sent      %llu requests, %llu acknowledged 2xx\n",
              static_cast<unsigned long long>(r.requests),
              static_cast<unsigned long long>(r.acknowledged));
  std::printf("non-2xx           %llu%s\n", static_cast<unsigned long long>(non_2xx),
              codes.c_str());
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
  if (!f.no_replies) {
    // The first chats' replies, to check the dialogue's counts against what Ponte really sends.
    const auto first = f.driver.first_chat_id;
    const auto sample = fakes.telegram.texts_to(first);
    std::printf("first chat        %lld (telegram) got %zu replies\n",
                static_cast<long long>(first), sample.size());
    print_sample(sample);
    if (f.driver.channels != ChannelMix::telegram) {
      const auto wa_chat = f.driver.channels == ChannelMix::mix ? first + 1 : first;
      std::vector<std::string> texts;
      for (const auto& c : fakes.whatsapp.messages_to(wa_id(wa_chat))) texts.push_back(c.text());
      std::printf("first chat        %s (whatsapp) got %zu replies\n", wa_id(wa_chat).c_str(),
                  texts.size());
      print_sample(texts);
    }
  }
  std::string extra;
  if (f.driver.flood_per_s > 0) {
    auto& fl = r.flood;
    std::sort(fl.latencies_us.begin(), fl.latencies_us.end());
    std::uint64_t flood_non_2xx = 0;
    const auto flood_codes = statuses(fl.non_2xx, flood_non_2xx);
    const auto flood_replies = fakes.telegram.texts_to(f.driver.flood_chat_id).size();
    std::printf(
        "flood             chat %lld at %d/s: %llu sent, %llu acknowledged, non-2xx %llu%s, "
        "network errors %llu; p99 %.3f ms; %zu replies\n",
        static_cast<long long>(f.driver.flood_chat_id), f.driver.flood_per_s,
        static_cast<unsigned long long>(fl.requests),
        static_cast<unsigned long long>(fl.acknowledged),
        static_cast<unsigned long long>(flood_non_2xx), flood_codes.c_str(),
        static_cast<unsigned long long>(fl.network_errors), percentile_ms(fl.latencies_us, 0.99),
        flood_replies);
    char buf[200];
    std::snprintf(buf, sizeof buf, " flood_sent=%llu flood_acked=%llu flood_replies=%zu",
                  static_cast<unsigned long long>(fl.requests),
                  static_cast<unsigned long long>(fl.acknowledged), flood_replies);
    extra += buf;
  }
  if (f.driver.idle_connections > 0) {
    const auto& i = r.idle;
    std::printf(
        "idle connections  %d asked: %llu opened, %llu connect failed, %llu refused with 503, "
        "%llu closed by the server, %llu still open at the end\n",
        f.driver.idle_connections, static_cast<unsigned long long>(i.opened),
        static_cast<unsigned long long>(i.connect_failed),
        static_cast<unsigned long long>(i.refused_503), static_cast<unsigned long long>(i.closed),
        static_cast<unsigned long long>(i.open_at_end));
    char buf[200];
    std::snprintf(buf, sizeof buf, " idle_open=%llu idle_503=%llu idle_closed=%llu",
                  static_cast<unsigned long long>(i.open_at_end),
                  static_cast<unsigned long long>(i.refused_503),
                  static_cast<unsigned long long>(i.closed + i.connect_failed));
    extra += buf;
  }
  std::printf(
      "RESULT updates_per_s=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f delivered=%llu "
      "expected=%llu%s\n",
      per_s, p50, p99, p999, static_cast<unsigned long long>(d.delivered),
      static_cast<unsigned long long>(d.expected), extra.c_str());
  std::fflush(stdout);
}

// Thousands of connections need thousands of descriptors.
void raise_nofile() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run(Flags& f) {
  raise_nofile();
  testing::FakeTelegram telegram(
      testing::FakeTelegram::Options{.port = f.fake_port, .expected_token = f.token, .threads = 2});
  testing::FakeWhatsApp whatsapp(f.driver.phone_number_id, f.wa_token, f.wa_fake_port);
  const Fakes fakes{telegram, whatsapp};
  std::printf("fake telegram on %s, fake whatsapp on %s\n", telegram.base_url().c_str(),
              whatsapp.base_url().c_str());
  std::fflush(stdout);

  std::unique_ptr<EchoBot> echo;
  if (f.self_test) {
    EchoBot::Options options{f.driver.secret, telegram.port(), f.token, {}};
    for (const auto& step : f.dialogue.steps) options.replies_per_text[step.send] = step.replies;
    echo = std::make_unique<EchoBot>(std::move(options));
    f.driver.host = "127.0.0.1";
    f.driver.port = echo->port();
  }

  DriverResult result = run_driver(f.driver);
  Delivery delivery = wait_for_replies(fakes, f, result);
  report(f, fakes, result, delivery);
  const bool flood_clean = result.flood.non_2xx.empty() && result.flood.network_errors == 0;
  const bool clean = result.non_2xx.empty() && result.network_errors == 0 && !result.hit_duration &&
                     !result.unreachable && delivery.delivered == delivery.expected && flood_clean;
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
  if (flags->print_dirs) {
    std::printf("%s\n%s\n", flags->dialogue.flows_dir.c_str(), flags->dialogue.locales_dir.c_str());
    return 0;
  }
  return ponte::bench::run(*flags);
}
