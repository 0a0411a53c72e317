// Self-tests of the test support library: the fake Telegram Bot API and its
// fault controls, the HTTP/SSE client, and the child-process helpers. The
// integration tests of Ponte trust these, so each claim is checked against a
// real socket or a real child process here.
#include <atomic>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kToken = "123:secret";

// Built by appending: GCC 12 warns falsely (-Warray-bounds) on inlined chains of operator+.
std::string api_path(std::string_view method) {
  std::string path = "/bot";
  path += kToken;
  path += '/';
  path += method;
  return path;
}

HttpResponse call(const FakeTelegram& fake, const std::string& method, const json& body,
                  const std::string& token = kToken) {
  return request("127.0.0.1", fake.port(), "POST", "/bot" + token + "/" + method, body.dump());
}

json parsed(const HttpResponse& res) { return json::parse(res.body, nullptr, false); }

// ------------------------------------------------------------ FakeTelegram

TEST(FakeTelegram, SendMessageAnswersWithIncreasingMessageIds) {
  FakeTelegram fake;
  EXPECT_EQ(fake.base_url(), "http://127.0.0.1:" + std::to_string(fake.port()));

  auto first = call(fake, "sendMessage", {{"chat_id", 42}, {"text", "ciao"}});
  auto second = call(fake, "sendMessage", {{"chat_id", 42}, {"text", "come stai?"}});
  auto other = call(fake, "sendMessage", {{"chat_id", "77"}, {"text", "hello"}});

  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.headers["content-type"], "application/json");
  json a = parsed(first);
  json b = parsed(second);
  EXPECT_EQ(a["ok"], true);
  EXPECT_EQ(a["result"]["chat"]["id"], 42);
  EXPECT_EQ(a["result"]["text"], "ciao");
  EXPECT_TRUE(a["result"]["date"].is_number_integer());
  EXPECT_GT(b["result"]["message_id"].get<int>(), a["result"]["message_id"].get<int>());

  EXPECT_EQ(fake.texts_to(42), (std::vector<std::string>{"ciao", "come stai?"}));
  EXPECT_EQ(fake.texts_to(77), (std::vector<std::string>{"hello"}));
  EXPECT_EQ(fake.count("sendmessage"), 3u);  // method names are case-insensitive
  auto calls = fake.calls("sendMessage");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].token, kToken);
  EXPECT_TRUE(calls[0].body_is_json);
  EXPECT_EQ(calls[2].chat_id, 77);
  EXPECT_LE(calls[0].arrived, calls[1].arrived);
}

TEST(FakeTelegram, SendMessageWithoutTextIsABadRequest) {
  FakeTelegram fake;
  auto res = call(fake, "sendMessage", {{"chat_id", 42}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(parsed(res)["description"], "Bad Request: message text is empty");
  EXPECT_EQ(fake.count("sendMessage"), 0u);
  EXPECT_EQ(fake.failed().size(), 1u);
}

TEST(FakeTelegram, CallbackAndWebhookMethodsAnswerTrue) {
  FakeTelegram fake;
  auto answered = call(fake, "answerCallbackQuery", {{"callback_query_id", "4382bfdwdsb323b2d9"}});
  EXPECT_EQ(parsed(answered), (json{{"ok", true}, {"result", true}}));

  auto set = call(fake, "setWebhook", {{"url", "https://ponte.example/telegram/webhook"}});
  EXPECT_EQ(parsed(set)["result"], true);
  auto info = parsed(call(fake, "getWebhookInfo", json::object()));
  EXPECT_EQ(info["result"]["url"], "https://ponte.example/telegram/webhook");
  EXPECT_EQ(info["result"]["pending_update_count"], 0);

  EXPECT_EQ(parsed(call(fake, "deleteWebhook", json::object()))["result"], true);
  EXPECT_EQ(parsed(call(fake, "getWebhookInfo", json::object()))["result"]["url"], "");
  EXPECT_EQ(fake.delivered().size(), 5u);
}

TEST(FakeTelegram, UnknownMethodIs404) {
  FakeTelegram fake;
  auto res = call(fake, "sendTelepathy", {{"chat_id", 1}});
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(parsed(res), (json{{"ok", false}, {"error_code", 404}, {"description", "Not Found"}}));
  auto not_bot = request("127.0.0.1", fake.port(), "GET", "/favicon.ico");
  EXPECT_EQ(not_bot.status, 404);
  EXPECT_TRUE(fake.delivered().empty());
  EXPECT_EQ(fake.failed().size(), 2u);
}

TEST(FakeTelegram, WrongTokenIs401) {
  FakeTelegram fake(FakeTelegram::Options{.expected_token = kToken});
  auto wrong = call(fake, "sendMessage", {{"chat_id", 1}, {"text", "x"}}, "999:wrong");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(parsed(wrong)["description"], "Unauthorized");
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 1}, {"text", "x"}}).status, 200);
  fake.set_expected_token("");  // accept any
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 1}, {"text", "y"}}, "999:any").status, 200);
  EXPECT_EQ(fake.count("sendMessage"), 2u);
  EXPECT_EQ(fake.attempts("sendMessage"), 3u);
}

