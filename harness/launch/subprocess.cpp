#include "harness/launch/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace

std::string ExitStatus::describe() const {
  if (signal) return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exited with code " + std::to_string(code);
}

StatusOr<std::unique_ptr<Subprocess>> Subprocess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return invalid_argument("empty command");
  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, exec_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int* p : {in_pipe, out_pipe, err_pipe, exec_pipe}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
  };
  if ((options.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) != 0) ||
      (options.pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0) || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    close_all();
    return internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    close_all();
    return internal_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (options.pipe_stdin) ::dup2(in_pipe[0], 0);
    else {
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
    }
    if (options.pipe_stdout) ::dup2(out_pipe[1], 1);
    else ::dup2(err_pipe[1], 1);  // a launched HTTP server's stdout is diagnostics too
    ::dup2(err_pipe[1], 2);
    for (const auto& [name, value] : options.extra_env) ::setenv(name.c_str(), value.c_str(), 1);
    ::execvp(argv[0], argv.data());
    int error = errno;
    ssize_t ignored = ::write(exec_pipe[1], &error, sizeof error);
    (void)ignored;
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so killpg works even before the child runs
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  close_fd(exec_pipe[1]);
  int exec_error = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &exec_error, sizeof exec_error);
  } while (n < 0 && errno == EINTR);
  close_fd(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof exec_error)) {
    int raw = 0;
    ::waitpid(pid, &raw, 0);
    close_all();
    return unavailable("cannot run \"" + options.argv[0] + "\": " + std::strerror(exec_error));
  }

  std::unique_ptr<Subprocess> process(new Subprocess());
  process->pid_ = pid;
  process->stdin_fd_ = in_pipe[1];
  process->stdout_fd_ = out_pipe[0];
  int err_fd = err_pipe[0];
  std::size_t limit = options.stderr_capture_bytes;
  process->stderr_thread_ = std::thread([p = process.get(), err_fd, limit] { p->capture_stderr(err_fd, limit); });
  return process;
}

void Subprocess::capture_stderr(int fd, std::size_t limit) {
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
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
}

Subprocess::~Subprocess() {
  terminate(std::chrono::milliseconds(500));
  close_stdin();
  close_fd(stdout_fd_);
  if (stderr_thread_.joinable()) stderr_thread_.join();
}

void Subprocess::close_stdin() { close_fd(stdin_fd_); }

std::string Subprocess::stderr_tail() const {
  std::lock_guard<std::mutex> lock(stderr_mutex_);
  return stderr_;
}

std::string Subprocess::stderr_complete() {
  if (stderr_thread_.joinable()) stderr_thread_.join();
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
