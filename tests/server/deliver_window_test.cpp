// queue_outbound applies WhatsApp's 24-hour window to every caller: bot
// replies, operator replies, follow-ups (issue 4). A real SQLite file.
#include "bot/server/deliver.hpp"
#include "bot/server/message_codec.hpp"
#include "storage/repositories.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace ponte::server {
namespace {

constexpr std::int64_t kHour = 60 * 60 * 1000;
constexpr std::int64_t kWrote = 1767225600000;  // when the person last wrote

class DeliverWindow : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::Database::open(dir.path() / "ponte.db");
    ASSERT_TRUE(opened) << opened.error().message;
    db = std::move(*opened);
    ASSERT_TRUE(storage::migrate(*db));
    config.window_templates = {{"it", "ponte_risposta"}};
  }
  storage::Contact contact(const std::string& phone) {
    return storage::upsert_contact(*db, Channel::whatsapp, phone, phone, "", kWrote).value();
  }
  OutboundMessage reply(std::string lang) {
    OutboundMessage m;
    m.text = "Un operatore ti risponde.";
    m.lang = std::move(lang);
    return m;
  }
  std::int64_t rows() { return storage::count_outbox(*db).value().pending; }

  testing::TempDir dir{"ponte-deliver"};
  std::unique_ptr<storage::Database> db;
  WhatsAppConfig config;
};

TEST_F(DeliverWindow, InsideTheWindowTheMessageIsQueuedAsItIs) {
  Queued q;
  q.whatsapp = &config;
  ASSERT_TRUE(queue_outbound(*db, contact("39333"), reply("fr"), "operator", kWrote + kHour, q));
  ASSERT_EQ(q.outbox.size(), 1u);
  EXPECT_EQ(decode_outbound(q.outbox[0].payload)->template_name, "");
}

TEST_F(DeliverWindow, AnOperatorReplyAfterADayGoesAsTheTemplate) {
  Queued q;
  q.whatsapp = &config;
  ASSERT_TRUE(
      queue_outbound(*db, contact("39333"), reply("it"), "operator", kWrote + 30 * kHour, q));
  ASSERT_EQ(q.outbox.size(), 1u);
  const auto sent = decode_outbound(q.outbox[0].payload).value();
  EXPECT_EQ(sent.template_name, "ponte_risposta");
  EXPECT_EQ(sent.template_params, std::vector<std::string>{"Un operatore ti risponde."});
}

TEST_F(DeliverWindow, WithoutATemplateItIsRefusedAndNothingIsWritten) {
  Queued q;
  q.whatsapp = &config;
  const auto c = contact("33612");
  auto r = queue_outbound(*db, c, reply("fr"), "follow_up", kWrote + 30 * kHour, q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::window_closed);
  EXPECT_TRUE(q.outbox.empty());
  EXPECT_EQ(rows(), 0);
  EXPECT_EQ(storage::count_messages(*db, c.id).value(), 0);
}

TEST_F(DeliverWindow, WithoutRulesNothingGoesOutsideTheWindow) {
  Queued q;  // a caller that forgot the configuration still cannot bypass it
  auto r = queue_outbound(*db, contact("39333"), reply("it"), "operator", kWrote + 30 * kHour, q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::window_closed);
}

TEST_F(DeliverWindow, OtherChannelsHaveNoWindow) {
  Queued q;
  const auto c = storage::upsert_contact(*db, Channel::telegram, "42", "42", "", kWrote).value();
  ASSERT_TRUE(queue_outbound(*db, c, reply("fr"), "operator", kWrote + 300 * kHour, q));
  EXPECT_EQ(q.outbox.size(), 1u);
}

}  // namespace
}  // namespace ponte::server
