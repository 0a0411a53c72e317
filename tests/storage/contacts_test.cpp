// Inbound dedupe, contacts and sessions round-trip through a real file.
#include "storage/repositories.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

namespace ponte::storage::testing {
namespace {

class Repositories : public ::testing::Test {
 protected:
  TempDir dir_;
  std::unique_ptr<Database> db_ = open_db(dir_.file());
};

TEST_F(Repositories, DedupeRemembersOncePerChannel) {
  EXPECT_TRUE(remember_inbound(*db_, Channel::telegram, "update-1", 100).value());
  EXPECT_FALSE(remember_inbound(*db_, Channel::telegram, "update-1", 200).value());
  EXPECT_TRUE(remember_inbound(*db_, Channel::whatsapp, "update-1", 300).value());
  EXPECT_EQ(scalar(*db_, "SELECT received_at FROM inbound_keys WHERE channel = 'telegram'"), 100);
}

TEST_F(Repositories, PruneDeletesOnlyOlderKeys) {
  ASSERT_TRUE(remember_inbound(*db_, Channel::telegram, "old", 100));
  ASSERT_TRUE(remember_inbound(*db_, Channel::telegram, "edge", 200));
  ASSERT_TRUE(remember_inbound(*db_, Channel::telegram, "new", 300));
  EXPECT_EQ(prune_inbound(*db_, 200).value(), 1);
  EXPECT_EQ(prune_inbound(*db_, 200).value(), 0);
  // A pruned key is forgotten; the kept ones still deduplicate.
  EXPECT_TRUE(remember_inbound(*db_, Channel::telegram, "old", 400).value());
  EXPECT_FALSE(remember_inbound(*db_, Channel::telegram, "edge", 400).value());
}

TEST_F(Repositories, UpsertCreatesThenUpdatesTheSameContact) {
  const Contact first =
      upsert_contact(*db_, Channel::whatsapp, "393331112222", "393331112222", "Amina", 1000)
          .value();
  EXPECT_GT(first.id, 0);
  EXPECT_EQ(first.channel, Channel::whatsapp);
  EXPECT_EQ(first.external_id, "393331112222");
  EXPECT_EQ(first.display_name, "Amina");
  EXPECT_EQ(first.created_at, 1000);
  EXPECT_EQ(first.last_inbound_at, 1000);
  EXPECT_EQ(first.language, std::nullopt);
  EXPECT_FALSE(first.unreachable);

  // No name this time: the known one stays. A new chat id wins.
  const Contact again =
      upsert_contact(*db_, Channel::whatsapp, "393331112222", "new-chat", "", 5000).value();
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.chat_id, "new-chat");
  EXPECT_EQ(again.display_name, "Amina");
  EXPECT_EQ(again.created_at, 1000);
  EXPECT_EQ(again.last_inbound_at, 5000);

  // A late retried webhook does not move last_inbound_at back.
  const Contact late =
      upsert_contact(*db_, Channel::whatsapp, "393331112222", "new-chat", "Amina B.", 3000).value();
  EXPECT_EQ(late.last_inbound_at, 5000);
  EXPECT_EQ(late.display_name, "Amina B.");
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM contacts"), 1);
}

TEST_F(Repositories, SameExternalIdOnTwoChannelsIsTwoContacts) {
  const Contact t = make_contact(*db_, "42");
  const Contact w = upsert_contact(*db_, Channel::webchat, "42", "42", "", 1).value();
  EXPECT_NE(t.id, w.id);
}

TEST_F(Repositories, FindAndGetContact) {
  const Contact c = make_contact(*db_, "u7");
  ASSERT_TRUE(set_contact_language(*db_, c.id, "ar"));
  ASSERT_TRUE(set_contact_unreachable(*db_, c.id, true));

  const auto found = find_contact(*db_, Channel::telegram, "u7").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, c.id);
  EXPECT_EQ(found->chat_id, "chat-u7");
  EXPECT_EQ(found->language, "ar");
  EXPECT_TRUE(found->unreachable);

  const auto got = get_contact(*db_, c.id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->external_id, "u7");
  ASSERT_TRUE(set_contact_unreachable(*db_, c.id, false));
  EXPECT_FALSE(get_contact(*db_, c.id).value()->unreachable);

  EXPECT_EQ(find_contact(*db_, Channel::whatsapp, "u7").value(), std::nullopt);
  EXPECT_EQ(get_contact(*db_, c.id + 100).value(), std::nullopt);
}

TEST_F(Repositories, UpdatingAMissingContactIsNotFound) {
  auto r = set_contact_language(*db_, 12345, "fr");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_EQ(set_contact_unreachable(*db_, 12345, true).error().code, Errc::not_found);
}

TEST_F(Repositories, SessionRoundTripAndReplace) {
  const Contact c = make_contact(*db_, "u1");
  EXPECT_EQ(load_session(*db_, c.id).value(), std::nullopt);
  const std::string state = R"({"flow":"menu","node":"ask_topic","lang":"it"})";
  ASSERT_TRUE(save_session(*db_, Session{c.id, state, SessionMode::bot, 10}));
  auto loaded = load_session(*db_, c.id).value();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->state_json, state);
  EXPECT_EQ(loaded->mode, SessionMode::bot);
  EXPECT_EQ(loaded->updated_at, 10);

  ASSERT_TRUE(save_session(*db_, Session{c.id, "{}", SessionMode::human, 20}));
  loaded = load_session(*db_, c.id).value();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->state_json, "{}");
  EXPECT_EQ(loaded->mode, SessionMode::human);
  EXPECT_EQ(loaded->updated_at, 20);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM sessions"), 1);
}

TEST_F(Repositories, SessionOfUnknownContactIsRefused) {
  auto r = save_session(*db_, Session{999, "{}", SessionMode::bot, 1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::storage);
}

}  // namespace
}  // namespace ponte::storage::testing