TEST(FakeTelegram, NonJsonBodyIsRecordedRaw) {
  FakeTelegram fake;
  request("127.0.0.1", fake.port(), "POST", api_path("sendMessage"), "chat_id=5&text=hi",
          {{"content-type", "application/x-www-form-urlencoded"}});
  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_FALSE(calls[0].body_is_json);
  EXPECT_EQ(calls[0].body, "chat_id=5&text=hi");
}

TEST(FakeTelegram, DownAnswers502WithHtmlAndRecordsItAsFailed) {
  FakeTelegram fake;
  fake.set_down(true);
  auto res = call(fake, "sendMessage", {{"chat_id", 9}, {"text", "lost"}});
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(res.headers["content-type"], "text/html");
  EXPECT_NE(res.body.find("502 Bad Gateway"), std::string::npos);
  EXPECT_TRUE(parsed(res).is_discarded());
  EXPECT_EQ(fake.count("sendMessage"), 0u);
  EXPECT_TRUE(fake.texts_to(9).empty());

  fake.set_down(false);
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 9}, {"text", "found"}}).status, 200);
  EXPECT_EQ(fake.texts_to(9), (std::vector<std::string>{"found"}));
  ASSERT_EQ(fake.failed().size(), 1u);
  EXPECT_EQ(fake.failed()[0].status, 502);
}

TEST(FakeTelegram, ClosedListenerRefusesThenReopensOnTheSamePort) {
  FakeTelegram fake;
  const auto port = fake.port();
  Connection kept("127.0.0.1", port);
  ASSERT_EQ(kept.request("POST", api_path("getMe")).status, 200);

  fake.close_listener();
  auto refused = call(fake, "getMe", json::object());
  EXPECT_EQ(refused.status, 0);
  EXPECT_NE(refused.error.find("refused"), std::string::npos) << refused.error;
  // The open keep-alive connection was cut too: a dead service, not a half-dead one.
  EXPECT_EQ(kept.request("POST", api_path("getMe")).status, 0);

  fake.reopen_listener();
  EXPECT_EQ(fake.port(), port);
  EXPECT_EQ(call(fake, "getMe", json::object()).status, 200);
  EXPECT_EQ(kept.request("POST", api_path("getMe")).status, 200);
  EXPECT_EQ(kept.connects(), 2u);
}

TEST(FakeTelegram, FailNextRepliesWithTheQueuedFaultsThenRecovers) {
  FakeTelegram fake;
  fake.fail_next(2, 429, FakeTelegram::too_many_requests_body(1));
  const json msg = {{"chat_id", 5}, {"text", "retry me"}};

  auto first = call(fake, "sendMessage", msg);
  auto second = call(fake, "sendMessage", msg);
  auto third = call(fake, "sendMessage", msg);
  EXPECT_EQ(first.status, 429);
  EXPECT_EQ(parsed(first)["parameters"]["retry_after"], 1);
  EXPECT_EQ(parsed(first)["description"], "Too Many Requests: retry after 1");
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(fake.count("sendMessage"), 1u);  // exactly once delivered
  EXPECT_EQ(fake.attempts("sendMessage"), 3u);
  EXPECT_EQ(fake.failed().size(), 2u);
}

TEST(FakeTelegram, FailNextCanTargetOneMethod) {
  FakeTelegram fake;
  fake.fail_next(1, 403, FakeTelegram::blocked_body(), "sendMessage");
  EXPECT_EQ(call(fake, "answerCallbackQuery", {{"callback_query_id", "q1"}}).status, 200);
  auto blocked = call(fake, "sendMessage", {{"chat_id", 5}, {"text", "hi"}});
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(parsed(blocked)["description"], "Forbidden: bot was blocked by the user");
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 5}, {"text", "hi"}}).status, 200);
}

