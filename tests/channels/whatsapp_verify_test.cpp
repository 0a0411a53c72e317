// X-Hub-Signature-256 and the GET subscription handshake.
#include "bot/channels/whatsapp/whatsapp.hpp"
#include "fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace ponte::channels::whatsapp {
namespace {

constexpr std::string_view kSecret = "ponte-app-secret";
// printf '%s' '{"object":"whatsapp_business_account","entry":[]}' |
//   openssl dgst -sha256 -hmac 'ponte-app-secret'
constexpr std::string_view kSmallBody = R"({"object":"whatsapp_business_account","entry":[]})";
constexpr std::string_view kSmallSignature =
    "sha256=137b6fe96c0de5e08efbf83dfead938c7952add58ae8a9b8baa841260d590aac";
// openssl dgst -sha256 -hmac 'ponte-app-secret' tests/channels/data/whatsapp/text.json
// (raw bytes, including the non-ASCII "—" and "è" and the final newline)
constexpr std::string_view kFixtureSignature =
    "sha256=e935965b1e2fd3716b72fcd5163d465215280d829d0290a0fb3b65f80ae0d195";

TEST(WhatsAppSignature, AcceptsKnownVectors) {
  EXPECT_TRUE(verify_signature(kSmallBody, kSmallSignature, kSecret));
  const auto body = test::read_fixture("whatsapp/text.json");
  EXPECT_TRUE(verify_signature(body, kFixtureSignature, kSecret));
}

TEST(WhatsAppSignature, AcceptsUpperCaseHex) {
  std::string upper(kSmallSignature);
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  ASSERT_NE(upper, kSmallSignature);
  EXPECT_TRUE(verify_signature(kSmallBody, upper, kSecret));
}

TEST(WhatsAppSignature, RejectsWrongSecretOrBody) {
  EXPECT_FALSE(verify_signature(kSmallBody, kSmallSignature, "ponte-app-secreT"));
  EXPECT_FALSE(verify_signature(kSmallBody, kSmallSignature, ""));
  // Re-serialised JSON (a space added) is not the body Meta signed.
  EXPECT_FALSE(verify_signature(R"({"object": "whatsapp_business_account","entry":[]})",
                                kSmallSignature, kSecret));
  EXPECT_FALSE(verify_signature("", kSmallSignature, kSecret));
}

TEST(WhatsAppSignature, RejectsMalformedHeaders) {
  const std::string hex(kSmallSignature.substr(7));
  EXPECT_FALSE(verify_signature(kSmallBody, hex, kSecret));              // no prefix
  EXPECT_FALSE(verify_signature(kSmallBody, "sha1=" + hex, kSecret));    // wrong prefix
  EXPECT_FALSE(verify_signature(kSmallBody, "SHA256=" + hex, kSecret));  // prefix case
  EXPECT_FALSE(verify_signature(kSmallBody, kSmallSignature.substr(0, 70), kSecret));
  EXPECT_FALSE(verify_signature(kSmallBody, std::string(kSmallSignature) + "0", kSecret));
  EXPECT_FALSE(verify_signature(kSmallBody, " " + std::string(kSmallSignature), kSecret));
  EXPECT_FALSE(verify_signature(kSmallBody, "", kSecret));
  EXPECT_FALSE(verify_signature(kSmallBody, "sha256=", kSecret));
  std::string not_hex(kSmallSignature);
  not_hex[20] = 'g';
  EXPECT_FALSE(verify_signature(kSmallBody, not_hex, kSecret));
  std::string flipped(kSmallSignature);
  flipped.back() = flipped.back() == 'c' ? 'd' : 'c';
  EXPECT_FALSE(verify_signature(kSmallBody, flipped, kSecret));
}

TEST(WhatsAppSignature, EmptyBodyHasItsOwnDigest) {
  // printf '' | openssl dgst -sha256 -hmac 'k'
  EXPECT_TRUE(verify_signature(
      "", "sha256=8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620", "k"));
}

struct HandshakeCase {
  const char* description;
  const char* query;
  const char* token;
  std::optional<std::string> expect;
};

TEST(WhatsAppHandshake, Table) {
  const HandshakeCase cases[] = {
      {"Meta's request", "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=tok", "tok",
       "1158201444"},
      {"leading question mark", "?hub.verify_token=tok&hub.mode=subscribe&hub.challenge=42", "tok",
       "42"},
      {"percent-encoded token", "hub.mode=subscribe&hub.verify_token=a%20b%2Bc%3D&hub.challenge=7",
       "a b+c=", "7"},
      {"plus is a space", "hub.mode=subscribe&hub.verify_token=a+b&hub.challenge=7", "a b", "7"},
      {"encoded keys", "hub%2Emode=subscribe&hub.verify_token=tok&hub.challenge=9", "tok", "9"},
      {"other keys ignored", "x=1&&hub.mode=subscribe&hub.verify_token=tok&hub.challenge=5&y",
       "tok", "5"},
      {"first occurrence wins",
       "hub.mode=subscribe&hub.verify_token=tok&hub.verify_token=bad"
       "&hub.challenge=3",
       "tok", "3"},
      {"wrong token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=tok", "tok2",
       std::nullopt},
      {"token prefix", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=to", "tok",
       std::nullopt},
      {"wrong mode", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=tok", "tok",
       std::nullopt},
      {"missing mode", "hub.challenge=1&hub.verify_token=tok", "tok", std::nullopt},
      {"missing challenge", "hub.mode=subscribe&hub.verify_token=tok", "tok", std::nullopt},
      {"empty challenge", "hub.mode=subscribe&hub.challenge=&hub.verify_token=tok", "tok",
       std::nullopt},
      {"control char in challenge", "hub.mode=subscribe&hub.challenge=1%0A2&hub.verify_token=tok",
       "tok", std::nullopt},
      {"bad percent escape", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=tok%2", "tok",
       std::nullopt},
      {"non-hex escape", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=%zztok", "tok",
       std::nullopt},
      {"empty configured token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=", "",
       std::nullopt},
      {"empty query", "", "tok", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(verify_handshake(c.query, c.token), c.expect) << c.description;
  }
}

TEST(WhatsAppHandshake, RejectsOverlongChallenge) {
  const std::string ok(256, '7');
  EXPECT_EQ(verify_handshake("hub.mode=subscribe&hub.verify_token=t&hub.challenge=" + ok, "t"), ok);
  EXPECT_EQ(
      verify_handshake("hub.mode=subscribe&hub.verify_token=t&hub.challenge=" + ok + "7", "t"),
      std::nullopt);
}

}  // namespace
}  // namespace ponte::channels::whatsapp
