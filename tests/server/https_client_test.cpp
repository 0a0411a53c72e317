// HttpClient over real TLS on 127.0.0.1: a throwaway CA (test_pki) signs the
// TlsServer's certificate and is the client's ca_file. The cases walk the
// ways a platform API can be reached or not: trusted, reused, wrong name,
// untrusted issuer, silent server, nobody listening. Each test drives its
// requests on its own io_context with a hard limit; waiting is polling.
#include "bot/server/http_client.hpp"
#include "bot/server/net.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_pki.hpp"
#include "tests/support/tls_server.hpp"

#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using testing::CertFiles;
using testing::LeafSpec;
using testing::TestCa;
using testing::TlsServer;

// No request in these tests may take longer; the client's own timeouts are
// far shorter, so hitting this is a failure, not a slow pass.
constexpr milliseconds kRunLimit = 10s;
constexpr milliseconds kShortTimeout = 300ms;
// Generous for a loaded two-core machine under ASan, still far below the
// 5 s and 15 s defaults a missing timeout would fall back to.
constexpr milliseconds kPromptly = 3s;

struct Outcome {
  std::optional<Result<HttpResponse>> result;  // empty: did not finish within kRunLimit
  milliseconds elapsed{0};
};

class HttpsClient : public ::testing::Test {
 protected:
  HttpClientOptions options(milliseconds request_timeout = 5s) const {
    HttpClientOptions o;
    o.connect_timeout = 5s;
    o.request_timeout = request_timeout;
    o.ca_file = ca_file.string();
    return o;
  }

  CertFiles localhost_cert(const TestCa& issuer, std::string_view name = "localhost") {
    return issuer.issue(dir.path(), name, LeafSpec{"localhost", {"localhost"}, {"127.0.0.1"}});
  }

  // Runs client.post(url, "/sendMessage", body) to completion on ioc.
  Outcome post(HttpClient& client, const std::string& url,
               std::string body = R"({"chat_id":1,"text":"ciao"})") {
    Outcome out;
    auto parsed = parse_url(url);
    if (!parsed) {
      ADD_FAILURE() << parsed.error().message;
      return out;
    }
    // Shared with the handler: a request that overran kRunLimit may still
    // complete while a later one runs, and must not write into a dead frame.
    auto slot = std::make_shared<std::optional<Result<HttpResponse>>>();
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + kRunLimit;
    net::co_spawn(ioc, client.post(*parsed, "/sendMessage", std::move(body), "application/json"),
                  [slot](std::exception_ptr e, Result<HttpResponse> r) {
                    if (e) {
                      ADD_FAILURE() << "HttpClient::post threw";
                      return;
                    }
                    *slot = std::move(r);
                  });
    ioc.restart();
    while (!*slot && std::chrono::steady_clock::now() < deadline) {
      if (ioc.run_one_until(deadline) == 0 && ioc.stopped()) break;
    }
    out.result = *slot;
    out.elapsed =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    return out;
  }

  std::string https_localhost(const TlsServer& server) const {
    return "https://localhost:" + std::to_string(server.port()) + "/bot123";
  }

  testing::TempDir dir{"ponte-https"};
  TestCa ca{"Ponte Test CA"};
  std::filesystem::path ca_file = ca.write_cert(dir.path(), "ca.crt");
  // Declared before any client, so it outlives their connections.
  net::io_context ioc;
};

// Checks a failed outcome: finished, with `code` and a message naming `what`.
void expect_error(const Outcome& out, Errc code, std::string_view what) {
  ASSERT_TRUE(out.result) << "no answer within " << kRunLimit.count() << " ms";
  ASSERT_FALSE(*out.result) << "unexpected status " << out.result->value().status;
  EXPECT_EQ(out.result->error().code, code)
      << errc_name(out.result->error().code) << ": " << out.result->error().message;
  EXPECT_NE(out.result->error().message.find(what), std::string::npos)
      << out.result->error().message;
}

TEST_F(HttpsClient, TrustedCertificateForLocalhostGets200AndSendsSni) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, https_localhost(server), R"({"text":"salam"})");

  ASSERT_TRUE(out.result);
  ASSERT_TRUE(*out.result) << out.result->error().message;
  EXPECT_EQ((*out.result)->status, 200);
  EXPECT_EQ((*out.result)->body, R"({"ok":true})");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/bot123/sendMessage");
  EXPECT_EQ(seen[0].body, R"({"text":"salam"})");
  EXPECT_EQ(seen[0].sni, "localhost");
  EXPECT_EQ(server.handshakes_completed(), 1u);
}

TEST_F(HttpsClient, KeepAliveReusesOneConnectionAndOneHandshake) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options());

  auto first = post(client, https_localhost(server), "1");
  auto second = post(client, https_localhost(server), "2");

  ASSERT_TRUE(first.result && *first.result);
  ASSERT_TRUE(second.result && *second.result);
  EXPECT_EQ((*second.result)->status, 200);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, "1");
  EXPECT_EQ(seen[1].body, "2");
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(server.handshakes_completed(), 1u);
  EXPECT_EQ(server.sni_names().size(), 1u);
}

TEST_F(HttpsClient, CertificateForAnotherNameIsRejectedInTheHandshake) {
  TlsServer server(ca.issue(dir.path(), "other", LeafSpec{"other.example", {"other.example"}, {}}));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, https_localhost(server));

  expect_error(out, Errc::unavailable, "TLS handshake");
  // The client asked for localhost, got other.example and hung up.
  EXPECT_TRUE(testing::wait_until([&] { return server.handshakes_failed() == 1; }, 5s));
  EXPECT_EQ(server.handshakes_completed(), 0u);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(server.sni_names(), std::vector<std::string>{"localhost"});
}

