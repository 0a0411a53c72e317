// Faults, end to end: the real ponte against fake platform APIs that fail
// the ways real ones do (500, 429 with a wait, a reset connection, a request
// hanging past the timeout), and against a disk that refuses writes. In
// each, nothing acknowledged is lost and replies go out at least once, and
// more than once only when a send's outcome was unknown (the hang).
//
// The disk fault is real, from outside, and needs no root: RLIMIT_FSIZE is
// set to 0 on the running ponte with prlimit(2), so the kernel refuses every
// write to a regular file with EFBIG (SIGXFSZ is ignored by ponte), exactly
// where a full disk refuses with ENOSPC: SQLite's COMMIT fails, reads go on.
// ponte's log goes through a pipe, which the limit does not touch. Lifting
// the limit ends the fault.
//
// A data directory that turns read-only (a file system remounted read-only
// after errors, a deployment that changed owners) is made by the immutable
// attribute, which the kernel enforces on root too and on descriptors
// already open: SQLite's writes fail with EPERM (tests/support/read_only_dir).
#include "tests/integration/ponte_fixture.hpp"
#include "tests/support/read_only_dir.hpp"

#include "storage/database.hpp"
#include "storage/repositories.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <set>

namespace ponte::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::int64_t pending_outbox(PonteFixture& ponte) {
  auto db = storage::Database::open(ponte.database(), {.read_only = true});
  if (!db) throw std::runtime_error(db.error().message);
  return storage::count_outbox(**db).value().pending;
}

bool outbox_drains(PonteFixture& ponte) {
  return wait_until([&] { return pending_outbox(ponte) == 0; }, 20s);
}

std::size_t count_in(const std::string& log, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

// The storage faults below share one story: a reply waits for the Telegram
// API when the fault begins, the webhooks are refused meanwhile, and when
// it ends the platforms' retries (the same updates) go through once.
struct Retried {
  std::int64_t chat;
  std::string from;  // the WhatsApp sender
  json tg_update;
  std::string wa_update, wa_id;
  json web_post;
};

Retried retried(PonteFixture& ponte, std::int64_t chat, std::string from,
                const std::string& web_client) {
  Retried r{chat, std::move(from), ponte.text_update(chat, "2"), {}, {}, {}};
  r.wa_update = ponte.wa_text(r.from, "ciao").dump();
  r.wa_id = ponte.last_wamid();
  r.web_post = {{"client", web_client}, {"id", "w1"}, {"start", true}, {"lang", "it"}};
  return r;
}

// Before the fault: one reply that cannot be sent yet.
void hold_a_reply(PonteFixture& ponte, std::int64_t chat) {
  ponte.telegram().close_listener();
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_EQ(pending_outbox(ponte), 1);
}

// During the fault: the held reply goes out, recording it is put off.
void release_the_reply(PonteFixture& ponte, std::int64_t chat) {
  ponte.telegram().reopen_listener();
  ASSERT_TRUE(ponte.wait_texts(chat, 1, 15s)) << ponte.log();
  ASSERT_TRUE(wait_until(
      [&] { return ponte.log().find("event=outbox.record_deferred") != std::string::npos; }, 10s))
      << ponte.log();
  EXPECT_EQ(pending_outbox(ponte), 1);  // not recorded yet
}

// After the fault: ponte found out by itself, the retries go through, and
// nothing acknowledged was lost or stored twice.
void expect_retries_go_through_once(PonteFixture& ponte, const Retried& r) {
  ASSERT_TRUE(outbox_drains(ponte)) << ponte.log();
  ASSERT_TRUE(wait_until([&] { return ponte.get("/healthz").status == 200; }, 15s)) << ponte.log();
  EXPECT_EQ(ponte.post_update(r.tg_update).status, 200);
  EXPECT_EQ(ponte.post_whatsapp(r.wa_update).status, 200);
  EXPECT_EQ(ponte.post_json("/webchat/messages", r.web_post).status, 200);
  ASSERT_TRUE(ponte.wait_texts(r.chat, 2, 15s)) << ponte.log();
  ASSERT_TRUE(ponte.whatsapp().wait_until(
      [&] { return !ponte.whatsapp().messages_to(r.from).empty(); }, 15s));
  ASSERT_TRUE(outbox_drains(ponte)) << ponte.log();
  const auto texts = ponte.telegram().texts_to(r.chat);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), texts.size());
  auto db = storage::Database::open(ponte.database(), {.read_only = true}).value();
  auto c = storage::find_contact(*db, Channel::telegram, std::to_string(r.chat)).value();
  ASSERT_TRUE(c);
  std::size_t in = 0;
  for (const auto& m : storage::list_messages(*db, c->id, 0, 100).value()) {
    in += m.direction == storage::Direction::in;
  }
  EXPECT_EQ(in, 2u);  // "ciao" and "2": nothing lost, nothing doubled
  EXPECT_EQ(ponte.whatsapp().reads(), std::vector<std::string>{r.wa_id});
}