TEST(FakeTelegram, DelayHangsBeforeAnswering) {
  FakeTelegram fake;
  fake.set_delay(1500ms);
  auto impatient = request("127.0.0.1", fake.port(), "POST", api_path("getMe"), "{}", {}, 100ms);
  EXPECT_EQ(impatient.status, 0);
  EXPECT_EQ(impatient.error, "timeout");
  auto patient = request("127.0.0.1", fake.port(), "POST", api_path("getMe"), "{}", {}, 10s);
  EXPECT_EQ(patient.status, 200);
  fake.set_delay(0ms);
  EXPECT_EQ(call(fake, "getMe", json::object()).status, 200);
}

TEST(FakeTelegram, ResetNextCutsTheConnectionWithoutAnAnswer) {
  FakeTelegram fake;
  fake.reset_next(1, "sendMessage");
  EXPECT_EQ(call(fake, "getMe", json::object()).status, 200);  // another method passes
  auto cut = call(fake, "sendMessage", {{"chat_id", 5}, {"text", "hi"}});
  EXPECT_EQ(cut.status, 0);
  EXPECT_FALSE(cut.error.empty());
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 5}, {"text", "hi"}}).status, 200);
  ASSERT_EQ(fake.failed().size(), 1u);
  EXPECT_EQ(fake.failed()[0].status, 0);  // read, not delivered
  EXPECT_EQ(fake.count("sendMessage"), 1u);
}

TEST(FakeTelegram, HangNextDelaysOnlyThoseCallsAndStillCarriesThemOut) {
  FakeTelegram fake;
  fake.hang_next(1, 1500ms, "sendMessage");
  auto impatient = request("127.0.0.1", fake.port(), "POST", api_path("sendMessage"),
                           json{{"chat_id", 5}, {"text", "slow"}}.dump(), {}, 100ms);
  EXPECT_EQ(impatient.error, "timeout");
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 5}, {"text", "fast"}}).status, 200);
  // The client gave up, yet the message was sent: the at-least-once case.
  ASSERT_TRUE(fake.wait_until([&] { return fake.texts_to(5).size() == 2; }, 10s));
  EXPECT_EQ(fake.texts_to(5), (std::vector<std::string>{"fast", "slow"}));
}

TEST(FakeTelegram, KeepAliveConnectionIsReused) {
  FakeTelegram fake;
  Connection connection("127.0.0.1", fake.port());
  for (int i = 0; i < 5; ++i) {
    auto res = connection.request("POST", api_path("sendMessage"),
                                  json{{"chat_id", 1}, {"text", std::to_string(i)}}.dump());
    ASSERT_EQ(res.status, 200) << res.error;
  }
  EXPECT_EQ(connection.connects(), 1u);
  EXPECT_EQ(fake.connections_accepted(), 1u);
  EXPECT_EQ(fake.texts_to(1), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST(FakeTelegram, ConcurrentCallsGetDistinctMessageIds) {
  FakeTelegram fake;
  std::vector<std::vector<std::int64_t>> ids(4);
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&fake, &mine = ids[t], t] {
      Connection c("127.0.0.1", fake.port());
      for (int i = 0; i < 25; ++i) {
        auto res = c.request("POST", api_path("sendMessage"),
                             json{{"chat_id", t}, {"text", std::to_string(i)}}.dump());
        mine.push_back(parsed(res)["result"]["message_id"].get<std::int64_t>());
      }
    });
  }
  for (auto& s : senders) s.join();
  std::set<std::int64_t> distinct;
  for (const auto& mine : ids) distinct.insert(mine.begin(), mine.end());
  EXPECT_EQ(distinct.size(), 100u);
  EXPECT_EQ(fake.count("sendMessage"), 100u);
  EXPECT_EQ(fake.texts_to(3).size(), 25u);
}

TEST(FakeTelegram, WaitUntilWakesOnACallAndTimesOut) {
  FakeTelegram fake;
  std::thread later([&fake] {
    Connection c("127.0.0.1", fake.port());
    c.request("POST", api_path("sendMessage"), json{{"chat_id", 8}, {"text", "eventually"}}.dump());
  });
  EXPECT_TRUE(fake.wait_until([&] { return fake.texts_to(8).size() == 1; }, 10s));
  later.join();
  EXPECT_FALSE(fake.wait_until([&] { return fake.count("sendMessage") == 2; }, 50ms));
}

