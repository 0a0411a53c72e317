// Who may talk to the WhatsApp webhook: the POST signature (HMAC-SHA256 of
// the raw body with the app secret) and the GET subscription handshake.
// Both compare secrets in constant time; the parsing of attacker-supplied
// text around them (hex, percent-encoding) need not be.
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace ponte::channels::whatsapp {
namespace {

constexpr std::string_view kSignaturePrefix = "sha256=";
constexpr std::size_t kDigestSize = 32;
constexpr std::size_t kMaxChallenge = 256;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Time depends only on the configured length (same idea as Telegram's
// verify_secret): a length mismatch folds into the accumulator.
bool equal_constant_time(std::string_view given, std::string_view configured) {
  unsigned diff = given.size() == configured.size() ? 0u : 1u;
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0u;
    diff |= g ^ static_cast<unsigned char>(configured[i]);
  }
  return diff == 0;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (in.size() - i < 3) return std::nullopt;  // '%' needs two hex digits
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

struct HubParams {
  std::optional<std::string> mode;
  std::optional<std::string> token;
  std::optional<std::string> challenge;
};

// The first occurrence of each hub.* key counts; other keys are ignored.
std::optional<HubParams> parse_hub_query(std::string_view query) {
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  HubParams hub;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    std::optional<std::string>* slot = nullptr;
    if (*key == "hub.mode") slot = &hub.mode;
    if (*key == "hub.verify_token") slot = &hub.token;
    if (*key == "hub.challenge") slot = &hub.challenge;
    if (slot != nullptr && !slot->has_value()) *slot = std::move(*value);
  }
  return hub;
}

bool printable(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return false;
  }
  return true;
}

}  // namespace

bool verify_signature(std::string_view raw_body, std::string_view header,
                      std::string_view app_secret) {
  if (app_secret.empty()) return false;
  if (header.size() != kSignaturePrefix.size() + 2 * kDigestSize) return false;
  if (header.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) return false;
  const std::string_view hex = header.substr(kSignaturePrefix.size());
  std::array<unsigned char, kDigestSize> given{};
  for (std::size_t i = 0; i < kDigestSize; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }

  static constexpr unsigned char kEmpty[1] = {0};
  const auto* data =
      raw_body.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(raw_body.data());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()), data,
           raw_body.size(), digest.data(), &digest_size) == nullptr ||
      digest_size != kDigestSize) {
    return false;
  }
  return CRYPTO_memcmp(digest.data(), given.data(), kDigestSize) == 0;
}

std::optional<std::string> verify_handshake(std::string_view query, std::string_view verify_token) {
  if (verify_token.empty()) return std::nullopt;
  auto hub = parse_hub_query(query);
  if (!hub || !hub->mode || !hub->token || !hub->challenge) return std::nullopt;
  const bool token_ok = equal_constant_time(*hub->token, verify_token);
  if (!token_ok || *hub->mode != "subscribe") return std::nullopt;
  const std::string& challenge = *hub->challenge;
  if (challenge.empty() || challenge.size() > kMaxChallenge || !printable(challenge)) {
    return std::nullopt;
  }
  return challenge;
}

}  // namespace ponte::channels::whatsapp