// The log names the fault once and its end once, not once per request.
void expect_fault_logged_once(const std::string& log) {
  EXPECT_EQ(count_in(log, "event=storage.unavailable"), 1u) << log;
  EXPECT_EQ(count_in(log, "event=storage.recovered"), 1u) << log;
  EXPECT_EQ(count_in(log, "level=error"), 1u) << log;  // storage.unavailable
}

TEST(FaultE2E, WhatsApp500sAreRetriedAndEachReplyGoesOutOnce) {
  PonteFixture ponte;
  ponte.start();
  const std::string from = "393330008001";
  ponte.whatsapp().fail_next(2, 500, FakeWhatsApp::error_body(131000, "Something went wrong"));
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(from, "ciao").dump()).status, 200);
  ASSERT_TRUE(outbox_drains(ponte)) << ponte.log();
  std::size_t refused = 0;
  for (const auto& c : ponte.whatsapp().calls()) refused += c.status == 500;
  EXPECT_EQ(refused, 2u);
  const auto sent = ponte.whatsapp().messages_to(from);
  ASSERT_FALSE(sent.empty());
  std::set<std::string> texts;
  for (const auto& m : sent) texts.insert(m.text());
  EXPECT_EQ(texts.size(), sent.size()) << "a reply went out twice";
}

TEST(FaultE2E, AWhatsApp429RetryAfterHeaderIsWaitedOut) {
  PonteFixture ponte;
  ponte.start();
  const std::string from = "393330008002";
  // 130429 (throughput) names no wait of its own: the header's 2 s rules.
  ponte.whatsapp().fail_next(1, 429, FakeWhatsApp::error_body(130429, "Rate limit hit"), "2");
  ASSERT_EQ(ponte.post_whatsapp(ponte.wa_text(from, "ciao").dump()).status, 200);
  ASSERT_TRUE(
      ponte.whatsapp().wait_until([&] { return !ponte.whatsapp().messages_to(from).empty(); }, 15s))
      << ponte.log();
  std::optional<std::chrono::steady_clock::time_point> refused;
  for (const auto& c : ponte.whatsapp().calls()) {
    if (c.status == 429) refused = c.arrived;
  }
  ASSERT_TRUE(refused);
  EXPECT_GE(ponte.whatsapp().messages_to(from).front().arrived - *refused, 1950ms);
  ASSERT_TRUE(outbox_drains(ponte));
  EXPECT_EQ(ponte.whatsapp().messages_to(from).size(), 1u);  // the language list, once
}

TEST(FaultE2E, ResetConnectionsAreRetriedAndEachReplyGoesOutOnce) {
  PonteFixture ponte;
  ponte.start();
  const std::int64_t chat = 5550008003;
  ponte.telegram().reset_next(2, "sendMessage");
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_TRUE(ponte.wait_texts(chat, 1, 15s)) << ponte.log();
  ASSERT_TRUE(outbox_drains(ponte)) << ponte.log();
  std::size_t resets = 0;
  for (const auto& c : ponte.telegram().failed()) resets += c.status == 0;
  EXPECT_EQ(resets, 2u);
  const auto texts = ponte.telegram().texts_to(chat);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), texts.size());
  EXPECT_NE(ponte.log().find("event=outbox.retry"), std::string::npos);
}

