// Rendering: the fallback chain, ICU plurals, concurrent use; and the
// state's JSON round trip and the migration driver.
#include "bot/engine/migrate/migrate.hpp"
#include "engine_test_support.hpp"

#include <nlohmann/json.hpp>

#include <thread>

namespace ponte::engine::testing {
namespace {

TEST(Render, FallbackChainThenDefault) {
  const auto set = load_set(test_data() / "flows_basic");
  ASSERT_TRUE(set);
  EXPECT_EQ(render(*set, "ar", "menu.ask"), "ماذا تحتاج؟");           // own text
  EXPECT_EQ(render(*set, "ar", "helper.intro"), "I will help you.");  // ar -> en
  EXPECT_EQ(render(*set, "ar", "helper.done"), "Fatto.");             // ar -> en -> it
  EXPECT_EQ(render(*set, "ar-EG", "menu.ask"), "ماذا تحتاج؟");
  EXPECT_EQ(render(*set, "tr", "menu.ask"), "Di cosa hai bisogno?");  // not loaded: default
  EXPECT_EQ(render(*set, "it", "no.such.key"), "");
  EXPECT_EQ(render(*set, "it", "menu.health_info"), "Salute: vai all'ASL.");
}

TEST(Render, PluralsAndNumbers) {
  const auto set = load_set(test_data() / "flows_basic");
  ASSERT_TRUE(set);
  EXPECT_EQ(render(*set, "en", "menu.queued", {{"position", std::int64_t{1}}}), "You are first.");
  EXPECT_EQ(render(*set, "en", "menu.queued", {{"position", std::int64_t{1234}}}),
            "You are number 1,234.");
  EXPECT_EQ(render(*set, "it", "menu.queued", {{"position", std::int64_t{3}}}), "Sei il numero 3.");
}

TEST(Render, LanguageQueries) {
  const auto set = load_set(test_data() / "flows_basic");
  ASSERT_TRUE(set);
  EXPECT_EQ(default_language(*set), "it");
  ASSERT_NE(language_info(*set, "ar"), nullptr);
  EXPECT_TRUE(language_info(*set, "ar")->rtl);
  EXPECT_EQ(language_info(*set, "ar")->fallback, (std::vector<std::string>{"en", "it"}));
  EXPECT_EQ(language_info(*set, "xx"), nullptr);
  EXPECT_EQ(languages(*set).size(), 3U);
  EXPECT_EQ(fingerprint(*set).size(), 16U);
  EXPECT_NE(fingerprint(*set), fingerprint(*load_set(test_data() / "flows_loop")));
}

TEST(Render, ConcurrentRenderingFromFourThreads) {
  const auto set = load_set(test_data() / "flows_basic");
  ASSERT_TRUE(set);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::int64_t i = 0; i < 3000; ++i) {
        const std::int64_t n = i % 900 + 1 + t;  // under 1000: no digit grouping
        const std::string got = render(*set, "en", "menu.queued", {{"position", n}});
        const std::string want =
            n == 1 ? "You are first." : "You are number " + std::to_string(n) + ".";
        if (got != want) ++wrong;
        if (render(*set, "ar", "menu.ask") != "ماذا تحتاج؟") ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(State, RoundTripsThroughJson) {
  ConversationState s;
  s.flow = "menu";
  s.node = "ask_topic";
  s.flow_version = 3;
  s.waiting = true;
  s.stack = {Frame{"main", "menu"}, Frame{"health", "ask_city"}};
  s.vars = {{"topic", "health"}};
  s.contact = {{"language", "ar"}, {"municipality", "Torino"}};
  const nlohmann::json j = s;
  EXPECT_EQ(nlohmann::json::parse(j.dump()).get<ConversationState>(), s);
  EXPECT_EQ(s.language(), "ar");
  EXPECT_EQ(nlohmann::json::object().get<ConversationState>(), ConversationState{});
}

nlohmann::json rename_text(nlohmann::json doc) {
  doc["message"] = doc["text"];
  doc.erase("text");
  return doc;
}

TEST(Migrate, BringsOlderSpecsUpStepByStep) {
  const Migration steps[] = {{2, &rename_text}};
  auto migrated = migrate(nlohmann::json{{"spec", 1}, {"text", "x"}}, steps, 2);
  ASSERT_TRUE(migrated);
  EXPECT_EQ(*migrated, (nlohmann::json{{"spec", 2}, {"message", "x"}}));
  EXPECT_TRUE(migrate(nlohmann::json{{"spec", 1}}, flow_migrations()));
  EXPECT_FALSE(migrate(nlohmann::json{{"spec", 2}}, flow_migrations()));
  EXPECT_FALSE(migrate(nlohmann::json{{"id", "x"}}, flow_migrations()));
  EXPECT_FALSE(migrate(nlohmann::json{{"spec", 1}}, {}, 2));  // no step 1 -> 2
}

}  // namespace
}  // namespace ponte::engine::testing
