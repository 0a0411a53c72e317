#include "bot/server/console/case_json.hpp"

#include <charconv>

namespace ponte::server::console {

nlohmann::json case_json(const storage::ConsoleCase& c, std::int64_t now) {
  const auto& r = c.row;
  const bool open = r.status != storage::CaseStatus::resolved;
  return {{"id", r.id},
          {"contact_id", r.contact_id},
          {"status", storage::to_string(r.status)},
          {"phase", r.phase},
          {"priority", r.priority},
          {"topic", r.topic},
          {"reason", r.reason},
          {"summary", r.summary},
          {"language", r.language},
          {"channel", to_string(r.channel)},
          {"municipality", c.municipality},
          {"outcome", c.outcome},
          {"claimed_by", c.claimed_by ? nlohmann::json(*c.claimed_by) : nlohmann::json()},
          {"claimed_by_name", c.claimed_by_name},
          {"version", c.version},
          {"waiting", open && c.waiting},
          {"wait_ms", open ? now - r.created_at : c.resolved_at.value_or(now) - r.created_at},
          {"created_at", r.created_at},
          {"updated_at", r.updated_at}};
}

nlohmann::json task_json(const storage::CaseTask& t) {
  return {{"id", t.id},
          {"title", t.title},
          {"owner_id", t.owner_id ? nlohmann::json(*t.owner_id) : nlohmann::json()},
          {"owner", t.owner_name},
          {"due_at", t.due_at ? nlohmann::json(*t.due_at) : nlohmann::json()},
          {"status", t.status}};
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace ponte::server::console