// The API acts on a request but answers after ponte's timeout: ponte cannot
// know, so it sends again (at-least-once). One extra copy per timed-out
// attempt at most, and none after the row is recorded as sent.
TEST(FaultE2E, ARequestHangingPastTheTimeoutIsRetriedAtLeastOnceNotMore) {
  PonteFixture ponte(json{{"outbox", {{"request_timeout_ms", 1000}}}});
  ponte.start();
  const std::int64_t chat = 5550008004;
  ponte.telegram().hang_next(1, 2500ms, "sendMessage");
  ASSERT_EQ(ponte.post_update(ponte.text_update(chat, "ciao")).status, 200);
  ASSERT_TRUE(outbox_drains(ponte)) << ponte.log();
  // The hung call is carried out when the fake wakes up.
  ASSERT_TRUE(
      ponte.telegram().wait_until([&] { return ponte.telegram().texts_to(chat).size() >= 2; }, 15s))
      << ponte.log();
  const auto texts = ponte.telegram().texts_to(chat);
  ASSERT_EQ(texts.size(), 2u);  // one reply: the hung copy and the retry
  EXPECT_EQ(texts[0], texts[1]);
  EXPECT_NE(ponte.log().find("event=outbox.retry"), std::string::npos);
  EXPECT_EQ(pending_outbox(ponte), 0);
}

// Another process holding the write lock (an sqlite3 shell left in a
// transaction, a backup tool): after storage.busy_timeout_ms the write is
// refused as "database is locked" and the webhook answers 503, instead of
// hanging; once the lock is gone the platform's retry goes through.
TEST(FaultE2E, ADatabaseLockedByAnotherProcessIsA503UntilTheLockGoes) {
  PonteFixture ponte(json{{"storage", {{"busy_timeout_ms", 200}}}});
  ponte.start();
  const std::int64_t chat = 5550008006;
  const auto update = ponte.text_update(chat, "ciao");
  {
    auto other = storage::Database::open(ponte.database()).value();
    ASSERT_TRUE(other->exec("BEGIN IMMEDIATE"));
    const auto refused = ponte.post_update(update);
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.headers.count("retry-after"), 1u);
    const auto health = ponte.get("/healthz");
    EXPECT_EQ(health.status, 503);
    EXPECT_NE(health.body.find("database is locked"), std::string::npos) << health.body;
    ASSERT_TRUE(other->exec("ROLLBACK"));
  }
  ASSERT_EQ(ponte.post_update(update).status, 200) << ponte.log();
  ASSERT_TRUE(ponte.wait_texts(chat, 1)) << ponte.log();
  EXPECT_EQ(ponte.get("/healthz").status, 200);
  const auto log = ponte.log();
  EXPECT_EQ(count_in(log, "event=storage.unavailable"), 1u) << log;
  EXPECT_EQ(count_in(log, "event=storage.recovered"), 1u) << log;
}

// RLIMIT_FSIZE on another process (prlimit(2)): the soft limit goes to 0
// and back; the hard limit is left as it was, so no privilege is needed.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(pid_t pid) : pid_(pid) {
    if (::prlimit(pid_, RLIMIT_FSIZE, nullptr, &saved_) != 0)
      throw std::system_error(errno, std::generic_category(), "prlimit");
  }
  void refuse_writes() { set(0); }
  void lift() { set(saved_.rlim_cur); }

 private:
  void set(rlim_t soft) {
    rlimit limit = saved_;
    limit.rlim_cur = soft;
    if (::prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) != 0) {
      throw std::system_error(errno, std::generic_category(), "prlimit");
    }
  }
  pid_t pid_;
  rlimit saved_{};
};

