// A child process in its own process group, with pipes for stdin/stdout and a
// bounded capture of stderr. Every wait has a deadline and terminate() kills the
// whole group, so a hung or forking server never outlives the harness run.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "mcp/status.h"

namespace mcp::harness {

struct SpawnOptions {
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> extra_env;
  bool pipe_stdin = true;
  bool pipe_stdout = true;
  std::size_t stderr_capture_bytes = 64 * 1024;  // keeps the last N bytes
};

// How a process ended: an exit code, or the signal that killed it.
struct ExitStatus {
  int code = -1;
  int signal = 0;
  std::string describe() const;
};

class Subprocess {
 public:
  static StatusOr<std::unique_ptr<Subprocess>> spawn(const SpawnOptions& options);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  void close_stdin();

  // The tail of what the process wrote to stderr so far.
  std::string stderr_tail() const;
  // After the process (and its group) ended: waits for stderr to be read to its end, then returns the tail.
  std::string stderr_complete();
  // Non-blocking: the exit status once the process has ended.
  std::optional<ExitStatus> poll();
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  // SIGTERM to the process group, then SIGKILL after `grace`.
  ExitStatus terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(1500));

  // read() on one of the child's pipes that also returns 0 (as at EOF) once
  // release_readers() was called: a server's child that left the process group
  // (setsid) can hold the pipe open forever, and no reader may wait on it past close.
  ssize_t read_until_released(int fd, char* buffer, std::size_t size) const;
  void release_readers();
  // Waits up to `grace` for `done` (a reader reaching EOF by itself), then releases the readers.
  void release_readers_after(const std::atomic<bool>& done, std::chrono::milliseconds grace);

 private:
  Subprocess() = default;
  void capture_stderr(int fd, std::size_t limit);
  void join_stderr();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::optional<ExitStatus> exit_;
  mutable std::mutex stderr_mutex_;
  std::string stderr_;
  std::thread stderr_thread_;
  std::atomic<bool> stderr_done_{false};
  int release_pipe_[2] = {-1, -1};  // readable once the readers are released
};

// Splits a command line the way a POSIX shell would for simple quoting ('', "", \).
std::vector<std::string> split_command_line(const std::string& command);

}  // namespace mcp::harness
