// What a Graph API reply meant. Meta returns 400 for most errors whatever
// their nature, so error.code decides, not the HTTP status (platforms.md,
// "Error responses and codes"). Problems only an operator can fix (token,
// permissions, a locked account or number) say "configuration" in the
// reason: the server alerts on it and pauses the channel.
#include "bot/channels/json_body.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <algorithm>
#include <array>

namespace ponte::channels::whatsapp {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kPairRateDelay{4};

constexpr std::array<std::int64_t, 7> kTransient = {130429, 131056, 131048, 131000,
                                                    131016, 4,      80007};
constexpr std::array<std::int64_t, 16> kPermanent = {131047, 131026, 131049, 131050, 131051, 131052,
                                                     131053, 131008, 131009, 100,    132000, 132001,
                                                     132015, 132016, 130472, 131062};
constexpr std::array<std::int64_t, 7> kConfiguration = {0, 190, 3, 10, 368, 131031, 133010};

template <std::size_t N>
bool in(const std::array<std::int64_t, N>& codes, std::int64_t code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

bool is_configuration(std::int64_t code) {
  return in(kConfiguration, code) || (code >= 200 && code <= 299);  // permissions
}

struct GraphError {
  std::int64_t code = 0;
  std::string message;
};

std::optional<GraphError> error_of(const json& reply) {
  const auto error = reply.find("error");
  if (error == reply.end() || !error->is_object()) return std::nullopt;
  const auto code = error->find("code");
  if (code == error->end() || !code->is_number_integer()) return std::nullopt;
  GraphError e;
  e.code = code->get<std::int64_t>();
  const auto message = error->find("message");
  if (message != error->end() && message->is_string()) e.message = message->get<std::string>();
  return e;
}

Delivery classify_success(const json& reply) {
  const auto messages = reply.find("messages");
  if (messages != reply.end() && messages->is_array() && !messages->empty()) {
    const json& first = messages->front();
    const auto id = first.is_object() ? first.find("id") : first.end();
    if (first.is_object() && id != first.end() && id->is_string()) {
      Delivery d = make(Delivery::Kind::sent, "sent");
      d.external_id = id->get<std::string>();
      return d;
    }
  }
  const auto success = reply.find("success");  // mark_read answers {"success":true}
  if (success != reply.end() && success->is_boolean() && success->get<bool>()) {
    return make(Delivery::Kind::sent, "sent");
  }
  return make(Delivery::Kind::retry, "2xx without messages[0].id");
}

Delivery classify_error(const GraphError& e, int http_status) {
  const std::string what =
      "code " + std::to_string(e.code) + (e.message.empty() ? "" : ": ") + e.message;
  if (is_configuration(e.code)) {
    return make(Delivery::Kind::permanent, short_reason("configuration: " + what));
  }
  if (in(kTransient, e.code)) {
    Delivery d = make(Delivery::Kind::retry, short_reason(what));
    if (e.code == 131056) d.retry_after = kPairRateDelay;  // pair rate limit
    return d;
  }
  if (in(kPermanent, e.code)) {
    Delivery d = make(Delivery::Kind::permanent, short_reason(what));
    d.recipient_gone = e.code == 131026;  // not on WhatsApp, or cannot receive
    return d;
  }
  return make(http_status >= 500 ? Delivery::Kind::retry : Delivery::Kind::permanent,
              short_reason("unknown " + what));
}

}  // namespace

Delivery classify(int http_status, std::string_view body) {
  if (http_status <= 0) return make(Delivery::Kind::retry, "no reply (timeout)");
  auto parsed = parse_json_body(body);
  const bool is_object = parsed && parsed->is_object();
  const json reply = is_object ? std::move(*parsed) : json::object();
  if (auto error = error_of(reply)) return classify_error(*error, http_status);

  if (http_status >= 200 && http_status < 300) {
    if (!is_object) return make(Delivery::Kind::retry, "unparsable 2xx reply");
    return classify_success(reply);
  }
  const std::string status = "HTTP " + std::to_string(http_status);
  if (http_status >= 500 || http_status == 408 || http_status == 429) {
    return make(Delivery::Kind::retry, status);
  }
  if (http_status == 401 || http_status == 403) {
    return make(Delivery::Kind::permanent, "configuration: " + status);
  }
  return make(Delivery::Kind::permanent, status);
}

}  // namespace ponte::channels::whatsapp