TEST(FaultE2E, AFullDiskRefusesWebhooksWith503UntilItEndsThenEverythingGoesThrough) {
  PonteFixture ponte;
  ponte.output_through_pipe(true);
  ponte.start();
  const std::int64_t chat = 5550008005;
  const std::string web_client = "fault-test-client-0001";

  // A reply waiting for the Telegram API when the disk fills up: it is sent
  // during the fault, and recording that it was sent must wait for the disk.
  ASSERT_NO_FATAL_FAILURE(hold_a_reply(ponte, chat));

  FileSizeLimit disk(ponte.pid());
  disk.refuse_writes();
  const auto r = retried(ponte, chat, "393330008005", web_client);
  for (int i = 0; i < 3; ++i) {
    const auto tg = ponte.post_update(r.tg_update);
    EXPECT_EQ(tg.status, 503) << tg.body;
    EXPECT_EQ(tg.headers.count("retry-after"), 1u);
    EXPECT_EQ(ponte.post_whatsapp(r.wa_update).status, 503);
    const auto web = ponte.post_json("/webchat/messages", r.web_post);
    EXPECT_EQ(web.status, 503);
    EXPECT_NE(web.body.find("cannot save messages right now"), std::string::npos) << web.body;
    EXPECT_EQ(web.headers.count("retry-after"), 1u);
  }
  // Reading still works: the web chat's page and history keep answering.
  EXPECT_EQ(ponte.get("/").status, 200);
  EXPECT_EQ(ponte.get("/webchat/history?client=" + web_client).status, 200);
  const auto health = ponte.get("/healthz");
  EXPECT_EQ(health.status, 503);
  const auto h = json::parse(health.body, nullptr, false);
  ASSERT_TRUE(h.is_object()) << health.body;
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["storage"]["writable"], false);
  EXPECT_NE(h["storage"]["error"].get<std::string>().find("disk I/O error"), std::string::npos)
      << health.body;

  // The waiting reply goes out; recording it fails, and is tried again.
  ASSERT_NO_FATAL_FAILURE(release_the_reply(ponte, chat));

  disk.lift();
  // By itself: the record retry or the probe finds the disk back.
  ASSERT_NO_FATAL_FAILURE(expect_retries_go_through_once(ponte, r));
  const auto log = ponte.log();
  expect_fault_logged_once(log);
  EXPECT_NE(log.find("disk I/O error"), std::string::npos);
}

