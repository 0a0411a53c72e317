// The web chat over real HTTP: posting, the Server-Sent Events stream, resume
// by cursor (Last-Event-ID), dedupe of retried posts.
#include "tests/integration/ponte_fixture.hpp"

#include <gtest/gtest.h>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kClient = "3f6c1a2e-9b7d-4c1e-8a55-0c2d4e6f8a10";

std::vector<json> read_messages(SseReader& sse, std::size_t n, std::chrono::milliseconds t = 5s) {
  std::vector<json> out;
  const auto deadline = std::chrono::steady_clock::now() + t;
  while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
    for (const auto& e : sse.read(n - out.size(), 500ms)) {
      if (e.event == "message") {
        auto j = json::parse(e.data);
        j["_sse_id"] = e.id;
        out.push_back(std::move(j));
      }
    }
    if (sse.ended()) break;
  }
  return out;
}

class WebchatE2E : public ::testing::Test {
 protected:
  void SetUp() override { ponte.start(); }
  json post(const json& body, int expect = 200) {
    auto res = ponte.post_json("/webchat/messages", body);
    EXPECT_EQ(res.status, expect) << res.body;
    return res.body.empty() ? json() : json::parse(res.body, nullptr, false);
  }
  PonteFixture ponte;
};

TEST_F(WebchatE2E, ThePageIsServed) {
  const auto page = ponte.get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.headers.at("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("chat.js"), std::string::npos);
  EXPECT_EQ(ponte.get("/chat.js").status, 200);
  EXPECT_EQ(ponte.get("/no-such-file.js").status, 404);
}

TEST_F(WebchatE2E, ADialogueOverTheStreamResumesByCursor) {
  SseReader sse("127.0.0.1", ponte.port(), "/webchat/events?client=" + kClient + "&after=0");
  ASSERT_EQ(sse.status(), 200);
  EXPECT_NE(sse.headers().at("content-type").find("text/event-stream"), std::string::npos);

  post({{"client", kClient}, {"id", "m1"}, {"start", true}, {"lang", "ar-EG"}});
  auto first = read_messages(sse, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["dir"], "out");
  ASSERT_GE(first[0]["choices"].size(), 5u);

  // Press Arabic: the choice ref comes from the event itself.
  std::string ref;
  for (const auto& c : first[0]["choices"]) {
    if (c["label"] == "العربية") ref = c["ref"];
  }
  ASSERT_FALSE(ref.empty());
  post({{"client", kClient}, {"id", "m2"}, {"choice", ref}});
  auto next = read_messages(sse, 2);
  ASSERT_EQ(next.size(), 2u);
  EXPECT_EQ(next[0]["dir"], "in");  // the person's press, shown as its label
  EXPECT_EQ(next[0]["text"], "العربية");
  EXPECT_EQ(next[1]["dir"], "out");
  EXPECT_EQ(next[1]["rtl"], true);
  EXPECT_EQ(next[1]["lang"], "ar");

  // A retried post (same id) is acknowledged and not processed again.
  post({{"client", kClient}, {"id", "m2"}, {"choice", ref}});
  // A second stream resuming after the first reply sees exactly the rest.
  const auto cursor = first[0]["_sse_id"].get<std::string>();
  SseReader resumed("127.0.0.1", ponte.port(), "/webchat/events?client=" + kClient,
                    {{"Last-Event-ID", cursor}});
  auto rest = read_messages(resumed, 10, 1500ms);
  std::size_t after_cursor = 0;
  for (const auto& m : rest)
    after_cursor += std::stoll(m["_sse_id"].get<std::string>()) > std::stoll(cursor);
  EXPECT_EQ(after_cursor, rest.size());
  EXPECT_GE(rest.size(), 2u);
  EXPECT_EQ(rest[0]["text"], "العربية");

  // History says the same thing as JSON.
  const auto history = ponte.get("/webchat/history?client=" + kClient + "&after=0");
  ASSERT_EQ(history.status, 200);
  const auto h = json::parse(history.body);
  EXPECT_EQ(h["messages"].size(), 1 + rest.size());
}

TEST_F(WebchatE2E, BadPostsAreRefusedClearly) {
  post({{"client", "short"}, {"id", "m1"}, {"text", "ciao"}}, 422);
  post({{"client", kClient}, {"id", "m1"}, {"text", std::string(5000, 'a')}}, 422);
  EXPECT_EQ(ponte.post_json("/webchat/messages", "not an object").status, 400);
  EXPECT_EQ(request("127.0.0.1", ponte.port(), "POST", "/webchat/messages", "{oops",
                    {{"Content-Type", "application/json"}})
                .status,
            400);
  EXPECT_EQ(ponte.get("/webchat/events?client=bad").status, 400);
  EXPECT_EQ(ponte.get("/webchat/messages").status, 405);
}

}  // namespace
}  // namespace ponte::testing
