#include "bot/server/console/canned.hpp"

namespace ponte::server::console {

std::optional<storage::CannedAnswer> pick_version(
    const std::vector<storage::CannedAnswer>& versions, const engine::FlowSet& flows,
    std::string_view language) {
  if (versions.empty()) return std::nullopt;
  std::vector<std::string> chain;
  if (!language.empty()) chain.emplace_back(language);
  if (const auto* info = engine::language_info(flows, language)) {
    chain.insert(chain.end(), info->fallback.begin(), info->fallback.end());
  }
  chain.push_back(engine::default_language(flows));
  for (const auto& lang : chain) {
    for (const auto& v : versions) {
      if (v.language == lang) return v;
    }
  }
  return versions.front();
}

std::string fill_variables(std::string_view body, const std::map<std::string, std::string>& vars) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] == '{') {
      const auto close = body.find('}', i + 1);
      if (close != std::string_view::npos) {
        const auto it = vars.find(std::string(body.substr(i + 1, close - i - 1)));
        if (it != vars.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += body[i++];
  }
  return out;
}

}  // namespace ponte::server::console
