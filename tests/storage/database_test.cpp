// Database and Statement: connection settings, the statement cache, and
// error messages an operator can act on.
#include "storage/database.hpp"
#include "storage/sqlite_error.hpp"
#include "storage_test_support.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cerrno>

namespace ponte::storage::testing {
namespace {

TEST(Database, OpensInWalWithForeignKeysAndChosenSynchronous) {
  TempDir dir;
  OpenOptions options;
  options.synchronous = "normal";
  auto db = open_db(dir.file(), options);
  EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(scalar(*db, "PRAGMA synchronous"), 1);  // NORMAL
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE((*mode)->step().value());
  EXPECT_EQ((*mode)->column_text(0), "wal");

  auto full = open_db(dir.file());
  EXPECT_EQ(scalar(*full, "PRAGMA synchronous"), 2);  // FULL, the default
}

TEST(Database, RejectsUnknownSynchronousLevel) {
  TempDir dir;
  OpenOptions options;
  options.synchronous = "off";
  auto db = Database::open(dir.file(), options);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::config);
  EXPECT_NE(db.error().message.find("\"off\""), std::string::npos) << db.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.file()));  // validated before touching the disk
}

TEST(Database, ReadOnlyOpenOfMissingFileFailsPlainly) {
  TempDir dir;
  OpenOptions options;
  options.read_only = true;
  auto db = Database::open(dir.file("missing.db"), options);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::unavailable);  // a condition of the machine
  EXPECT_NE(db.error().message.find("cannot open database file"), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("missing.db"), std::string::npos);
}

TEST(Database, PrepareCachesByText) {
  TempDir dir;
  auto db = open_db(dir.file());
  auto a = db->prepare("SELECT 1");
  auto b = db->prepare("SELECT 1");
  auto c = db->prepare("SELECT 2");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(Database, PrepareRefusesTwoStatements) {
  TempDir dir;
  auto db = open_db(dir.file());
  auto st = db->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::internal);
  EXPECT_TRUE(db->prepare("SELECT 1;"));  // a trailing semicolon is fine
}

TEST(Database, PreparedStatementIsResetAndUnboundWhenReused) {
  TempDir dir;
  auto db = open_db(dir.file());
  auto st = db->prepare("SELECT ?1 IS NULL, ?1");
  ASSERT_TRUE(st);
  (*st)->bind(1, std::int64_t{7});
  ASSERT_TRUE((*st)->step().value());
  EXPECT_EQ((*st)->column_int(1), 7);
  st = db->prepare("SELECT ?1 IS NULL, ?1");  // mid-result: reset, bindings cleared
  ASSERT_TRUE((*st)->step().value());
  EXPECT_EQ((*st)->column_int(0), 1);
  EXPECT_TRUE((*st)->column_is_null(1));
  EXPECT_EQ((*st)->column_optional_int(1), std::nullopt);
}

TEST(Database, BindsTextNullAndOptionals) {
  TempDir dir;
  auto db = open_db(dir.file());
  auto st = db->prepare("SELECT ?1, ?2, ?3, ?4, length(?5)");
  ASSERT_TRUE(st);
  const std::string with_nul("a\0b", 3);
  (*st)->bind(1, std::string_view(with_nul)).bind(2, std::nullopt);
  (*st)->bind(3, std::optional<std::string>("x")).bind(4, std::optional<std::int64_t>());
  (*st)->bind(5, std::string_view());
  ASSERT_TRUE((*st)->step().value());
  EXPECT_EQ((*st)->column_text(0), with_nul);
  EXPECT_EQ((*st)->column_optional_text(1), std::nullopt);
  EXPECT_EQ((*st)->column_optional_text(2), "x");
  EXPECT_TRUE((*st)->column_is_null(3));
  EXPECT_EQ((*st)->column_int(4), 0);  // empty string, not NULL
  EXPECT_FALSE((*st)->column_is_null(4));
}

TEST(Database, BindingPastTheParametersIsABug) {
  TempDir dir;
  auto db = open_db(dir.file());
  auto st = db->prepare("SELECT ?1");
  ASSERT_TRUE(st);
  EXPECT_THROW((*st)->bind(2, std::int64_t{1}), std::logic_error);
}

TEST(Database, ErrorsNameTheStatementNotTheValues) {
  TempDir dir;
  auto db = open_db(dir.file());
  make_contact(*db, "u1");
  auto st = db->prepare(
      "INSERT INTO contacts (channel, external_id, chat_id, created_at) VALUES (?1, ?2, ?3, 1)");
  ASSERT_TRUE(st);
  auto r = (*st)
               ->bind(1, std::string_view("telegram"))
               .bind(2, std::string_view("u1"))
               .bind(3, std::string_view("secret-chat"))
               .run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::storage);
  EXPECT_NE(r.error().message.find("UNIQUE constraint failed"), std::string::npos);
  EXPECT_NE(r.error().message.find("\"INSERT INTO contacts (channel, ...\""), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("secret-chat"), std::string::npos);
}

TEST(Database, WriteOnReadOnlyConnectionSaysReadOnly) {
  TempDir dir;
  auto writer = open_db(dir.file());
  OpenOptions options;
  options.read_only = true;
  auto reader = open_db(dir.file(), options);
  auto r = reader->exec("DELETE FROM contacts");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(r.error().message.rfind("database is read-only", 0), 0u) << r.error().message;
}

