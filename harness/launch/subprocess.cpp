#include "harness/launch/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

extern char** environ;

namespace mcp::harness {

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

ExitStatus decode(int raw) {
  ExitStatus status;
  if (WIFEXITED(raw)) status.code = WEXITSTATUS(raw);
  else if (WIFSIGNALED(raw)) status.signal = WTERMSIG(raw);
  return status;
}

// The child's environment, built before the spawn: between fork and exec nothing may
// allocate (another thread may hold the allocator's lock; under ASan that hung CI).
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    bool overridden = false;
    for (const auto& [override_name, value] : overrides) overridden |= override_name == name;
    if (!overridden) env.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
  return env;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal) return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exited with code " + std::to_string(code);
}

StatusOr<std::unique_ptr<Subprocess>> Subprocess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return invalid_argument("empty command");
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in_pipe, out_pipe, err_pipe}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
  };
  if ((options.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) != 0) ||
      (options.pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    close_all();
    return internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env = child_environment(options.extra_env);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  // posix_spawnp, not fork+exec: glibc's child allocates nothing, and an exec
  // failure comes back as the return value.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  else posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // A launched HTTP server's stdout is diagnostics too.
  posix_spawn_file_actions_adddup2(&actions, options.pipe_stdout ? out_pipe[1] : err_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, reset;
  sigemptyset(&none);
  sigemptyset(&reset);
  sigaddset(&reset, SIGPIPE);  // the harness ignores SIGPIPE; the server gets the default
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &reset);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group, so terminate() reaches its children
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int spawn_error = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  if (spawn_error != 0) {
    close_all();
    return unavailable("cannot run \"" + options.argv[0] + "\": " + std::strerror(spawn_error));
  }

  std::unique_ptr<Subprocess> process(new Subprocess());
  if (::pipe2(process->release_pipe_, O_CLOEXEC) != 0) {
    ::killpg(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    close_fd(err_pipe[0]);
    return internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  process->pid_ = pid;
  process->stdin_fd_ = in_pipe[1];
  process->stdout_fd_ = out_pipe[0];
  int err_fd = err_pipe[0];
  std::size_t limit = options.stderr_capture_bytes;
  process->stderr_thread_ = std::thread([p = process.get(), err_fd, limit] { p->capture_stderr(err_fd, limit); });
  return process;
}

ssize_t Subprocess::read_until_released(int fd, char* buffer, std::size_t size) const {
  for (;;) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {release_pipe_[0], POLLIN, 0}};
    int ready = ::poll(fds, 2, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return -1;
    // Data first: what the server wrote before it was released is still read.
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(fd, buffer, size);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
    if (fds[1].revents) return 0;
  }
}

void Subprocess::release_readers() {
  char byte = 1;
  if (release_pipe_[1] >= 0) (void)!::write(release_pipe_[1], &byte, 1);
}

void Subprocess::release_readers_after(const std::atomic<bool>& done, std::chrono::milliseconds grace) {
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!done && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!done) release_readers();
}

void Subprocess::join_stderr() {
  if (!stderr_thread_.joinable()) return;
  release_readers_after(stderr_done_, std::chrono::milliseconds(500));
  stderr_thread_.join();
}

void Subprocess::capture_stderr(int fd, std::size_t limit) {
  char buffer[8192];
  for (;;) {
    ssize_t n = read_until_released(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(stderr_mutex_);
    stderr_.append(buffer, static_cast<std::size_t>(n));
    if (stderr_.size() > limit) {
      // Keep whole lines: drop the oldest bytes up to the next line boundary too.
      std::size_t cut = stderr_.size() - limit;
      std::size_t newline = stderr_.find('\n', cut);
      stderr_.erase(0, newline == std::string::npos ? cut : newline + 1);
    }
  }
  ::close(fd);
  stderr_done_ = true;
}

Subprocess::~Subprocess() {
  terminate(std::chrono::milliseconds(500));
  close_stdin();
  close_fd(stdout_fd_);
  join_stderr();
  close_fd(release_pipe_[0]);
  close_fd(release_pipe_[1]);
}

void Subprocess::close_stdin() { close_fd(stdin_fd_); }

std::string Subprocess::stderr_tail() const {
  std::lock_guard<std::mutex> lock(stderr_mutex_);
  return stderr_;
}

std::string Subprocess::stderr_complete() {
  join_stderr();
  return stderr_tail();
}

std::optional<ExitStatus> Subprocess::poll() {
  if (exit_) return exit_;
  int raw = 0;
  pid_t r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) exit_ = decode(raw);
  return exit_;
}

std::optional<ExitStatus> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds step(1);
  while (!poll()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(step);
    step = std::min(step * 2, std::chrono::milliseconds(20));
  }
  return exit_;
}

ExitStatus Subprocess::terminate(std::chrono::milliseconds grace) {
  if (!poll()) {
    ::killpg(pid_, SIGTERM);
    if (!wait_for(grace)) {
      ::killpg(pid_, SIGKILL);
      wait_for(std::chrono::milliseconds(5000));
    }
  }
  // Children that outlived the leader still belong to the group: end them too.
  ::killpg(pid_, SIGKILL);
  return exit_.value_or(ExitStatus{});
}

std::vector<std::string> split_command_line(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < command.size()) word += command[++i];
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace mcp::harness
