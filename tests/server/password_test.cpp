// Operator passwords: Argon2id hashes that verify the right password only,
// carry their parameters, and are salted (two hashes of one password differ).
#include "bot/server/console/password.hpp"

#include <gtest/gtest.h>

namespace ponte::server::console {
namespace {

TEST(Password, HashVerifiesOnlyTheRightPassword) {
  const auto hash = hash_password("correct horse battery").value();
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_NE(hash, hash_password("correct horse battery").value()) << "salted";
}

TEST(Password, TooShortOrMalformedIsRefused) {
  EXPECT_EQ(hash_password("short").error().code, Errc::invalid);
  EXPECT_FALSE(verify_password("not a hash", "whatever password"));
  EXPECT_FALSE(verify_password("", "whatever password"));
}

TEST(Password, TokensAreRandomHexAndHashedStably) {
  const auto a = random_hex(32);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, random_hex(32));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(equal_constant_time("same", "same"));
  EXPECT_FALSE(equal_constant_time("same", "sane"));
  EXPECT_FALSE(equal_constant_time("same", "same!"));
}

}  // namespace
}  // namespace ponte::server::console
