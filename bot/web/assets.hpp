// Static files of the web chat, compiled into the binary from bot/web/assets/.
#pragma once

#include "bot/core/embedded.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ponte::web {

std::span<const EmbeddedFile> embedded_files();

struct Asset {
  std::string_view body;
  std::string_view content_type;
  std::string etag;  // strong validator derived from the bytes
};
// The asset for a URL path ("/" -> index.html); nullopt when none.
std::optional<Asset> find_asset(std::string_view url_path);

}  // namespace ponte::web
