#include "bot/channels/json_body.hpp"

namespace ponte::channels {

bool json_depth_within(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        // Unbalanced closers are a syntax error the real parser reports.
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return true;
}

Result<nlohmann::json> parse_json_body(std::string_view body) {
  if (!json_depth_within(body)) return fail(Errc::parse, "JSON nested too deeply");
  auto value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return fail(Errc::parse, "not valid JSON (or not UTF-8)");
  // in_place: json converts to almost anything, so the implicit constructor is ambiguous.
  return Result<nlohmann::json>(boost::system::in_place_value, std::move(value));
}

std::string dump_compact(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json& object, const char* key) {
  const nlohmann::json* v = member(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace ponte::channels
