// Media a person sent: webhooks carry only an id; Graph turns it into a
// short-lived download URL.
#include "bot/channels/json_body.hpp"
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <nlohmann/json.hpp>

namespace ponte::channels::whatsapp {

Result<MediaInfo> media_info(int http_status, std::string_view body) {
  if (http_status <= 0 || http_status == 429 || http_status >= 500) {
    return fail(Errc::unavailable, "whatsapp media: HTTP " + std::to_string(http_status));
  }
  if (http_status == 400 || http_status == 404) {
    return fail(Errc::not_found, "whatsapp media: unknown or expired media id");
  }
  auto parsed = parse_json_body(body);
  if (!parsed || !parsed->is_object() || http_status != 200) {
    return fail(Errc::parse,
                "whatsapp media: unexpected reply, HTTP " + std::to_string(http_status));
  }
  MediaInfo info{string_member(*parsed, "url"), string_member(*parsed, "mime_type")};
  if (info.url.rfind("https://", 0) != 0 && info.url.rfind("http://", 0) != 0) {
    return fail(Errc::parse, "whatsapp media: reply without a download url");
  }
  return info;
}

}  // namespace ponte::channels::whatsapp
