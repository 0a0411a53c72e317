// Operator passwords: Argon2id (libargon2) in the PHC string format, so the
// parameters travel with each hash and can be raised later without breaking
// old ones. Hashing takes tens of milliseconds and ~19 MiB on purpose.
#pragma once

#include "bot/core/error.hpp"

#include <string>
#include <string_view>

namespace ponte::server::console {

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 1024;

// Errc::invalid when the password is too short or too long.
Result<std::string> hash_password(std::string_view password);
// false for a wrong password or a malformed hash.
bool verify_password(std::string_view encoded_hash, std::string_view password);

// Random bytes from OpenSSL as lowercase hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);
// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);
// Comparison whose time does not depend on where the strings differ.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace ponte::server::console
