#include "bot/server/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ponte::server {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Config, DefaultsAreTheDocumentedOnes) {
  auto c = parse_config("{}", "/srv/ponte", env_of({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->data_dir, "/srv/ponte/data");
  EXPECT_EQ(c->telegram.webhook_path, "/telegram/webhook");
  EXPECT_EQ(c->whatsapp.webhook_path, "/whatsapp/webhook");
  EXPECT_EQ(c->telegram.api_base, "https://api.telegram.org");
  EXPECT_EQ(c->http.body_limit, 4u * 1024 * 1024);
  EXPECT_FALSE(c->telegram.enabled());
}

TEST(Config, RelativePathsResolveAgainstTheFileFolder) {
  auto c = parse_config(R"({"data_dir": "../data", "flows_dir": "/abs/flows"})",
                        "/srv/ponte/deploy", env_of({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->data_dir, "/srv/ponte/data");
  EXPECT_EQ(c->flows_dir, "/abs/flows");
}

TEST(Config, UnknownKeysAndWrongTypesNameTheirPath) {
  auto c = parse_config(
      R"({"listen": 8080, "telegram": {"tokn": "x", "max_connections": "40"}, "colour": 1})", "/",
      env_of({}), "ponte.json");
  ASSERT_FALSE(c);
  const auto& m = c.error().message;
  EXPECT_NE(m.find("ponte.json: /listen: must be a string"), std::string::npos) << m;
  EXPECT_NE(m.find("/telegram/tokn: unknown key (did you mean \"token\"?)"), std::string::npos)
      << m;
  EXPECT_NE(m.find("/telegram/max_connections: must be a whole number"), std::string::npos) << m;
  EXPECT_NE(m.find("/colour: unknown key"), std::string::npos) << m;
}

TEST(Config, LoadLimitsAreReadAndMustBePositive) {
  auto c = parse_config(
      R"({"http": {"max_connections": 500}, "inbound": {"contact_per_min": 30, "contact_burst": 8}})",
      "/", env_of({}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->http.max_connections, 500);
  EXPECT_EQ(c->inbound.contact_per_min, 30);
  EXPECT_EQ(c->inbound.contact_burst, 8);
  auto bad = parse_config(R"({"http": {"max_connections": 0}, "inbound": {"contact_burst": 0}})",
                          "/", env_of({}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/http/max_connections: must be at least 1"),
            std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("/inbound/contact_burst: must be at least 1"),
            std::string::npos)
      << bad.error().message;
}

TEST(Config, SyntaxErrorsAreRefused) {
  auto c = parse_config("{\"listen\": ", "/", env_of({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("not valid JSON"), std::string::npos);
}

TEST(Config, SecretsComeFromTheEnvironment) {
  auto c = parse_config(
      R"({"telegram": {"token": "from-file"}})", "/",
      env_of({{"PONTE_TELEGRAM_TOKEN", "123:env"}, {"PONTE_TELEGRAM_SECRET", "s3cret-_ok"}}));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->telegram.token, "123:env");
  EXPECT_EQ(c->telegram.secret_token, "s3cret-_ok");
  EXPECT_TRUE(c->telegram.enabled());
}

TEST(Config, ATokenWithoutSecretIsRefused) {
  auto c = parse_config(R"({"telegram": {"token": "123:abc"}})", "/", env_of({}));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("/telegram/secret_token: required"), std::string::npos);
  auto bad = parse_config(R"({"telegram": {"token": "1:a", "secret_token": "has space"}})", "/",
                          env_of({}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("only A-Z"), std::string::npos);
}

TEST(Config, ListenOverride) {
  auto c = parse_config("{}", "/", env_of({}));
  ASSERT_TRUE(c);
  ASSERT_TRUE(set_listen(*c, "0.0.0.0:9090"));
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 9090);
  ASSERT_TRUE(set_listen(*c, "[::1]:80"));
  EXPECT_EQ(c->listen_host, "::1");
  EXPECT_FALSE(set_listen(*c, "localhost"));
  EXPECT_FALSE(set_listen(*c, "127.0.0.1:99999"));
}

}  // namespace
}  // namespace ponte::server
