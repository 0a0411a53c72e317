// Contacts: one row per person per channel. The platform identity
// (channel, external_id) is unique; everything personal elsewhere hangs off
// the row's id, so erasing a person is deleting this row.
#include "storage/repositories.hpp"
#include "storage/repository_support.hpp"

namespace ponte::storage {
namespace {

constexpr std::string_view kColumns =
    "id, channel, external_id, chat_id, language, display_name, created_at, last_inbound_at, "
    "unreachable";

// Reads a row selected with kColumns.
Result<Contact> read_contact(const Statement& st) {
  auto channel = channel_column(st, 1, "contacts.channel");
  if (!channel) return channel.error();
  Contact c;
  c.id = st.column_int(0);
  c.channel = *channel;
  c.external_id = st.column_text(2);
  c.chat_id = st.column_text(3);
  c.language = st.column_optional_text(4);
  c.display_name = st.column_optional_text(5);
  c.created_at = st.column_int(6);
  c.last_inbound_at = st.column_optional_int(7);
  c.unreachable = st.column_int(8) != 0;
  return c;
}

Result<std::optional<Contact>> read_one(Statement& st) {
  auto row = st.step();
  if (!row) return row.error();
  if (!*row) return std::optional<Contact>();
  auto contact = read_contact(st);
  if (!contact) return contact.error();
  return std::optional<Contact>(std::move(*contact));
}

}  // namespace

// One statement, so a contact's first two messages racing on two
// conversations can never create it twice. last_inbound_at only moves
// forward: a webhook retried late must not shorten WhatsApp's 24 h window.
Result<Contact> upsert_contact(Database& db, Channel channel, std::string_view external_id,
                               std::string_view chat_id, std::string_view display_name,
                               std::int64_t inbound_at) {
  static const std::string sql =
      "INSERT INTO contacts (channel, external_id, chat_id, display_name, created_at, "
      "last_inbound_at) VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?5) "
      "ON CONFLICT (channel, external_id) DO UPDATE SET chat_id = excluded.chat_id, "
      "display_name = coalesce(excluded.display_name, contacts.display_name), "
      "last_inbound_at = max(coalesce(contacts.last_inbound_at, excluded.last_inbound_at), "
      "excluded.last_inbound_at) RETURNING " +
      std::string(kColumns);
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, to_string(channel)).bind(2, external_id).bind(3, chat_id);
  scope->bind(4, display_name).bind(5, inbound_at);
  auto contact = read_one(*scope);
  if (!contact) return contact.error();
  if (!*contact) return fail(Errc::internal, "upsert_contact returned no row");
  return std::move(**contact);
}

Result<std::optional<Contact>> find_contact(Database& db, Channel channel,
                                            std::string_view external_id) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM contacts WHERE channel = ?1 AND external_id = ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, to_string(channel)).bind(2, external_id);
  return read_one(*scope);
}

Result<std::optional<Contact>> get_contact(Database& db, ContactId id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM contacts WHERE id = ?1";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id);
  return read_one(*scope);
}

Result<void> set_contact_language(Database& db, ContactId id, std::string_view language) {
  auto st = db.prepare("UPDATE contacts SET language = ?2 WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, language);
  return run_expecting_row(db, *scope, "no contact " + std::to_string(id));
}

Result<void> set_contact_unreachable(Database& db, ContactId id, bool unreachable) {
  auto st = db.prepare("UPDATE contacts SET unreachable = ?2 WHERE id = ?1");
  if (!st) return st.error();
  StatementScope scope(**st);
  scope->bind(1, id).bind(2, std::int64_t{unreachable ? 1 : 0});
  return run_expecting_row(db, *scope, "no contact " + std::to_string(id));
}

}  // namespace ponte::storage
