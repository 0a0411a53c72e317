// Migrations: applied once, in order, recorded; a newer file is refused.
#include "storage/database.hpp"
#include "storage/embedded_migrations.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace ponte::storage::testing {
namespace {

std::unique_ptr<Database> open_raw(const std::filesystem::path& file) {
  return Database::open(file).value();
}

TEST(Migrations, EmbeddedFilesAreNumberedAndSorted) {
  const auto files = migrations::embedded_files();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.front().name, "001_initial.sql");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string_view name = files[i].name;
    ASSERT_GE(name.size(), 8u) << name;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(name[0])) && name[3] == '_') << name;
    EXPECT_TRUE(name.ends_with(".sql")) << name;
    if (i > 0) {
      EXPECT_LT(files[i - 1].name, name);
    }
  }
  EXPECT_EQ(latest_schema_version(), std::stoi(std::string(files.back().name.substr(0, 3))));
}

TEST(Migrations, ApplyToAnEmptyFile) {
  TempDir dir;
  auto db = open_raw(dir.file());
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "SELECT max(version) FROM schema_migrations"), latest_schema_version());
  for (const char* table :
       {"contacts", "sessions", "inbound_keys", "messages", "outbox", "cases"}) {
    auto st = db->prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    ASSERT_TRUE(st);
    (*st)->bind(1, std::string_view(table));
    ASSERT_TRUE((*st)->step().value());
    EXPECT_EQ((*st)->column_int(0), 1) << table;
  }
  EXPECT_EQ(integrity(*db), "ok");
}

TEST(Migrations, AreIdempotentAndKeepData) {
  TempDir dir;
  {
    auto db = open_raw(dir.file());
    ASSERT_TRUE(migrate(*db));
    make_contact(*db, "u1");
    ASSERT_TRUE(migrate(*db));
  }
  auto db = open_raw(dir.file());
  ASSERT_TRUE(migrate(*db));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations::embedded_files().size()));
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM contacts"), 1);
}

TEST(Migrations, RefuseADatabaseNewerThanTheBinary) {
  TempDir dir;
  auto db = open_raw(dir.file());
  ASSERT_TRUE(migrate(*db));
  auto st = db->prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'future.sql', 0)");
  ASSERT_TRUE(st);
  ASSERT_TRUE((*st)->bind(1, std::int64_t{latest_schema_version() + 1}).run());
  auto r = migrate(*db);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::storage);
  EXPECT_NE(r.error().message.find("newer than this ponte knows"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(std::to_string(latest_schema_version() + 1)), std::string::npos);
}

TEST(Migrations, SchemaEnforcesItsChecks) {
  TempDir dir;
  auto db = open_db(dir.file());
  const Contact c = make_contact(*db, "u1");
  EXPECT_FALSE(save_session(*db, Session{c.id, "{not json", SessionMode::bot, 1}));
  NewCase nc;
  nc.contact_id = c.id;
  ASSERT_TRUE(open_case(*db, nc));
  EXPECT_FALSE(db->exec("UPDATE cases SET phase = 'lunch'"));
  EXPECT_FALSE(db->exec("UPDATE cases SET priority = 3"));
  EXPECT_FALSE(db->exec("UPDATE contacts SET channel = 'fax'"));
  EXPECT_TRUE(db->exec("UPDATE cases SET phase = 'assessment'"));
}

}  // namespace
}  // namespace ponte::storage::testing
