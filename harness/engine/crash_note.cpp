#include "harness/engine/crash_note.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace mcp::harness {

namespace {

// Written before each check, read by the handler: only fixed buffers and write(2) there.
char report_path[4096];
char stderr_note[1024];
char json_note[1024];
char alternate_stack[64 * 1024];

void write_all(int fd, const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

void on_crash(int signal) {
  write_all(2, stderr_note);
  if (report_path[0]) {
    int fd = ::open(report_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      write_all(fd, json_note);
      ::close(fd);
    }
  }
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// Check ids are [a-z0-9.-]; anything else is dropped so that the JSON stays valid.
std::string printable(const std::string& id) {
  std::string out;
  for (char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') out += c;
  }
  return out.substr(0, 200);
}

}  // namespace

void install_crash_note(const std::string& report_json_path) {
  std::snprintf(report_path, sizeof report_path, "%s", report_json_path.c_str());
  std::snprintf(stderr_note, sizeof stderr_note, "mcp-harness: CRASHED before any check ran (a harness fault)\n");
  std::snprintf(json_note, sizeof json_note, "{\"harness_crashed\":true,\"crashed_in_check\":null,\"checks_completed\":0}\n");
  stack_t stack{};
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  ::sigaltstack(&stack, nullptr);
  struct sigaction action {};
  action.sa_handler = on_crash;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::sigaction(signal, &action, nullptr);
}

void note_running_check(const std::string& id, std::size_t index, std::size_t total, std::size_t failed) {
  std::string check = printable(id);
  std::snprintf(stderr_note, sizeof stderr_note,
                "\nmcp-harness: CRASHED while running check %s (%zu of %zu; %zu failed before it). This is a "
                "fault in the harness, not a verdict on the server: please report it with the server's command.\n",
                check.c_str(), index + 1, total, failed);
  std::snprintf(json_note, sizeof json_note,
                "{\"harness_crashed\":true,\"crashed_in_check\":\"%s\",\"checks_completed\":%zu,\"checks_total\":%zu,"
                "\"failed_before_crash\":%zu}\n",
                check.c_str(), index, total, failed);
}

}  // namespace mcp::harness