TEST(Database, FullDatabaseSaysDiskFull) {
  TempDir dir;
  auto db = open_db(dir.file());
  const auto pages = scalar(*db, "PRAGMA page_count");
  ASSERT_EQ(scalar(*db, "PRAGMA max_page_count = " + std::to_string(pages + 1)), pages + 1);
  const std::string big(64 * 1024, 'x');
  auto r = upsert_contact(*db, Channel::telegram, "u1", "c1", big, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(r.error().message.rfind("disk full", 0), 0u) << r.error().message;
  EXPECT_EQ(integrity(*db), "ok");
}

// A read-only mount, an immutable file or a directory the service cannot
// write reaches SQLite as whichever call the kernel refused: named from the
// kernel's reason, and retryable (503) like any condition of the machine.
TEST(Database, WritesRefusedByTheFileSystemSayNotWritableAndAreRetryable) {
  for (const int rc : {SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_SHMOPEN,
                       SQLITE_IOERR_SHMMAP, SQLITE_CANTOPEN}) {
    for (const int sys : {EPERM, EACCES}) {
      const auto e = sqlite_error(rc, sys, "disk I/O error", "COMMIT");
      EXPECT_EQ(e.code, Errc::unavailable) << rc;
      EXPECT_EQ(e.message.rfind("the database file or its directory is not writable", 0), 0u)
          << e.message;
      EXPECT_NE(e.message.find("system: " + std::generic_category().message(sys)),
                std::string::npos)
          << e.message;
    }
    const auto rofs = sqlite_error(rc, EROFS, "disk I/O error", "COMMIT");
    EXPECT_EQ(rofs.code, Errc::unavailable);
    EXPECT_EQ(rofs.message.rfind("the file system holding the database is read-only", 0), 0u)
        << rofs.message;
  }
  const auto directory =
      sqlite_error(SQLITE_READONLY_DIRECTORY, 0, "attempt to write a readonly database", "COMMIT");
  EXPECT_EQ(directory.code, Errc::unavailable);
  EXPECT_EQ(directory.message.rfind("the database's directory is not writable", 0), 0u)
      << directory.message;
  for (const int rc : {SQLITE_READONLY, SQLITE_READONLY_RECOVERY, SQLITE_READONLY_CANTINIT,
                       SQLITE_READONLY_CANTLOCK, SQLITE_READONLY_ROLLBACK}) {
    const auto e = sqlite_error(rc, 0, "attempt to write a readonly database", "COMMIT");
    EXPECT_EQ(e.code, Errc::unavailable) << rc;
    EXPECT_EQ(e.message.rfind("database is read-only", 0), 0u) << e.message;
  }
  // A file size limit is not a permission: still a disk I/O error, with
  // the kernel's words.
  const auto fsize = sqlite_error(SQLITE_IOERR_WRITE, EFBIG, "disk I/O error", "COMMIT");
  EXPECT_EQ(fsize.message.rfind("disk I/O error", 0), 0u) << fsize.message;
  EXPECT_NE(fsize.message.find("File too large"), std::string::npos) << fsize.message;
}

// errno keeps the last refused call's reason after failures that refused
// none: a lock or a short read after an earlier refused write is not renamed.
TEST(Database, AStaleSystemErrorDoesNotRenameOtherFailures) {
  const auto busy = sqlite_error(SQLITE_BUSY, EPERM, "database is locked", "BEGIN IMMEDIATE");
  EXPECT_EQ(busy.code, Errc::unavailable);
  EXPECT_EQ(busy.message.rfind("database is locked by another connection", 0), 0u) << busy.message;
  EXPECT_EQ(busy.message.find("system:"), std::string::npos) << busy.message;
  const auto unique =
      sqlite_error(SQLITE_CONSTRAINT_UNIQUE, EACCES, "UNIQUE constraint failed", "INSERT");
  EXPECT_EQ(unique.code, Errc::storage);
  EXPECT_EQ(unique.message.find("not writable"), std::string::npos) << unique.message;
  const auto short_read = sqlite_error(SQLITE_IOERR_SHORT_READ, EACCES, "disk I/O error", "SELECT");
  EXPECT_EQ(short_read.message.rfind("disk I/O error", 0), 0u) << short_read.message;
  EXPECT_EQ(short_read.message.find("system:"), std::string::npos) << short_read.message;
}

TEST(Database, ForeignKeysAreEnforcedAndCascade) {
  TempDir dir;
  auto db = open_db(dir.file());
  MessageRow orphan;
  orphan.contact_id = 999;
  orphan.kind = "text";
  orphan.body = "{}";
  auto r = add_message(*db, orphan);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("FOREIGN KEY"), std::string::npos) << r.error().message;

  const Contact c = make_contact(*db, "u1");
  MessageRow m = orphan;
  m.contact_id = c.id;
  ASSERT_TRUE(add_message(*db, m));
  ASSERT_TRUE(save_session(*db, Session{c.id, "{}", SessionMode::bot, 1}));
  ASSERT_TRUE(db->exec("DELETE FROM contacts"));  // erasure on request
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM sessions"), 0);
}

}  // namespace
}  // namespace ponte::storage::testing
