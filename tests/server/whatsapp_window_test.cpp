// The 24-hour window rule as a table of moments (issue 4).
#include "bot/server/whatsapp_window.hpp"

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

constexpr std::int64_t kHour = 60 * 60 * 1000;

WhatsAppConfig config() {
  WhatsAppConfig c;
  c.window_templates = {{"it", "ponte_risposta"}, {"ar", "ponte_reply_ar"}};
  c.window_margin_s = 600;
  return c;
}

OutboundMessage message(std::string lang) {
  OutboundMessage m;
  m.text = "Il tuo caso è stato preso in carico.\nScrivi quando vuoi.";
  m.lang = std::move(lang);
  return m;
}

TEST(WhatsAppWindow, OpenForTwentyFourHoursLessTheMargin) {
  const auto c = config();
  const std::int64_t last = 1'000 * kHour;
  EXPECT_TRUE(whatsapp_window_open(c, last, last));
  EXPECT_TRUE(whatsapp_window_open(c, last, last + 23 * kHour));
  EXPECT_TRUE(whatsapp_window_open(c, last, last + 24 * kHour - 601'000));
  EXPECT_FALSE(whatsapp_window_open(c, last, last + 24 * kHour - 600'000));
  EXPECT_FALSE(whatsapp_window_open(c, last, last + 25 * kHour));
  EXPECT_FALSE(whatsapp_window_open(c, std::nullopt, last));  // they never wrote
}

TEST(WhatsAppWindow, InsideTheWindowTheMessageGoesAsItIs) {
  const auto msg = message("it");
  auto fitted = fit_whatsapp_window(config(), msg, 0, kHour);
  ASSERT_TRUE(fitted);
  EXPECT_EQ(fitted->template_name, "");
  EXPECT_EQ(fitted->text, msg.text);
}

TEST(WhatsAppWindow, OutsideItTheLanguagesTemplateCarriesTheText) {
  auto msg = message("it");
  msg.choices = {{"yes", "Sì"}, {"no", "No"}};
  msg.choice_token = "t1";
  auto fitted = fit_whatsapp_window(config(), msg, 0, 30 * kHour);
  ASSERT_TRUE(fitted);
  EXPECT_EQ(fitted->template_name, "ponte_risposta");
  ASSERT_EQ(fitted->template_params.size(), 1u);
  // One line, no runs of whitespace: what Meta accepts as a parameter.
  EXPECT_EQ(fitted->template_params[0],
            "Il tuo caso è stato preso in carico. Scrivi quando vuoi. 1. Sì 2. No");
  EXPECT_TRUE(fitted->choices.empty());
  EXPECT_EQ(fitted->text, msg.text);  // the transcript shows what was meant
}

TEST(WhatsAppWindow, ARegionalTagUsesTheBaseLanguagesTemplate) {
  auto fitted = fit_whatsapp_window(config(), message("ar-EG"), 0, 30 * kHour);
  ASSERT_TRUE(fitted);
  EXPECT_EQ(fitted->template_name, "ponte_reply_ar");
}

TEST(WhatsAppWindow, NoTemplateForTheLanguageIsRefusedWithAReason) {
  auto fitted = fit_whatsapp_window(config(), message("fr"), 0, 30 * kHour);
  ASSERT_FALSE(fitted);
  EXPECT_EQ(fitted.error().code, Errc::window_closed);
  EXPECT_NE(fitted.error().message.find("\"fr\""), std::string::npos);
  EXPECT_NE(fitted.error().message.find("24 hours"), std::string::npos);
}

TEST(WhatsAppWindow, ReadReceiptsAreNotMessages) {
  OutboundMessage receipt;
  receipt.ack_callback_id = "wamid.X";
  EXPECT_TRUE(fit_whatsapp_window(config(), receipt, std::nullopt, 30 * kHour));
}

TEST(WhatsAppWindow, ALongTextIsCutToATemplateParameterOnACharacterBoundary) {
  OutboundMessage m = message("ar");
  m.text.clear();
  for (int i = 0; i < 600; ++i) m.text += "مرحبا ";
  auto fitted = fit_whatsapp_window(config(), m, 0, 30 * kHour);
  ASSERT_TRUE(fitted);
  const auto& p = fitted->template_params[0];
  EXPECT_LE(p.size(), 900u);
  // Still valid UTF-8: it does not end in the middle of a two-byte letter.
  const auto last = static_cast<unsigned char>(p.back());
  EXPECT_TRUE(last < 0x80 || (last & 0xC0) == 0x80);
}

}  // namespace
}  // namespace ponte::server
