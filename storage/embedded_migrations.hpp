// The SQL files of storage/migrations/, compiled in (cmake/Embed.cmake),
// named "NNN_name.sql" and listed in ascending order.
#pragma once

#include "bot/core/embedded.hpp"

#include <span>

namespace ponte::storage::migrations {
std::span<const EmbeddedFile> embedded_files();
}