TEST_F(HttpsClient, CertificateFromAnUntrustedCaIsRejected) {
  TestCa stranger("Unrelated CA");
  TlsServer server(localhost_cert(stranger, "stranger"));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, https_localhost(server));

  expect_error(out, Errc::unavailable, "TLS handshake");
  EXPECT_TRUE(testing::wait_until([&] { return server.handshakes_failed() == 1; }, 5s));
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsClient, TestCaIsTrustedOnlyThroughCaFile) {
  TlsServer server(localhost_cert(ca));
  auto opts = options();
  opts.ca_file.clear();  // the system store alone has never heard of the test CA
  HttpClient client(ioc.get_executor(), opts);

  auto out = post(client, https_localhost(server));

  expect_error(out, Errc::unavailable, "TLS handshake");
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsClient, IpLiteralUrlIsVerifiedAgainstIpSubjectAltName) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, "https://127.0.0.1:" + std::to_string(server.port()));

  ASSERT_TRUE(out.result);
  ASSERT_TRUE(*out.result) << out.result->error().message;
  EXPECT_EQ((*out.result)->status, 200);
}

TEST_F(HttpsClient, IpLiteralNotInCertificateIsRejected) {
  TlsServer server(ca.issue(dir.path(), "dns-only", LeafSpec{"localhost", {"localhost"}, {}}));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, "https://127.0.0.1:" + std::to_string(server.port()));

  expect_error(out, Errc::unavailable, "TLS handshake");
  EXPECT_TRUE(server.requests().empty());
}

// RFC 6066 section 3: "Literal IPv4 and IPv6 addresses are not permitted in
// HostName": no SNI for an IP-literal URL.
TEST_F(HttpsClient, IpLiteralUrlSendsNoSni) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, "https://127.0.0.1:" + std::to_string(server.port()));

  ASSERT_TRUE(out.result && *out.result);
  EXPECT_EQ(server.sni_names(), std::vector<std::string>{""});
}

// RFC 9112 section 3.2: Host is the URL's authority, port included when the
// URL names a non-default one.
TEST_F(HttpsClient, HostHeaderKeepsNonDefaultPort) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options());

  auto out = post(client, https_localhost(server));

  ASSERT_TRUE(out.result && *out.result);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].host, "localhost:" + std::to_string(server.port()));
}

TEST_F(HttpsClient, ServerThatNeverAnswersTimesOutAtRequestTimeout) {
  TlsServer server(localhost_cert(ca), TlsServer::Mode::no_response);
  HttpClient client(ioc.get_executor(), options(kShortTimeout));

  auto out = post(client, https_localhost(server));

  expect_error(out, Errc::timeout, "POST");
  EXPECT_GE(out.elapsed, kShortTimeout);
  EXPECT_LT(out.elapsed, kPromptly);
  // It did reach the server: the deadline is on the answer.
  EXPECT_TRUE(testing::wait_until([&] { return server.requests().size() == 1; }, 5s));
}

TEST_F(HttpsClient, ServerThatNeverHandshakesTimesOutAtConnectTimeout) {
  TlsServer server(localhost_cert(ca), TlsServer::Mode::no_handshake);
  auto opts = options(kShortTimeout);
  opts.connect_timeout = kShortTimeout;
  HttpClient client(ioc.get_executor(), opts);

  auto out = post(client, https_localhost(server));

  expect_error(out, Errc::timeout, "TLS handshake");
  EXPECT_GE(out.elapsed, kShortTimeout);
  EXPECT_LT(out.elapsed, kPromptly);
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(HttpsClient, PlainHttpToTlsPortFailsWithinRequestTimeout) {
  TlsServer server(localhost_cert(ca));
  HttpClient client(ioc.get_executor(), options(kShortTimeout));

  auto out = post(client, "http://127.0.0.1:" + std::to_string(server.port()));

  // The server cannot parse a TLS record out of "POST ...": it drops the
  // connection, and the client reports the dead transport at once.
  expect_error(out, Errc::unavailable, "POST");
  EXPECT_LT(out.elapsed, kPromptly);
  EXPECT_TRUE(testing::wait_until([&] { return server.handshakes_failed() == 1; }, 5s));
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpsClient, RefusedConnectionIsUnavailableAtOnce) {
  const auto port = std::to_string(testing::free_port());
  HttpClient client(ioc.get_executor(), options(kShortTimeout));

  for (const auto* scheme : {"https", "http"}) {
    SCOPED_TRACE(scheme);
    auto out = post(client, std::string(scheme) + "://127.0.0.1:" + port);
    expect_error(out, Errc::unavailable, "connect");
    EXPECT_LT(out.elapsed, kPromptly);
  }
}

// Issue 4: a keep-alive connection the server closed while it sat idle is
// noticed before it is reused, so the request goes out once, on a new
// connection, and succeeds; it is neither lost nor sent twice.
TEST_F(HttpsClient, AnIdleConnectionTheServerClosedIsNotReused) {
  testing::FakeTelegram fake;
  HttpClient client(ioc.get_executor(), options());
  const auto url = fake.base_url() + "/bot123";

  auto first = post(client, url, R"({"chat_id":1,"text":"uno"})");
  ASSERT_TRUE(first.result && *first.result);
  // Closes the idle connection too; on loopback its FIN is in this side's
  // socket by the time close() returns.
  fake.close_listener();
  fake.reopen_listener();
  auto second = post(client, url, R"({"chat_id":1,"text":"due"})");

  ASSERT_TRUE(second.result);
  ASSERT_TRUE(*second.result) << second.result->error().message;
  EXPECT_EQ((*second.result)->status, 200);
  const auto texts = fake.texts_to(1);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1], "due");
  EXPECT_EQ(fake.connections_accepted(), 2u);
}

}  // namespace
}  // namespace ponte::server
