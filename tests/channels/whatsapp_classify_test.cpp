// Graph API replies -> Delivery, one row per case (platforms.md error table).
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <gtest/gtest.h>

namespace ponte::channels::whatsapp {
namespace {

using Kind = Delivery::Kind;

std::string graph_error(int code, const std::string& message) {
  return R"({"error":{"message":")" + message + R"(","type":"OAuthException","code":)" +
         std::to_string(code) + R"(,"error_subcode":0,"fbtrace_id":"A1b2C3"}})";
}

struct Row {
  int http;
  std::string body;
  Kind kind;
  int retry_after = 0;
  bool configuration = false;
  bool gone = false;
};

TEST(WhatsAppClassify, Success) {
  const auto d = classify(200, R"({"messaging_product":"whatsapp",
    "contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
    "messages":[{"id":"wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"}]})");
  EXPECT_EQ(d.kind, Kind::sent);
  EXPECT_EQ(d.external_id, "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA");
  EXPECT_FALSE(d.recipient_gone);

  const auto read = classify(200, R"({"success":true})");
  EXPECT_EQ(read.kind, Kind::sent);
  EXPECT_EQ(read.external_id, "");
}

TEST(WhatsAppClassify, Table) {
  const Row rows[] = {
      // transient
      {400, graph_error(130429, "Rate limit hit"), Kind::retry},
      {400, graph_error(131056, "(#131056) Pair rate limit hit"), Kind::retry, 4},
      {400, graph_error(131048, "Spam rate limit hit"), Kind::retry},
      {500, graph_error(131000, "Something went wrong"), Kind::retry},
      {503, graph_error(131016, "Service unavailable"), Kind::retry},
      {400, graph_error(4, "Application request limit reached"), Kind::retry},
      {400, graph_error(80007, "Rate limit issues"), Kind::retry},
      {502, "<html>Bad Gateway</html>", Kind::retry},
      {500, "", Kind::retry},
      {429, "", Kind::retry},
      {0, "", Kind::retry},  // no reply: timeout or connection reset
      {200, R"({"messaging_product":"whatsapp"})", Kind::retry},
      {200, "garbage", Kind::retry},
      // permanent for this message
      {400, graph_error(131047, "Re-engagement message"), Kind::permanent},
      {400, graph_error(131026, "(#131026) Message Undeliverable."), Kind::permanent, 0, false,
       true},
      {400, graph_error(131049, "Not delivered: ecosystem"), Kind::permanent},
      {400, graph_error(131050, "User stopped marketing"), Kind::permanent},
      {400, graph_error(131051, "Unsupported message type"), Kind::permanent},
      {400, graph_error(131052, "Media download error"), Kind::permanent},
      {400, graph_error(131053, "Media upload error"), Kind::permanent},
      {400, graph_error(131008, "Required parameter is missing"), Kind::permanent},
      {400, graph_error(131009, "Parameter value is not valid"), Kind::permanent},
      {400, graph_error(100, "Invalid parameter"), Kind::permanent},
      {400, graph_error(132000, "Number of parameters does not match"), Kind::permanent},
      {404, graph_error(132001, "Template name does not exist"), Kind::permanent},
      {400, graph_error(132015, "Template is paused"), Kind::permanent},
      {400, graph_error(132016, "Template is disabled"), Kind::permanent},
      {400, graph_error(130472, "User's number is part of an experiment"), Kind::permanent},
      // configuration: the operator must act
      {401, graph_error(0, "AuthException"), Kind::permanent, 0, true},
      {401, graph_error(190, "Your access token has expired."), Kind::permanent, 0, true},
      {403, graph_error(3, "Capability"), Kind::permanent, 0, true},
      {403, graph_error(10, "Permission denied"), Kind::permanent, 0, true},
      {403, graph_error(200, "Permission error"), Kind::permanent, 0, true},
      {403, graph_error(299, "Permission error"), Kind::permanent, 0, true},
      {400, graph_error(368, "Temporarily blocked for policies violations"), Kind::permanent, 0,
       true},
      {400, graph_error(131031, "Account has been locked"), Kind::permanent, 0, true},
      {400, graph_error(133010, "Phone number not registered"), Kind::permanent, 0, true},
      {401, "", Kind::permanent, 0, true},
      // unknown codes: the HTTP status decides
      {400, graph_error(999999, "Something new"), Kind::permanent},
      {500, graph_error(999999, "Something new"), Kind::retry},
      {400, R"({"error":"not an object"})", Kind::permanent},
      {404, "", Kind::permanent},
  };
  for (const auto& row : rows) {
    const auto d = classify(row.http, row.body);
    const std::string where = std::to_string(row.http) + " " + row.body;
    EXPECT_EQ(d.kind, row.kind) << where;
    EXPECT_EQ(d.retry_after, std::chrono::seconds(row.retry_after)) << where;
    EXPECT_EQ(d.reason.rfind("configuration", 0) == 0, row.configuration) << where << d.reason;
    EXPECT_EQ(d.recipient_gone, row.gone) << where;
    EXPECT_FALSE(d.reason.empty()) << where;
    EXPECT_TRUE(d.external_id.empty()) << where;
  }
}

TEST(WhatsAppClassify, ReasonCarriesCodeAndMessage) {
  const auto d = classify(400, graph_error(131047, "Re-engagement message"));
  EXPECT_EQ(d.reason, "code 131047: Re-engagement message");
  const auto c = classify(401, graph_error(190, "Your access token has expired."));
  EXPECT_EQ(c.reason, "configuration: code 190: Your access token has expired.");
}

TEST(WhatsAppClassify, LongReasonIsCutAtACharacterBoundary) {
  std::string message;
  for (int i = 0; i < 100; ++i) message += "é";  // 2 bytes each
  const auto d = classify(400, graph_error(131026, "x" + message));
  EXPECT_LE(d.reason.size(), 200u);
  EXPECT_GE(d.reason.size(), 190u);
  const auto last = static_cast<unsigned char>(d.reason.back());
  EXPECT_TRUE(last == 0xA9 || last < 0x80) << "cut inside a UTF-8 sequence";
}

}  // namespace
}  // namespace ponte::channels::whatsapp

namespace ponte::channels::whatsapp {
namespace {

TEST(WhatsAppMedia, InfoGivesTheDownloadUrl) {
  const auto info =
      media_info(200, R"({"url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
              "mime_type":"image/jpeg","sha256":"x","file_size":303833,"id":"1479537139650973",
              "messaging_product":"whatsapp"})");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->url, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1");
  EXPECT_EQ(info->mime_type, "image/jpeg");
}

TEST(WhatsAppMedia, ErrorsSayWhetherToTryAgain) {
  EXPECT_EQ(media_info(404, R"({"error":{"code":100}})").error().code, Errc::not_found);
  EXPECT_EQ(media_info(400, R"({"error":{"code":100}})").error().code, Errc::not_found);
  EXPECT_EQ(media_info(503, "").error().code, Errc::unavailable);
  EXPECT_EQ(media_info(0, "").error().code, Errc::unavailable);
  EXPECT_EQ(media_info(200, R"({"url":"file:///etc/passwd"})").error().code, Errc::parse);
  EXPECT_EQ(media_info(200, "not json").error().code, Errc::parse);
}

}  // namespace
}  // namespace ponte::channels::whatsapp
