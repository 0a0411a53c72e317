// Untrusted JSON: depth limit before the recursive parser, strict UTF-8.
#include "bot/channels/json_body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ponte::channels {
namespace {

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

TEST(JsonBody, DepthLimitIsSixtyFourLevels) {
  EXPECT_TRUE(parse_json_body(nested(64)).has_value());
  auto deep = parse_json_body(nested(65));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, Errc::parse);
}

TEST(JsonBody, HugeNestingIsRejectedWithoutRecursion) {
  EXPECT_FALSE(parse_json_body(std::string(1'000'000, '[')).has_value());
  EXPECT_FALSE(parse_json_body(std::string(500'000, '{')).has_value());
}

TEST(JsonBody, BracketsInsideStringsDoNotCount) {
  const std::string body =
      "{\"a\":\"" + std::string(200, '[') + "\\\"" + std::string(200, '{') + "\"}";
  auto v = parse_json_body(body);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->at("a").get<std::string>().size(), 401u);
}

TEST(JsonBody, InvalidUtf8AndSyntaxAreParseErrors) {
  for (const std::string body : {"{\"a\":\"\xC3\x28\"}", "{\"a\":\"\xED\xA0\x80\"}",
                                 "{\"a\":\"\\ud800\"}", "{", "", "nul", "{\"a\":1,}"}) {
    auto v = parse_json_body(body);
    ASSERT_FALSE(v.has_value()) << body;
    EXPECT_EQ(v.error().code, Errc::parse);
  }
}

TEST(JsonBody, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  const nlohmann::json v = {{"t", "a\xFF"}};
  EXPECT_EQ(dump_compact(v), "{\"t\":\"a\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace ponte::channels
