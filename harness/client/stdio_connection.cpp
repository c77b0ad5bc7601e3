#include "harness/client/stdio_connection.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "mcp/json_rpc.h"
#include "mcp/line_framing.h"

namespace mcp::harness {

namespace {
constexpr std::size_t kMaxLineBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxNoiseLines = 200;
}  // namespace

StatusOr<std::unique_ptr<StdioConnection>> StdioConnection::start(const SpawnOptions& options, Transcript& transcript) {
  ::signal(SIGPIPE, SIG_IGN);  // a server that dies mid-write must not take the harness with it
  auto process = Subprocess::spawn(options);
  if (!process.ok()) return process.status();
  std::unique_ptr<StdioConnection> connection(new StdioConnection(std::move(process).value(), transcript));
  connection->reader_ = std::thread([c = connection.get()] { c->read_stdout(); });
  return connection;
}

StdioConnection::StdioConnection(std::unique_ptr<Subprocess> process, Transcript& transcript)
    : Connection(transcript), process_(std::move(process)) {}

StdioConnection::~StdioConnection() { close(); }

void StdioConnection::read_stdout() {
  LineReader reader(kMaxLineBytes);
  std::vector<std::string> lines;
  std::vector<char> buffer(64 * 1024);
  int fd = process_->stdout_fd();
  for (;;) {
    ssize_t n = process_->read_until_released(fd, buffer.data(), buffer.size());
    if (n <= 0) break;
    lines.clear();
    std::size_t before = reader.oversized_lines();
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), lines);
    if (reader.oversized_lines() > before) {
      oversized_lines_ = reader.oversized_lines();
      transcript_.add("note", "server wrote a stdout line over " + std::to_string(kMaxLineBytes) + " bytes; dropped");
    }
    for (std::string& line : lines) {
      // Depth-bounded: a reply nested 200k deep would crash whoever copies it next.
      std::optional<nlohmann::json> value = jsonrpc::parse_untrusted(line);
      if (!value) {
        transcript_.add("recv", line.substr(0, 2000) + "    <- not JSON, or nested deeper than " +
                                    std::to_string(jsonrpc::kDefaultMaxDepth) + " levels");
        std::lock_guard<std::mutex> lock(noise_mutex_);
        if (noise_.size() < kMaxNoiseLines) noise_.push_back(line);
        continue;
      }
      transcript_.add("recv", line);
      deliver(std::move(*value));
    }
  }
  if (!reader.partial().empty()) {
    std::lock_guard<std::mutex> lock(noise_mutex_);
    noise_.push_back(reader.partial() + "  (no terminating newline)");
  }
  mark_closed("server closed its stdout");
  reader_done_ = true;
}

Status StdioConnection::send(const nlohmann::json& message) { return send_raw(jsonrpc::serialize(message) + "\n"); }

Status StdioConnection::send_raw(const std::string& text) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  int fd = process_->stdin_fd();
  if (fd < 0) return unavailable("server stdin is closed");
  std::string shown = text;
  if (!shown.empty() && shown.back() == '\n') shown.pop_back();
  transcript_.add("send", shown);
  const char* p = text.data();
  std::size_t left = text.size();
  auto deadline = deadline_in(std::chrono::seconds(5));
  while (left > 0) {
    // A server that stops reading must not block the harness: wait for room with a deadline.
    pollfd pfd{fd, POLLOUT, 0};
    int remaining = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (remaining <= 0) return deadline_exceeded("server is not reading its stdin");
    int ready = ::poll(&pfd, 1, remaining);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return deadline_exceeded("server is not reading its stdin");
    if (pfd.revents & (POLLERR | POLLHUP)) return unavailable("server closed its stdin");
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return unavailable("write to server stdin failed");
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ok_status();
}

void StdioConnection::close_input() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  process_->close_stdin();
}

void StdioConnection::close() {
  if (!process_) return;
  close_input();
  if (!process_->wait_for(std::chrono::milliseconds(1000))) process_->terminate();
  else process_->terminate(std::chrono::milliseconds(0));  // reap leftover children of the group
  if (reader_.joinable()) {
    // A child that escaped the group may still hold stdout: wait for EOF only briefly.
    process_->release_readers_after(reader_done_, std::chrono::milliseconds(500));
    reader_.join();
  }
}

std::string StdioConnection::diagnostics() {
  std::string out;
  if (auto status = process_->poll()) out += "server " + status->describe() + ". ";
  std::string tail = process_->stderr_tail();
  if (tail.size() > 600) tail = "..." + tail.substr(tail.size() - 600);
  if (!tail.empty()) out += "stderr: " + tail;
  return out;
}

std::vector<std::string> StdioConnection::stdout_noise() const {
  std::lock_guard<std::mutex> lock(noise_mutex_);
  return noise_;
}

}  // namespace mcp::harness
