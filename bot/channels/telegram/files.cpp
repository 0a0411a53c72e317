// getFile: how an operator gets a photo, voice note or document a person
// sent. Updates carry only file ids; getFile turns one into a path that can
// be downloaded for a while.
#include "bot/channels/json_body.hpp"
#include "bot/channels/telegram/telegram.hpp"

#include <nlohmann/json.hpp>

namespace ponte::channels::telegram {

using nlohmann::json;

ApiCall get_file(std::string_view file_id) {
  return {"getFile", json{{"file_id", file_id}}.dump()};
}

Result<std::string> file_path(int http_status, std::string_view body) {
  if (http_status <= 0 || http_status == 429 || http_status >= 500) {
    return fail(Errc::unavailable, "telegram getFile: HTTP " + std::to_string(http_status));
  }
  auto parsed = parse_json_body(body);
  if (!parsed || !parsed->is_object()) return fail(Errc::parse, "telegram getFile: not JSON");
  const json& root = *parsed;
  const json* ok = member(root, "ok");
  if (http_status == 400 || ok == nullptr || !ok->is_boolean() || !ok->get<bool>()) {
    const std::string description = string_member(root, "description");
    return fail(
        http_status == 400 ? Errc::not_found : Errc::parse,
        "telegram getFile: " + (description.empty() ? "refused" : short_reason(description)));
  }
  const json* result = member(root, "result");
  const std::string path = result != nullptr ? string_member(*result, "file_path") : "";
  // No file_path: the file is over the Bot API's 20 MB download limit.
  if (path.empty()) return fail(Errc::not_found, "telegram getFile: file too big to download");
  if (path.find("..") != std::string::npos || path.front() == '/') {
    return fail(Errc::parse, "telegram getFile: unexpected file_path");
  }
  return path;
}

}  // namespace ponte::channels::telegram
