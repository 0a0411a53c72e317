#include "bot/server/http_client.hpp"
#include "bot/server/http_server.hpp"
#include "bot/server/message_codec.hpp"
#include "bot/server/outbox_sender.hpp"

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

TEST(MessageCodec, OutboundRoundTrips) {
  OutboundMessage m;
  m.text = "مرحبا <b>&";
  m.lang = "ar";
  m.rtl = true;
  m.urgent = true;
  m.choice_token = "k3y";
  m.choices = {{"permit", "Permesso"}, {"health", "Salute"}};
  auto back = decode_outbound(encode_outbound(m));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->text, m.text);
  EXPECT_EQ(back->lang, "ar");
  EXPECT_TRUE(back->rtl);
  EXPECT_TRUE(back->urgent);
  EXPECT_FALSE(back->sensitive);
  EXPECT_EQ(back->choice_token, "k3y");
  ASSERT_EQ(back->choices.size(), 2u);
  EXPECT_EQ(back->choices[1].label, "Salute");
}

TEST(MessageCodec, InvalidUtf8FromAPersonIsKeptNotFatal) {
  InboundEvent ev;
  ev.kind = EventKind::text;
  ev.text = std::string("ciao \xff\xfe");
  auto back = decode_inbound_as_message(encode_inbound(ev, ""));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->text.rfind("ciao ", 0), 0u);
  EXPECT_FALSE(decode_outbound("not json"));
}

TEST(Backoff, GrowsThenCapsWithJitter) {
  using std::chrono::milliseconds;
  const milliseconds base(1000), cap(60000);
  EXPECT_EQ(OutboxSender::backoff(1, base, cap, 0.0), milliseconds(500));
  EXPECT_EQ(OutboxSender::backoff(1, base, cap, 1.0), milliseconds(1000));
  EXPECT_EQ(OutboxSender::backoff(3, base, cap, 1.0), milliseconds(4000));
  EXPECT_EQ(OutboxSender::backoff(40, base, cap, 1.0), milliseconds(60000));
  EXPECT_EQ(OutboxSender::backoff(40, base, cap, 0.0), milliseconds(30000));
}

TEST(RetryAfterHeader, DeltaSecondsOnlyAndCapped) {
  using std::chrono::seconds;
  EXPECT_EQ(OutboxSender::retry_after_header("7"), seconds(7));
  EXPECT_EQ(OutboxSender::retry_after_header(" 30 "), seconds(30));
  EXPECT_EQ(OutboxSender::retry_after_header("86400"), seconds(3600));
  EXPECT_EQ(OutboxSender::retry_after_header(""), seconds(0));
  EXPECT_EQ(OutboxSender::retry_after_header("-1"), seconds(0));
  EXPECT_EQ(OutboxSender::retry_after_header("1.5"), seconds(0));
  EXPECT_EQ(OutboxSender::retry_after_header("99999999999999"), seconds(0));
  // An HTTP-date is left to the backoff rather than trusted to our clock.
  EXPECT_EQ(OutboxSender::retry_after_header("Wed, 21 Oct 2026 07:28:00 GMT"), seconds(0));
}

TEST(Url, Parses) {
  auto u = parse_url("https://api.telegram.org");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls());
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "");
  auto v = parse_url("http://127.0.0.1:18080/v25.0/");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->host, "127.0.0.1");
  EXPECT_EQ(v->port, 18080);
  EXPECT_EQ(v->path, "/v25.0");
  EXPECT_FALSE(parse_url("ftp://x"));
  EXPECT_FALSE(parse_url("http://host:0"));
  EXPECT_FALSE(parse_url("api.telegram.org"));
}

TEST(QueryParam, DecodesAndRefusesBadEscapes) {
  EXPECT_EQ(query_param("client=abc&after=12", "after"), "12");
  EXPECT_EQ(query_param("q=a%20b+c", "q"), "a b c");
  EXPECT_FALSE(query_param("client=abc", "after"));
  EXPECT_FALSE(query_param("q=%zz", "q"));
  EXPECT_EQ(query_param("flag", "flag"), "");
}

}  // namespace
}  // namespace ponte::server
