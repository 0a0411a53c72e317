// libFuzzer target: a WhatsApp Cloud API webhook notification, the GET
// handshake's query string and a Graph API reply, as the WhatsApp adapter
// reads them. Any input must give a value or an error: no exception, crash,
// leak or undefined behaviour.
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wa = ponte::channels::whatsapp;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = wa::parse_webhook(body);
  if (parsed) {
    // What the turn does next with a parsed message: answer the sender,
    // with its text as the text and as the label of each kind of choice list.
    for (const auto& ev : parsed->events) {
      ponte::OutboundMessage reply;
      reply.text = ev.text;
      (void)wa::render(reply, ev.chat, ev.text);
      for (std::size_t n : {2, 5, 12}) {
        reply.choices.clear();
        for (std::size_t i = 0; i < n; ++i) {
          reply.choices.push_back({"c" + std::to_string(i), ev.text + std::to_string(i)});
        }
        (void)wa::render(reply, ev.chat, ev.text);
      }
      (void)wa::language_from_phone(ev.chat);
    }
  }
  (void)wa::verify_signature(body, body, "fuzz-app-secret");
  (void)wa::verify_handshake(body, "fuzz-verify-token");
  for (const int status : {0, 200, 400, 404, 429, 500}) {
    (void)wa::classify(status, body);
    (void)wa::media_info(status, body);
  }
  return 0;
}