// The data directory and every file in it refuse writes while ponte runs:
// SQLite's writes to the open -wal file fail with EPERM (SQLITE_IOERR_WRITE),
// which must read as "not writable", not as a failing disk, and be a 503
// (the platforms retry) until the directory is writable again; then ponte
// finds out by itself and nothing acknowledged is lost.
TEST(FaultE2E, AReadOnlyDataDirectoryRefusesWebhooksWith503UntilItEndsThenEverythingGoesThrough) {
  PonteFixture ponte;
  ponte.start();
  const std::int64_t chat = 5550008007;
  const std::string web_client = "fault-test-client-0007";

  // A reply waiting for the Telegram API when the directory turns read-only.
  ASSERT_NO_FATAL_FAILURE(hold_a_reply(ponte, chat));

  // All but the -shm file: SQLite keeps the WAL index in a shared mapping
  // of it, and the kernel answers a write through a mapping of an
  // immutable file with SIGBUS (ext4_page_mkwrite), which no process
  // survives. The index is not data: the writes that store something (the
  // -wal, ponte.db, new files) are all refused.
  ReadOnlyDir data(ponte.data_dir());
  if (const auto why = data.apply({"ponte.db-shm"}); !why.empty()) GTEST_SKIP() << why;
  if (!data.refuses_open_files()) {
    data.restore();
    GTEST_SKIP() << "not root: permission bits leave ponte's open database files writable";
  }
  const auto r = retried(ponte, chat, "393330008007", web_client);
  for (int i = 0; i < 3; ++i) {
    const auto tg = ponte.post_update(r.tg_update);
    EXPECT_EQ(tg.status, 503) << tg.body << ponte.log();
    EXPECT_EQ(tg.headers.count("retry-after"), 1u);
    const auto wa = ponte.post_whatsapp(r.wa_update);
    EXPECT_EQ(wa.status, 503) << wa.body;
    EXPECT_EQ(wa.headers.count("retry-after"), 1u);
    EXPECT_EQ(ponte.post_json("/webchat/messages", r.web_post).status, 503);
  }
  EXPECT_EQ(ponte.get("/webchat/history?client=" + web_client).status, 200);
  const auto health = ponte.get("/healthz");
  EXPECT_EQ(health.status, 503);
  const auto h = json::parse(health.body, nullptr, false);
  ASSERT_TRUE(h.is_object()) << health.body;
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["storage"]["writable"], false);
  const std::string said = "the database file or its directory is not writable";
  EXPECT_NE(h["storage"]["error"].get<std::string>().find(said), std::string::npos) << health.body;

  // The waiting reply goes out; recording it waits for the directory.
  ASSERT_NO_FATAL_FAILURE(release_the_reply(ponte, chat));

  data.restore();
  ASSERT_NO_FATAL_FAILURE(expect_retries_go_through_once(ponte, r));
  EXPECT_EQ(ponte.whatsapp().messages_to(r.from).size(), 1u);  // the language list, once

  // One error naming the cause and the file, and one line for its end.
  const auto log = ponte.log();
  expect_fault_logged_once(log);
  const auto line = log.substr(log.find("event=storage.unavailable"));
  const auto unavailable = line.substr(0, line.find('\n'));
  EXPECT_NE(unavailable.find(said), std::string::npos) << unavailable;
  EXPECT_NE(unavailable.find("Operation not permitted"), std::string::npos) << unavailable;
  EXPECT_NE(unavailable.find(ponte.database().string()), std::string::npos) << unavailable;
}

// Started on a read-only data directory, ponte refuses to run (exit 1) and
// says which path and why, rather than serving with a database it cannot
// write: after a clean stop only ponte.db is left, and a read-only
// directory refuses creating its -wal; after a crash the -wal and -shm are
// left, and SQLite would open a read-only ponte.db for reading only, without
// a word.
TEST(FaultE2E, StartingOnAReadOnlyDataDirectoryExitsNamingThePath) {
  PonteFixture ponte;
  ponte.start();
  ASSERT_EQ(ponte.post_update(ponte.text_update(5550008008, "ciao")).status, 200);
  const std::string wal = ponte.database().string() + "-wal";
  for (const bool crash : {false, true}) {
    SCOPED_TRACE(crash ? "after kill -9, all read-only" : "after a clean stop, the directory");
    if (crash) {
      ponte.start();
      ASSERT_TRUE(ponte.kill9());
      ASSERT_TRUE(std::filesystem::exists(wal));
    } else {
      ASSERT_EQ(ponte.stop(), 0) << ponte.log();
      ASSERT_FALSE(std::filesystem::exists(wal));
    }
    ReadOnlyDir data(ponte.data_dir());
    const auto spared = crash ? std::vector<std::string>{} : std::vector<std::string>{"ponte.db"};
    if (const auto why = data.apply(spared); !why.empty()) GTEST_SKIP() << why;
    std::string output;
    EXPECT_EQ(ponte.run_command({"serve"}, &output), 1) << output;
    const auto named = crash ? "the file " + ponte.database().string() + " is not writable"
                             : "the directory " + ponte.data_dir().string() + " is not writable";
    EXPECT_NE(output.find(named), std::string::npos) << output;
    data.restore();
  }
  // Writable again, it starts on the same data.
  ponte.start();
  EXPECT_EQ(ponte.get("/healthz").status, 200);
}

}  // namespace
}  // namespace ponte::testing
