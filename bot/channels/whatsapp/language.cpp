// A first language guess for a WhatsApp contact from the phone's calling
// code: WhatsApp gives no app language, and greeting a person in a language
// they likely read beats starting in a default. Only a guess (a migrant
// keeps the number of the country they live in, which is why the table is
// small and the flow still asks); empty when unknown. Calling codes form a
// prefix-free set, so the first 1-, 2- or 3-digit match is the code.
#include "bot/channels/whatsapp/whatsapp.hpp"

#include <array>

namespace ponte::channels::whatsapp {
namespace {

struct CallingCode {
  std::string_view code;
  std::string_view lang;
};

constexpr std::array<CallingCode, 51> kCallingCodes = {{
    {"39", "it"},
    {"33", "fr"},
    {"34", "es"},
    {"44", "en"},
    {"1", "en"},
    {"61", "en"},
    {"353", "en"},
    // Arabic-speaking countries
    {"20", "ar"},
    {"212", "ar"},
    {"213", "ar"},
    {"216", "ar"},
    {"218", "ar"},
    {"961", "ar"},
    {"962", "ar"},
    {"963", "ar"},
    {"964", "ar"},
    {"965", "ar"},
    {"966", "ar"},
    {"967", "ar"},
    {"968", "ar"},
    {"971", "ar"},
    {"973", "ar"},
    {"974", "ar"},
    {"249", "ar"},
    // French-speaking West and Central Africa
    {"221", "fr"},
    {"223", "fr"},
    {"225", "fr"},
    {"226", "fr"},
    {"227", "fr"},
    {"228", "fr"},
    {"229", "fr"},
    {"237", "fr"},
    {"241", "fr"},
    {"242", "fr"},
    {"243", "fr"},
    {"224", "fr"},
    // Spanish-speaking Latin America
    {"52", "es"},
    {"54", "es"},
    {"56", "es"},
    {"57", "es"},
    {"58", "es"},
    {"51", "es"},
    {"591", "es"},
    {"593", "es"},
    {"595", "es"},
    {"598", "es"},
    // Central America
    {"502", "es"},
    {"503", "es"},
    {"504", "es"},
    {"505", "es"},
    {"506", "es"},
}};

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

std::string language_from_phone(std::string_view phone) {
  if (!phone.empty() && phone.front() == '+') phone.remove_prefix(1);
  if (!all_digits(phone)) return {};
  for (std::size_t len = 1; len <= 3 && len < phone.size(); ++len) {
    const std::string_view prefix = phone.substr(0, len);
    for (const auto& row : kCallingCodes) {
      if (row.code == prefix) return std::string(row.lang);
    }
  }
  return {};
}

}  // namespace ponte::channels::whatsapp
