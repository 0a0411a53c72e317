// Kill the process mid-load and restart: a child process commits turns as
// fast as it can and reports each acknowledged one on a pipe; the parent
// kills it with SIGKILL at an arbitrary point, then reopens the file.
// Everything reported must be there, whole, in a sound file.
#include "storage/writer.hpp"
#include "turn_workload.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>

namespace ponte::storage::testing {
namespace {

constexpr int kKillAfterAcks = 300;
constexpr int kChildLimit = 100000;  // the child gives up if never killed

[[noreturn]] void child(const std::filesystem::path& file, int fd) {
  auto db = Database::open(file);
  if (!db) _exit(2);
  Writer writer(std::move(*db), WriterOptions{16});
  for (int i = 0; i < kChildLimit; ++i) {
    writer.submit(turn_unit(i), [fd, i](Result<void> r) {
      // One int per write is atomic on a pipe.
      if (r && write(fd, &i, sizeof i) != sizeof i) _exit(3);
    });
    if (i % 16 == 15) writer.flush();
  }
  _exit(0);
}

TEST(Crash, KilledWriterLosesNoAcknowledgedTurn) {
  TempDir dir;
  open_db(dir.file());  // migrated before the child starts
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    child(dir.file(), fds[1]);
  }
  close(fds[1]);
  std::vector<char> acked(kChildLimit, 0);
  int count = 0;
  int highest = 0;
  int i = 0;
  // Reads until the pipe closes: what is in it was acknowledged before death.
  while (read(fds[0], &i, sizeof i) == sizeof i) {
    ASSERT_GE(i, 0);
    ASSERT_LT(i, kChildLimit);
    acked[static_cast<std::size_t>(i)] = 1;
    highest = std::max(highest, i);
    if (++count == kKillAfterAcks) kill(pid, SIGKILL);
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited on its own: " << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_GE(count, kKillAfterAcks);

  // Turns past the last acknowledged batch may be stored or not, never half.
  acked.resize(static_cast<std::size_t>(highest) + 1 + 2 * 16);
  expect_acknowledged_stored(dir.file(), acked);
}

}  // namespace
}  // namespace ponte::storage::testing
