#include "bot/core/message.hpp"
#include "bot/core/error.hpp"
#include "bot/core/ids.hpp"
#include "bot/core/log.hpp"

#include <gtest/gtest.h>

namespace ponte {
namespace {

TEST(ChoiceRef, RoundTrips) {
  const auto data = encode_choice_ref("ab12cd34", "permit");
  EXPECT_EQ(data, "c:ab12cd34:permit");
  const auto ref = decode_choice_ref(data);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->token, "ab12cd34");
  EXPECT_EQ(ref->choice_id, "permit");
}

TEST(ChoiceRef, RefusesWhatIsNotOurs) {
  for (const char* bad : {"", "c:", "c::x", "c:tok:", "x:tok:id", "c:tokonly", "hello"}) {
    EXPECT_FALSE(decode_choice_ref(bad)) << bad;
  }
  // Telegram's callback_data is at most 64 bytes: longer cannot be ours.
  EXPECT_FALSE(decode_choice_ref("c:t:" + std::string(61, 'a')));
}

TEST(Channel, NamesRoundTrip) {
  for (auto c : {Channel::telegram, Channel::whatsapp, Channel::webchat}) {
    EXPECT_EQ(channel_from_string(to_string(c)), c);
  }
  EXPECT_FALSE(channel_from_string("sms"));
  EXPECT_TRUE(is_push(Channel::telegram));
  EXPECT_FALSE(is_push(Channel::webchat));
}

TEST(Result, CarriesErrors) {
  Result<std::string> ok = std::string("x");
  Result<std::string> bad = fail(Errc::parse, "broken");
  EXPECT_EQ(ok.value(), "x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::parse);
  EXPECT_THROW(bad.value(), std::runtime_error);
}

TEST(Log, OneLineWhateverTheValue) {
  const auto line = log::format(log::Level::warn, "webhook.malformed",
                                {{"req", "7f3a-1"}, {"text", "a \"b\"\nc=d"}, {"n", 3}});
  EXPECT_NE(line.find(" level=warn event=webhook.malformed req=7f3a-1 "), std::string::npos);
  EXPECT_NE(line.find("text=\"a \\\"b\\\"\\nc=d\""), std::string::npos) << line;
  EXPECT_NE(line.find(" n=3\n"), std::string::npos);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

}  // namespace
}  // namespace ponte