TEST(FakeTelegram, ResetForgetsCallsAndFaults) {
  FakeTelegram fake;
  call(fake, "sendMessage", {{"chat_id", 1}, {"text", "a"}});
  fake.fail_next(3, 500, "{}");
  fake.set_down(true);
  fake.reset();
  EXPECT_TRUE(fake.calls().empty());
  EXPECT_EQ(call(fake, "sendMessage", {{"chat_id", 1}, {"text", "b"}}).status, 200);
  EXPECT_EQ(fake.texts_to(1), (std::vector<std::string>{"b"}));
}

// ------------------------------------------------------------- HttpClient

TEST(HttpClient, RefusedConnectionIsStatusZeroNotAnException) {
  const auto port = free_port();
  auto res = request("127.0.0.1", port, "GET", "/healthz");
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
  Connection c("127.0.0.1", port);
  EXPECT_EQ(c.request("GET", "/").status, 0);
  EXPECT_FALSE(c.is_open());
}

// A tiny SSE server: one connection, chunked, events written when the test
// says so, to check that the reader handles partial events and timeouts.
class TinySseServer {
 public:
  TinySseServer() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {}
  ~TinySseServer() {
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  bool request_was_get_events() const { return request_was_get_events_; }
  // Runs the script on a thread: each step writes one chunk, after waiting
  // for its gate if any.
  void start(std::vector<std::pair<std::shared_future<void>, std::string>> steps) {
    thread_ = std::thread([this, steps = std::move(steps)] { serve(steps); });
  }

 private:
  void serve(const std::vector<std::pair<std::shared_future<void>, std::string>>& steps) {
    namespace net = boost::asio;
    net::ip::tcp::socket socket = acceptor_.accept();
    net::streambuf head;
    net::read_until(socket, head, "\r\n\r\n");
    std::string request{std::istreambuf_iterator<char>(&head), {}};
    request_was_get_events_ = request.starts_with("GET /events ");
    net::write(socket, net::buffer(std::string("HTTP/1.1 200 OK\r\n"
                                               "Content-Type: text/event-stream\r\n"
                                               "Transfer-Encoding: chunked\r\n\r\n")));
    for (const auto& [gate, text] : steps) {
      if (gate.valid()) gate.wait();
      std::ostringstream chunk;
      chunk << std::hex << text.size() << "\r\n" << text << "\r\n";
      net::write(socket, net::buffer(chunk.str()));
    }
    net::write(socket, net::buffer(std::string("0\r\n\r\n")));
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> request_was_get_events_ = false;
};

TEST(SseReader, ParsesEventsAcrossChunksAndWaitsWithATimeout) {
  TinySseServer server;
  std::promise<void> second_gate;
  server.start({{{}, ": ping\n\nid: 1\nevent: message.created\ndata: {\"text\":"},
                {{}, "\"ciao\"}\n\n"},
                {second_gate.get_future().share(),
                 "id: 2\r\ndata: line one\r\ndata: line two\r\nretry: 1500\r\n\r\n"
                 "event: no-data-is-not-dispatched\n\n"
                 "data\n\n"}});

  SseReader reader("127.0.0.1", server.port(), "/events");
  ASSERT_EQ(reader.status(), 200) << reader.error();
  EXPECT_EQ(reader.headers().at("content-type"), "text/event-stream");

  auto first = reader.read(1, 5s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, "1");
  EXPECT_EQ(first[0].event, "message.created");
  EXPECT_EQ(first[0].data, "{\"text\":\"ciao\"}");

  EXPECT_TRUE(reader.read(1, 50ms).empty());  // nothing sent yet: times out, stream kept
  EXPECT_FALSE(reader.ended());

  second_gate.set_value();
  auto rest = reader.read(5, 5s);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].id, "2");
  EXPECT_EQ(rest[0].event, "");
  EXPECT_EQ(rest[0].data, "line one\nline two");
  EXPECT_EQ(rest[0].retry, 1500);
  EXPECT_EQ(rest[1].data, "");  // a bare "data" line dispatches an empty event
  EXPECT_TRUE(reader.ended());
  EXPECT_TRUE(server.request_was_get_events());
}

