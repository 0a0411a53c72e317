// libFuzzer target: a Telegram webhook body, and a Bot API reply, as the
// Telegram adapter reads them. Any input must give a value or an error:
// no exception, crash, leak or undefined behaviour.
#include "bot/channels/telegram/telegram.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tg = ponte::channels::telegram;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto update = tg::parse_update(body);
  if (update && *update) {
    // What the turn does next with a parsed event: answer in its chat.
    ponte::OutboundMessage reply;
    reply.text = (*update)->text;
    for (const auto& part : tg::split(reply)) (void)tg::render(part, (*update)->chat);
  }
  (void)tg::verify_secret(body, "fuzz-secret");
  // The same bytes as replies of the Bot API, which Ponte also parses.
  for (const int status : {200, 400, 403, 429, 502}) {
    (void)tg::classify(status, body);
    (void)tg::file_path(status, body);
  }
  return 0;
}
