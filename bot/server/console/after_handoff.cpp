// What a person hears from Ponte itself right after a handoff put them in
// the queue: the emergency numbers at once when the case is urgent (any
// hour), and outside office hours when operators are back and that the case
// is kept. A call-back request (flows/callback.json) joins the list
// operators work through. Texts come from locales/<lang>/console.json (system.* keys: no flow uses
// them), in the person's language; they go out through queue_outbound like every bot reply.
#include "bot/core/log.hpp"
#include "bot/server/console/api_support.hpp"
#include "bot/server/console/handlers.hpp"
#include "bot/server/console/office_hours.hpp"
#include "bot/server/deliver.hpp"

namespace ponte::server::console {

namespace {

// The callback flow (flows/callback.json) stores contact.phone and
// vars.callback_slots, then hands off. The handoff may join an open case of
// another topic, so the request is recognised by the slots it collected
// (session vars are cleared whenever a conversation restarts).
std::optional<storage::Callback> callback_of(storage::Database& db, const storage::ConsoleCase& c,
                                             std::int64_t now) {
  auto session = storage::load_session(db, c.row.contact_id);
  if (!session || !*session) return std::nullopt;
  auto state = Json::parse((*session)->state_json, nullptr, false);
  if (!state.is_object()) return std::nullopt;
  const auto phone = state.value("/contact/phone"_json_pointer, std::string());
  const auto slots = state.value("/vars/callback_slots"_json_pointer, std::string());
  if (phone.empty() || slots.empty()) return std::nullopt;
  storage::Callback cb;
  cb.contact_id = c.row.contact_id;
  cb.case_id = c.row.id;
  cb.phone = phone;
  cb.slots = slots;
  cb.language = c.row.language;
  cb.created_at = now;
  return cb;
}

}  // namespace

net::awaitable<void> after_handoff(Services& svc, ContactId contact_id, std::int64_t case_id,
                                   bool emergency_numbers) {
  const auto now = now_ms(svc);
  auto flows = svc.flows.get();
  std::optional<storage::Contact> contact;
  std::vector<OutboundMessage> messages;
  std::optional<storage::Callback> callback;
  {
    auto reader = svc.readers.acquire();
    if (!reader) co_return;
    auto c = storage::get_console_case(**reader, case_id);
    auto k = storage::get_contact(**reader, contact_id);
    if (!c || !*c || !k || !*k) co_return;
    contact = std::move(*k);
    const auto lang =
        (*c)->row.language.empty() ? contact->language.value_or("") : (*c)->row.language;
    auto say = [&](std::string_view key, const engine::Args& args) {
      OutboundMessage m;
      m.text = engine::render(*flows, lang, key, args);
      m.lang = lang;
      if (const auto* info = engine::language_info(*flows, lang)) m.rtl = info->rtl;
      if (!m.text.empty()) messages.push_back(std::move(m));
    };
    if ((*c)->row.priority == 0 && emergency_numbers) say("system.emergency", {});
    callback = callback_of(**reader, **c, now);
    auto hours = parse_office_hours(svc.config.office_hours);
    if (hours && !is_open(*hours, now)) {
      if (auto back = next_opening(*hours, now)) {
        say("system.after_hours", {{"when", format_when(*hours, *back, lang)}});
      } else {
        say("system.after_hours_unknown", {});
      }
    }
  }
  if (messages.empty() && !callback) co_return;
  DeliverUnit unit = [=, c = *contact](storage::Database& db, Queued& queued) -> Result<void> {
    if (callback) {
      if (auto id = storage::request_callback(db, *callback); !id) return id.error();
    }
    for (const auto& m : messages) {
      if (auto r = queue_outbound(db, c, m, "reply", now, queued); !r) return r;
    }
    return {};
  };
  auto sent = co_await commit_and_dispatch(svc, *contact, std::move(unit));
  if (!sent) {
    log::warn("handoff.notice_not_sent", {{"case", case_id}, {"error", sent.error().message}});
  }
  notify_consoles(svc);
}

}  // namespace ponte::server::console
