// Load limits against the real ponte over real HTTP (issue 7): a flooding
// sender is limited without losing what it sent or holding others back;
// deeply nested bodies are refused before they are parsed; at the connection
// cap the idlest connection makes room, and only when none is idle does a
// new one get 503; idle keep-alive connections are closed.
// Nothing here measures time: waits are bounded, never asserted.
#include "tests/integration/ponte_fixture.hpp"

#include "storage/repositories.hpp"

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <thread>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::vector<storage::MessageRow> transcript(const std::filesystem::path& file, Channel channel,
                                            const std::string& chat) {
  auto db = storage::Database::open(file, {.read_only = true});
  if (!db) throw std::runtime_error(db.error().message);
  auto contact = storage::find_contact(**db, channel, chat).value();
  if (!contact) return {};
  return storage::list_messages(**db, contact->id, 0, 10'000).value();
}

std::size_t count(const std::vector<storage::MessageRow>& rows, storage::Direction direction) {
  std::size_t n = 0;
  for (const auto& r : rows) n += r.direction == direction;
  return n;
}

TEST(LoadLimitsE2E, AFloodingSenderIsStoredButNotAnsweredAndOthersAreNot) {
  // A bucket of 5 that refills one message a minute: within the test the
  // sixth message onwards is over the limit.
  PonteFixture ponte(nlohmann::json{{"inbound", {{"contact_per_min", 1}, {"contact_burst", 5}}}});
  ponte.start();
  const std::int64_t flooder = 5550007001, other = 5550007002;
  constexpr int kFlood = 30;
  for (int i = 0; i < kFlood; ++i) {
    // Every message is acknowledged: nothing is refused, so nothing is retried or lost.
    ASSERT_EQ(ponte.post_update(ponte.text_update(flooder, "menu", "en")).status, 200) << i;
  }
  // Someone else, right after the flood, is answered as usual.
  ASSERT_EQ(ponte.post_update(ponte.text_update(other, "ciao", "en")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(other, 1, 10s)) << ponte.log();
  ASSERT_TRUE(ponte.wait_texts(flooder, 5, 10s)) << ponte.log();
  // Every acknowledged message is committed with its replies: the
  // transcript holds all 30 messages, and replies only to the first five
  // (a sixth if a minute passed).
  const auto rows = transcript(ponte.database(), Channel::telegram, std::to_string(flooder));
  EXPECT_EQ(count(rows, storage::Direction::in), static_cast<std::size_t>(kFlood));
  EXPECT_GE(count(rows, storage::Direction::out), 5u);
  EXPECT_LE(count(rows, storage::Direction::out), 6u);
  EXPECT_NE(ponte.log().find("webhook.throttled"), std::string::npos);
  EXPECT_EQ(ponte.stop(), 0);
}

std::string nested(int depth) {
  return "{\"update_id\":1,\"x\":" + std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']') + "}";
}

TEST(LoadLimitsE2E, DeeplyNestedBodiesAre400BeforeAnythingIsStored) {
  PonteFixture ponte;
  ponte.start();
  auto telegram = ponte.post_raw(nested(10'000));
  EXPECT_EQ(telegram.status, 400) << telegram.body;
  EXPECT_NE(telegram.body.find("nested too deeply"), std::string::npos) << telegram.body;
  const auto deep = nested(10'000);
  auto whatsapp = ponte.post_whatsapp(deep);  // signed: the depth check is what refuses it
  EXPECT_EQ(whatsapp.status, 400) << whatsapp.body;
  // The server is unharmed and the next update goes through.
  ASSERT_EQ(ponte.post_update(ponte.text_update(5550007010, "ciao", "en")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(5550007010, 1, 10s)) << ponte.log();
}

// Reads until the server closes the connection (or 10 s pass); what it said.
std::string read_until_closed(tcp::socket& socket) {
  std::string out;
  std::array<char, 1024> buf;
  for (;;) {
    boost::system::error_code ec;
    const auto n = socket.read_some(net::buffer(buf), ec);
    out.append(buf.data(), n);
    if (ec) break;
  }
  return out;
}

void set_receive_timeout(tcp::socket& socket, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// A web chat event stream: a connection with a request in hand for as long
// as it is open (never "idle"). Retried while start-up checks close.
std::unique_ptr<SseReader> open_stream(PonteFixture& ponte) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto sse = std::make_unique<SseReader>(
        "127.0.0.1", ponte.port(), "/webchat/events?client=5a7e2c1b-0d3f-4e8a-9b6c-1f2e3d4c5b6a");
    if (sse->status() == 200) return sse;
    std::this_thread::sleep_for(20ms);
  }
  return nullptr;
}

tcp::socket connect_raw(net::io_context& ioc, std::uint16_t port) {
  tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  set_receive_timeout(socket, 10);
  return socket;
}

TEST(LoadLimitsE2E, AtTheCapTheIdlestConnectionMakesRoom) {
  PonteFixture ponte(nlohmann::json{{"http", {{"max_connections", 2}}}});
  ponte.start();
  auto busy = open_stream(ponte);
  ASSERT_NE(busy, nullptr) << ponte.log();
  net::io_context ioc;
  auto idle = connect_raw(ioc, ponte.port());  // connected, never sends a byte
  // The cap is full; a newcomer is still served: the idle one is closed for it.
  auto newcomer = connect_raw(ioc, ponte.port());
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  net::write(newcomer, net::buffer(get));
  EXPECT_TRUE(read_until_closed(newcomer).starts_with("HTTP/1.1 200")) << ponte.log();
  EXPECT_EQ(read_until_closed(idle), "");  // closed without a word
  // The connection with a request in hand was left alone.
  EXPECT_FALSE(busy->ended());
}

TEST(LoadLimitsE2E, WhenNoConnectionIsIdleANewOneGets503) {
  PonteFixture ponte(nlohmann::json{{"http", {{"max_connections", 1}}}});
  ponte.start();
  auto busy = open_stream(ponte);
  ASSERT_NE(busy, nullptr) << ponte.log();
  net::io_context ioc;
  auto extra = connect_raw(ioc, ponte.port());
  const auto said = read_until_closed(extra);
  EXPECT_TRUE(said.starts_with("HTTP/1.1 503")) << said;
  EXPECT_NE(said.find("Retry-After"), std::string::npos) << said;
  // The stream with a request in hand was left alone.
  EXPECT_FALSE(busy->ended());
  EXPECT_NE(ponte.log().find("http.connection_refused"), std::string::npos);
}

TEST(LoadLimitsE2E, IdleKeepAliveConnectionsAreClosedByTheServer) {
  PonteFixture ponte(nlohmann::json{{"http", {{"idle_timeout_ms", 300}}}});
  ponte.start();
  net::io_context ioc;
  tcp::socket idle(ioc);
  idle.connect({net::ip::make_address("127.0.0.1"), ponte.port()});
  set_receive_timeout(idle, 10);
  boost::system::error_code ec;
  std::array<char, 64> buf;
  const auto n = idle.read_some(net::buffer(buf), ec);
  // Closed without a word (end of file), not left open until our 10 s timeout.
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, net::error::eof) << ec.message();
}

}  // namespace
}  // namespace ponte::testing
