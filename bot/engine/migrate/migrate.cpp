// The migration driver and the tables of steps (see migrate.hpp).
#include "bot/engine/migrate/migrate.hpp"

#include <string>

namespace ponte::engine {

std::span<const Migration> flow_migrations() { return {}; }
std::span<const Migration> settings_migrations() { return {}; }

Result<nlohmann::json> migrate(nlohmann::json doc, std::span<const Migration> steps, int current) {
  const auto it = doc.is_object() ? doc.find("spec") : doc.end();
  if (!doc.is_object() || it == doc.end()) {
    return fail(Errc::invalid, "missing \"spec\": write \"spec\": " + std::to_string(current));
  }
  if (!it->is_number_integer() || it->get<long long>() < 1) {
    return fail(Errc::invalid, "\"spec\" must be a whole number from 1");
  }
  int spec = it->get<int>();
  if (spec > current) {
    return fail(Errc::invalid, "spec " + std::to_string(spec) +
                                   " is newer than this Ponte understands (" +
                                   std::to_string(current) + "); update Ponte");
  }
  while (spec < current) {
    const Migration* next = nullptr;
    for (const auto& m : steps) {
      if (m.to == spec + 1) next = &m;
    }
    if (next == nullptr) {
      return fail(Errc::invalid, "no migration from spec " + std::to_string(spec) + " to " +
                                     std::to_string(spec + 1));
    }
    doc = next->apply(std::move(doc));
    spec = next->to;
    doc["spec"] = spec;
  }
  return Result<nlohmann::json>(boost::system::in_place_value, std::move(doc));
}

}  // namespace ponte::engine
