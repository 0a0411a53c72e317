#include "bot/web/assets.hpp"

#include <cstdint>
#include <cstdio>

namespace ponte::web {
namespace {

std::string_view content_type_for(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

std::string etag_for(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::optional<Asset> find_asset(std::string_view url_path) {
  if (url_path == "/" || url_path.empty()) url_path = "/index.html";
  if (url_path.front() != '/') return std::nullopt;
  url_path.remove_prefix(1);
  for (const auto& f : embedded_files()) {
    if (f.name == url_path) return Asset{f.data, content_type_for(f.name), etag_for(f.data)};
  }
  return std::nullopt;
}

}  // namespace ponte::web