TEST(SseReader, RefusedConnectionReportsAnError) {
  SseReader reader("127.0.0.1", free_port(), "/events", {}, 1s);
  EXPECT_EQ(reader.status(), 0);
  EXPECT_FALSE(reader.error().empty());
  EXPECT_TRUE(reader.ended());
  EXPECT_TRUE(reader.read(1, 10ms).empty());
}

// ---------------------------------------------------------------- Process

TEST(Process, ReportsTheExitCode) {
  Process p({"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(p.wait_exit(10s), 3);
  EXPECT_FALSE(p.running());
}

TEST(Process, LogHoldsStdoutAndStderr) {
  TempDir dir;
  Process p({"sh", "-c", "echo out; echo err >&2; echo $PONTE_GREETING; pwd"},
            {.env = {{"PONTE_GREETING", "ciao"}}, .cwd = dir.path()});
  ASSERT_EQ(p.wait_exit(10s), 0);
  EXPECT_EQ(p.log(), "out\nerr\nciao\n" + dir.path().string() + "\n");
}

TEST(Process, SignalsAndKill9AreReportedAsNegativeSignals) {
  Process term({"sleep", "30"});
  EXPECT_TRUE(term.running());
  EXPECT_TRUE(term.signal(SIGTERM));
  EXPECT_EQ(term.wait_exit(10s), -SIGTERM);
  EXPECT_FALSE(term.signal(SIGTERM));

  Process killed({"sleep", "30"});
  EXPECT_EQ(killed.kill9(), -SIGKILL);
  EXPECT_EQ(killed.exit_status(), -SIGKILL);
}

TEST(Process, StillRunningIsNullopt) {
  Process p({"sleep", "30"});
  EXPECT_EQ(p.wait_exit(20ms), std::nullopt);
  EXPECT_TRUE(p.running());
}

TEST(Process, ExecFailureExits127AndSaysWhy) {
  Process p({"/nonexistent/ponte"});
  EXPECT_EQ(p.wait_exit(10s), 127);
  EXPECT_NE(p.log().find("execve failed"), std::string::npos) << p.log();
}

TEST(Process, ChildDoesNotKeepTheFakesListenerOpen) {
  // Had the child inherited the fake's listening socket, the port would stay
  // open after the fake closed it. Checked on the child's descriptor table,
  // not by connecting: under `ctest -j` another test may take the freed port.
  FakeTelegram fake;
  Process child({"sh", "-c", "exec ls /proc/self/fd"});
  ASSERT_EQ(child.wait_exit(10s), 0);
  std::istringstream lines(child.log());
  std::vector<std::string> fds;
  for (std::string fd; std::getline(lines, fd);) fds.push_back(fd);
  // stdin, stdout, stderr, and the directory ls is reading: nothing else.
  EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST(Process, LogFileCanBeChosenAndOutlivesTheProcess) {
  TempDir dir;
  {
    Process p({"sh", "-c", "echo kept"}, {.log_path = dir / "child.log"});
    ASSERT_EQ(p.wait_exit(10s), 0);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "child.log"));
}

TEST(TempDir, IsRemovedWithItsContents) {
  std::filesystem::path where;
  {
    TempDir dir("ponte-selftest");
    where = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(where));
    EXPECT_NE(where.filename().string().find("ponte-selftest-"), std::string::npos);
    std::filesystem::create_directories(dir / "a/b");
    std::ofstream(dir / "a/b/file.txt") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(where));
}

TEST(FreePort, CanBeBound) {
  auto port = free_port();
  EXPECT_GT(port, 0);
  FakeTelegram fake(FakeTelegram::Options{.port = port});
  EXPECT_EQ(fake.port(), port);
}

boost::asio::awaitable<ServerResponse> health(ServerRequest req) {
  ServerResponse res{req.target() == "/healthz" ? boost::beast::http::status::ok
                                                : boost::beast::http::status::not_found,
                     req.version()};
  res.body() = "ok";
  co_return res;
}

TEST(WaitForHttp, SucceedsOn200AndGivesUpOtherwise) {
  LocalServer server(health, 0, 1);
  EXPECT_TRUE(wait_for_http(server.port(), "/healthz", 5s));
  EXPECT_FALSE(wait_for_http(server.port(), "/missing", 100ms));

  Process exited({"/bin/sh", "-c", "exit 0"});
  ASSERT_EQ(exited.wait_exit(10s), 0);
  EXPECT_FALSE(wait_for_http(free_port(), "/healthz", 5s, &exited));
}

}  // namespace
}  // namespace ponte::testing
