// Reloading flows under a running ponte: SIGHUP with a broken set keeps the
// old one serving, a good set replaces it, and a conversation whose node
// disappeared continues at the safe place with an apology. Watch mode does
// the same on a file change.
#include "tests/integration/ponte_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

const std::string kAlice = "5a1e2c3d-4b5f-4a6b-8c7d-9e0f1a2b3c4d";
const std::string kBob = "6b2f3d4e-5c6a-4b7c-9d8e-0f1a2b3c4d5e";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class ReloadE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fs::path(PONTE_SOURCE_DIR) / "tests/fixtures/demo/flows", root.path() / "flows",
             fs::copy_options::recursive);
    fs::copy(fs::path(PONTE_SOURCE_DIR) / "tests/fixtures/demo/locales", root.path() / "locales",
             fs::copy_options::recursive);
    ponte.configure("flows_dir", (root.path() / "flows").string());
    ponte.configure("locales_dir", (root.path() / "locales").string());
  }

  // Posts a web chat message and returns the bot's replies to it.
  std::vector<std::string> say(const std::string& client, const std::string& text) {
    const auto before = history(client).size();
    const auto res = ponte.post_json(
        "/webchat/messages",
        {{"client", client}, {"id", "m" + std::to_string(++next_)}, {"text", text}});
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::string> out;
    const auto all = history(client);
    for (std::size_t i = before; i < all.size(); ++i) {
      if (all[i]["dir"] == "out") out.push_back(all[i]["text"]);
    }
    return out;
  }

  json history(const std::string& client) {
    const auto res = ponte.get("/webchat/history?client=" + client + "&after=0");
    EXPECT_EQ(res.status, 200);
    return json::parse(res.body)["messages"];
  }

  // Polls the log until `needle` appears `n` times.
  bool wait_log(const std::string& needle, std::size_t n, std::chrono::milliseconds t = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + t;
    while (std::chrono::steady_clock::now() < deadline) {
      if (count(ponte.log(), needle) >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  std::string text(const std::string& lang, const std::string& file, const std::string& key) {
    json j = json::parse(read(root.path() / "locales" / lang / file));
    for (std::size_t start = 0;;) {
      const auto dot = key.find('.', start);
      j = j.at(key.substr(start, dot - start));
      if (dot == std::string::npos) return j.get<std::string>();
      start = dot + 1;
    }
  }

  TempDir root{"ponte-reload"};
  PonteFixture ponte;
  int next_ = 0;
};

TEST_F(ReloadE2E, SighupRefusesABrokenSetAndSwapsAGoodOne) {
  ponte.start();
  const fs::path main_json = root.path() / "flows" / "main.json";
  const std::string good = read(main_json);
  const std::string health = text("it", "main.json", "main.health.info");
  const std::string permit = text("it", "main.json", "main.permit.info");

  say(kAlice, "ciao");
  ASSERT_FALSE(say(kAlice, "1").empty());  // Italiano: hello and the menu

  // A broken file: refused with check's own message, the old set serves.
  write(main_json, replace(good, "\"next\": \"health_info\"", "\"next\": \"helth_info\""));
  ASSERT_TRUE(ponte.signal(SIGHUP));
  ASSERT_TRUE(wait_log("flows.reload_refused", 1)) << ponte.log();
  EXPECT_NE(ponte.log().find("no node \\\"helth_info\\\" (did you mean \\\"health_info\\\"?)"),
            std::string::npos)
      << ponte.log();
  auto replies = say(kAlice, "2");
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies[0], health);

  // A good change replaces the set between two messages.
  write(main_json,
        replace(good, "\"text\": \"main.health.info\"", "\"text\": \"main.permit.info\""));
  ASSERT_TRUE(ponte.signal(SIGHUP));
  ASSERT_TRUE(wait_log("flows.reloaded", 1)) << ponte.log();
  replies = say(kAlice, "2");
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies[0], permit);
}

TEST_F(ReloadE2E, AConversationWhoseNodeVanishedGoesOnAtTheSafePlace) {
  ponte.start();
  const fs::path welcome = root.path() / "flows" / "welcome.json";
  ASSERT_EQ(say(kBob, "ciao").size(), 1U);  // waiting at welcome/choose_language
  std::string changed = read(welcome);
  changed = replace(changed, "\"start\": \"choose_language\"", "\"start\": \"pick_language\"");
  changed = replace(changed, "{\"id\": \"choose_language\"", "{\"id\": \"pick_language\"");
  write(welcome, changed);
  ASSERT_TRUE(ponte.signal(SIGHUP));
  ASSERT_TRUE(wait_log("flows.reloaded", 1)) << ponte.log();

  const auto replies = say(kBob, "1");
  ASSERT_EQ(replies.size(), 2U);
  EXPECT_EQ(replies[0], text("it", "system.json", "system.moved"));
  EXPECT_EQ(replies[1], text("it", "main.json", "main.menu.prompt"));
  // Not stuck: the menu answers.
  EXPECT_EQ(say(kBob, "2").at(0), text("it", "main.json", "main.health.info"));
}

TEST_F(ReloadE2E, WatchModeReloadsOnAFileChange) {
  ponte.configure("flows", {{"watch", true}, {"watch_ms", 100}});
  ponte.start();
  ASSERT_TRUE(wait_log("flows.watching", 1)) << ponte.log();
  const fs::path it_main = root.path() / "locales" / "it" / "main.json";
  const std::string prompt = text("it", "main.json", "main.menu.prompt");
  write(it_main, replace(read(it_main), prompt, "Come posso aiutarti?"));
  ASSERT_TRUE(wait_log("flows.reloaded", 1)) << ponte.log();
  say(kAlice, "ciao");
  const auto replies = say(kAlice, "1");
  ASSERT_FALSE(replies.empty());
  EXPECT_EQ(replies.back(), "Come posso aiutarti?");

  // A broken catalog while watching: refused, the last good set serves.
  write(it_main, "{\"main\": {\"menu\": {\"prompt\": \"{broken\"}}}");
  ASSERT_TRUE(wait_log("flows.reload_refused", 1)) << ponte.log();
  EXPECT_EQ(say(kAlice, "menu").back(), "Come posso aiutarti?");
}

}  // namespace
}  // namespace ponte::testing
