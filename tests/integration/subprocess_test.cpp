// How the harness starts a server under test: environment, signals, and spawning
// while other threads are busy (the OTLP receiver starts its pool as the first
// server is spawned).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "harness/launch/subprocess.h"

namespace mcp::harness {
namespace {

// Everything the process writes to stdout, until it closes it.
std::string read_stdout(Subprocess& process) {
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(process.stdout_fd(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::unique_ptr<Subprocess> spawn_or_fail(SpawnOptions options) {
  options.pipe_stdin = false;
  auto process = Subprocess::spawn(options);
  EXPECT_TRUE(process.ok()) << process.status().to_string();
  return process.ok() ? std::move(process).value() : nullptr;
}

TEST(Subprocess, ChildSeesExtraEnvironmentOverTheHarnesses) {
  ::setenv("MCP_SUBPROCESS_TEST_KEPT", "kept", 1);
  ::setenv("MCP_SUBPROCESS_TEST_REPLACED", "old", 1);
  SpawnOptions options;
  options.argv = {"sh", "-c", "echo \"$MCP_SUBPROCESS_TEST_KEPT $MCP_SUBPROCESS_TEST_REPLACED $MCP_SUBPROCESS_TEST_ADDED\""};
  options.extra_env = {{"MCP_SUBPROCESS_TEST_REPLACED", "new"}, {"MCP_SUBPROCESS_TEST_ADDED", "added"}};
  auto process = spawn_or_fail(options);
  ASSERT_TRUE(process);
  EXPECT_EQ(read_stdout(*process), "kept new added\n");
  auto exit = process->wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 0);
}

TEST(Subprocess, ChildDoesNotInheritTheHarnessesIgnoredSigpipe) {
  ::signal(SIGPIPE, SIG_IGN);  // as the harness does
  SpawnOptions options;
  options.argv = {"grep", "-E", "^(SigIgn|SigBlk)", "/proc/self/status"};
  auto process = spawn_or_fail(options);
  ASSERT_TRUE(process);
  std::string status = read_stdout(*process);
  for (const char* field : {"SigIgn:", "SigBlk:"}) {
    std::size_t at = status.find(field);
    ASSERT_NE(at, std::string::npos) << status;
    unsigned long long mask = std::strtoull(status.c_str() + at + std::string(field).size(), nullptr, 16);
    EXPECT_EQ(mask & (1ULL << (SIGPIPE - 1)), 0u) << field << " in " << status;
  }
}

TEST(Subprocess, ChildLeadsItsOwnProcessGroup) {
  SpawnOptions options;
  options.argv = {"sh", "-c", "ps -o pgid= -p $$"};
  auto process = spawn_or_fail(options);
  ASSERT_TRUE(process);
  EXPECT_EQ(std::stol(read_stdout(*process)), process->pid());
}

TEST(Subprocess, UnknownProgramIsRefusedWithTheReason) {
  SpawnOptions options;
  options.argv = {"/nonexistent/mcp-server"};
  auto process = Subprocess::spawn(options);
  ASSERT_FALSE(process.ok());
  EXPECT_NE(process.status().message().find("cannot run \"/nonexistent/mcp-server\": No such file or directory"),
            std::string::npos)
      << process.status().to_string();
}

// Between fork and exec a child must not allocate: a lock another thread held at
// the fork stays held in the child, and the spawn waits forever. The fork+setenv
// spawn this replaced hung here under ASan in about one run in three (glibc's own
// malloc is fork-safe, so the release build never showed it).
TEST(Subprocess, SpawnsWhileOtherThreadsAllocateAndStartThreads) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> churn;
  for (unsigned t = 1; t <= 3; ++t) {
    churn.emplace_back([&stop, seed = t] {
      unsigned x = seed;
      while (!stop) {
        std::vector<std::string> garbage;
        for (int k = 0; k < 50; ++k) {
          x = x * 1103515245u + 12345u;
          garbage.emplace_back((x >> 8) % 70000, 'x');  // sizes that refill the allocator's caches
        }
        std::thread([] { std::string s(1000, 'y'); }).join();
      }
    });
  }
  constexpr int kSpawns = 1000;
  std::atomic<int> started{0};
  std::atomic<bool> finished{false};
  std::thread spawner([&started, &finished] {
    for (int i = 0; i < kSpawns; ++i) {
      SpawnOptions options;
      options.argv = {"true"};
      for (int k = 0; k < 20; ++k) options.extra_env.push_back({"MCP_SUBPROCESS_TEST_" + std::to_string(k), std::string(300, 'a' + i % 26)});
      auto process = spawn_or_fail(options);
      if (!process) break;
      auto exit = process->wait_for(std::chrono::seconds(10));
      if (!exit.has_value() || exit->code != 0) break;
      ++started;
    }
    finished = true;
  });
  // A hung spawn cannot be interrupted: report it and end the test process.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!finished && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!finished) {
    std::fprintf(stderr, "spawn %d of %d hung between fork and exec\n", started.load() + 1, kSpawns);
    std::_Exit(1);
  }
  spawner.join();
  stop = true;
  for (std::thread& t : churn) t.join();
  EXPECT_EQ(started, kSpawns) << "a child failed to start or to exit";
}

}  // namespace
}  // namespace mcp::harness
