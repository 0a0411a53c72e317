// A file compiled into the binary (web pages, SQL migrations): see
// cmake/Embed.cmake. Each embedding module declares its own
// `std::span<const EmbeddedFile> embedded_files()` in its namespace.
#pragma once

#include <string_view>

namespace ponte {

struct EmbeddedFile {
  std::string_view name;  // path relative to the embedded folder
  std::string_view data;
};

}  // namespace ponte
