// Inbound dedupe. Platforms retry a webhook until they see a 2xx, and a 2xx
// may be lost on the way back: the same update can arrive twice. The key is
// recorded in the same transaction as the event's effects, so "recorded"
// and "processed" cannot disagree after a crash.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {

Result<bool> remember_inbound(Database& db, Channel channel, std::string_view external_id,
                              std::int64_t at) {
  auto st = db.prepare(
      "INSERT INTO inbound_keys (channel, external_id, received_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (channel, external_id) DO NOTHING");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, to_string(channel)).bind(2, external_id).bind(3, at);
  if (auto r = scope->run(); !r) return r.error();
  return db.changes() == 1;
}

// The index on received_at keeps this a range delete, not a table scan.
Result<int> prune_inbound(Database& db, std::int64_t before) {
  auto st = db.prepare("DELETE FROM inbound_keys WHERE received_at < ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, before);
  if (auto r = scope->run(); !r) return r.error();
  return db.changes();
}

}  // namespace ponte::storage
