// Safe parsing of untrusted JSON bodies (webhooks, web chat posts, platform
// replies). nlohmann/json's parser itself keeps an explicit stack, but much
// of what follows a parse recurses over the value (dump, copies, comparison,
// our own walkers), so a body nested thousands of levels deep could exhaust
// the stack later: a cheap byte scan rejects it before anything is built.
// Syntax errors and invalid UTF-8 come back as Errc::parse, never thrown.
#pragma once

#include "bot/core/error.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace ponte::channels {

inline constexpr int kMaxJsonDepth = 64;

// True when no array/object in `body` is nested deeper than `max_depth`
// (brackets inside strings do not count). Linear, no allocation.
bool json_depth_within(std::string_view body, int max_depth = kMaxJsonDepth);

// Parses `body` as JSON: depth-checked, strict UTF-8, no exceptions.
// The error message is short and safe to show a client.
Result<nlohmann::json> parse_json_body(std::string_view body);

// Serialises for the wire: compact, invalid UTF-8 replaced by U+FFFD rather
// than thrown (text from flows and people is not trusted to be valid).
std::string dump_compact(const nlohmann::json& value);

// Lenient accessors for platform JSON: null when `object` is not an object
// or has no `key`; "" when the member is missing or not a string.
const nlohmann::json* member(const nlohmann::json& object, const char* key);
std::string string_member(const nlohmann::json& object, const char* key);

}  // namespace ponte::channels
