#include "reference-server/transport/stdio_transport.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcp/line_framing.h"
#include "reference-server/transport/worker_pool.h"
#include "reference-server/wire/legacy/legacy_wire.h"

namespace mcp::server {

namespace {

class LineWriter final : public Outbound {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}

  void send(const nlohmann::json& message) override {
    std::string line = jsonrpc::serialize(message);
    line.push_back('\n');
    if (holding_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
      held_ += line;  // only the holding thread touches held_
      if (held_.size() >= kMaxHeldBytes) write_held();
      return;
    }
    write_all(line);
  }

  // While the reading thread handles what one read(2) brought, the answers it writes
  // itself are gathered and written together when it is done (one system call for
  // many pipelined calls); other threads' messages go out at once.
  void hold() { holding_ = std::this_thread::get_id(); }
  void release() {
    holding_ = std::thread::id();
    write_held();
  }

 private:
  static constexpr std::size_t kMaxHeldBytes = 64 * 1024;

  void write_held() {
    if (held_.empty()) return;
    write_all(held_);
    held_.clear();
  }

  void write_all(const std::string& bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0 && !broken_) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken_ = true;  // the client went away; nothing more to say
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  int fd_;
  std::mutex mutex_;
  bool broken_ = false;
  std::atomic<std::thread::id> holding_{};
  std::string held_;
};

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

}  // namespace

int serve_stdio(MessageHandler& server, const StdioOptions& options) {
  LineWriter out(options.out_fd);
  Session session("stdio");
  if (!options.principal.empty()) session.set_principal(options.principal);
  WorkerPool workers(options.workers);
  LineReader reader(options.max_message_bytes);
  std::vector<std::string> lines;
  std::vector<char> buffer(64 * 1024);
  std::size_t oversized_seen = 0;

  for (;;) {
    ssize_t n = ::read(options.in_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    lines.clear();
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), lines);
    out.hold();
    if (reader.oversized_lines() > oversized_seen) {
      oversized_seen = reader.oversized_lines();
      out.send(jsonrpc::make_error(nullptr, jsonrpc::kInvalidRequest,
                                   "Message exceeds " + std::to_string(options.max_message_bytes) + " bytes"));
    }
    for (std::string& line : lines) {
      if (is_blank(line)) continue;
      if (auto batch = jsonrpc::parse_batch(line)) {
        // Off the reading thread: a batch may hold tool calls that cancellation must reach.
        workers.submit([&server, &session, &out, batch = std::move(*batch)] {
          if (auto response = handle_batch(server, batch, session, out)) out.send(*response);
        });
        continue;
      }
      jsonrpc::ParseOutcome parsed = jsonrpc::parse(line);
      if (auto* message = std::get_if<jsonrpc::Message>(&parsed);
          message && McpServer::is_long_running(*message) && !server.runs_inline(*message)) {
        workers.submit([&server, &session, &out, message = std::move(*message)] {
          if (auto response = server.handle_message(message, session, out)) out.send(*response);
        });
        continue;
      }
      if (auto* rejection = std::get_if<jsonrpc::Rejection>(&parsed)) {
        out.send(server.reject(*rejection));
      } else if (auto response = server.handle_message(std::get<jsonrpc::Message>(parsed), session, out)) {
        out.send(*response);
      }
    }
    out.release();
  }
  // stdin closed: nobody can read further answers, so queued work never starts and
  // running work is cancelled; the server exits promptly.
  workers.discard_queued();
  session.cancel_all();
  workers.drain();
  return 0;
}

}  // namespace mcp::server
