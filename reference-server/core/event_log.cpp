#include "reference-server/core/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/base_sink.h>

#include "mcp/json_text.h"
#include "reference-server/observability/tracing.h"

namespace mcp::server {

namespace {

constexpr std::size_t kQueuedLines = 8192;
constexpr std::size_t kBatchBytes = 64 * 1024;

// Writes whole lines to a file descriptor, several per write(2) when they arrive
// faster than the disk takes them. Lines end in '\n' already (LogLine adds it).
class DescriptorSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit DescriptorSink(std::function<std::size_t()> queued) : queued_(std::move(queued)) {}

  // Takes `fd` (closed when replaced when `owned`); -1 means stderr.
  void set_descriptor(int fd, bool owned) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_batch();
    if (owned_) ::close(fd_);
    fd_ = fd < 0 ? STDERR_FILENO : fd;
    owned_ = owned;
  }

  // Counts flushes done, so that a waiter knows when the flush it asked for ran.
  std::uint64_t flushes() const { return flushes_.load(); }
  std::condition_variable flushed;
  std::mutex flushed_mutex;

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    batch_.append(message.payload.data(), message.payload.size());
    // The queue's last line (or a full batch) goes out now: idle servers' logs are
    // never held back, busy servers' are written many lines per system call.
    if (batch_.size() >= kBatchBytes || queued_() == 0) write_batch();
  }
  void flush_() override {
    write_batch();
    {
      std::lock_guard<std::mutex> lock(flushed_mutex);
      ++flushes_;
    }
    flushed.notify_all();
  }

 private:
  void write_batch() {
    std::size_t done = 0;
    while (done < batch_.size()) {
      ssize_t n = ::write(fd_, batch_.data() + done, batch_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a log that cannot be written is dropped, never retried forever
      done += static_cast<std::size_t>(n);
    }
    batch_.clear();
  }

  std::function<std::size_t()> queued_;
  std::string batch_;
  int fd_ = STDERR_FILENO;
  bool owned_ = false;
  std::atomic<std::uint64_t> flushes_{0};
};

struct Backend {
  Backend() {
    pool = std::make_shared<spdlog::details::thread_pool>(kQueuedLines, 1);
    std::weak_ptr<spdlog::details::thread_pool> weak = pool;
    sink = std::make_shared<DescriptorSink>([weak] {
      auto live = weak.lock();
      return live ? live->queue_size() : 0;
    });
    logger = std::make_shared<spdlog::async_logger>("mcp-reference-server", sink, pool,
                                                    spdlog::async_overflow_policy::overrun_oldest);
    logger->set_level(spdlog::level::info);
  }

  void flush() {
    std::uint64_t before = sink->flushes();
    logger->flush();  // queued behind every line logged so far
    std::unique_lock<std::mutex> lock(sink->flushed_mutex);
    sink->flushed.wait_for(lock, std::chrono::seconds(2), [&] { return sink->flushes() > before; });
  }

  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<DescriptorSink> sink;
  std::shared_ptr<spdlog::async_logger> logger;
};

// Never destroyed: code running during static destruction may still log. Lines
// queued at exit are written by an atexit handler.
Backend& backend() {
  static Backend* instance = [] {
    auto* created = new Backend;
    std::atexit([] { backend().flush(); });
    return created;
  }();
  return *instance;
}

int parse_level(std::string_view level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  if (level == "off") return spdlog::level::off;
  return -1;
}

}  // namespace

LogLine::LogLine(std::string_view level, std::string_view event) {
  level_ = parse_level(level);
  if (level_ < 0) level_ = spdlog::level::info;
  enabled_ = backend().logger->should_log(static_cast<spdlog::level::level_enum>(level_));
  if (!enabled_) return;
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  char stamp[32];
  std::tm utc{};
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&seconds, &utc));
  line_.reserve(512);
  line_ = "{\"ts\":\"";
  line_ += stamp;
  line_ += "\",\"level\":";
  json_text::append_string(line_, level, kMaxLoggedString);
  line_ += ",\"event\":";
  json_text::append_string(line_, event, kMaxLoggedString);
}

void LogLine::key(std::string_view name) {
  if (name == "correlation_id") has_correlation_ = true;
  if (name == "trace_id") has_trace_ = true;
  line_ += ',';
  json_text::append_string(line_, name, kMaxLoggedString);
  line_ += ':';
}

LogLine& LogLine::text(std::string_view name, std::string_view value) {
  if (!enabled_) return *this;
  key(name);
  json_text::append_string(line_, value, kMaxLoggedString);
  return *this;
}

LogLine& LogLine::integer(std::string_view name, long long value) {
  if (!enabled_) return *this;
  key(name);
  line_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::number(std::string_view name, double value) {
  if (!enabled_) return *this;
  key(name);
  json_text::append_number(line_, value);
  return *this;
}

LogLine& LogLine::flag(std::string_view name, bool value) {
  if (!enabled_) return *this;
  key(name);
  line_ += value ? "true" : "false";
  return *this;
}

LogLine& LogLine::value(std::string_view name, const nlohmann::json& value) {
  if (!enabled_) return *this;
  key(name);
  json_text::append_value(line_, value, kMaxLoggedString, kMaxLoggedItems);
  return *this;
}

std::string& LogLine::raw(std::string_view name) {
  if (enabled_) key(name);
  return line_;
}

void LogLine::write() {
  if (!enabled_) return;
  enabled_ = false;  // written once
  if (!has_correlation_) {
    if (std::string id = obs::active_correlation_id(); !id.empty()) {
      line_ += ",\"correlation_id\":";
      json_text::append_string(line_, id, kMaxLoggedString);
    }
  }
  if (!has_trace_) {
    if (std::string trace = obs::active_trace_id(); !trace.empty()) {
      line_ += ",\"trace_id\":";
      json_text::append_string(line_, trace);
      line_ += ",\"span_id\":";
      json_text::append_string(line_, obs::active_span_id());
    }
  }
  line_ += "}\n";
  backend().logger->log(static_cast<spdlog::level::level_enum>(level_), std::string_view(line_));
}

void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields) {
  LogLine line(level, event);
  if (!line.enabled()) return;
  if (fields.is_object()) {
    std::size_t written = 0;
    for (auto it = fields.begin(); it != fields.end() && written < kMaxLoggedItems; ++it, ++written) {
      if (it.key() == "ts" || it.key() == "level" || it.key() == "event") continue;  // the line's own
      line.value(it.key(), *it);
    }
  }
  line.write();
}

void log_event(std::string_view level, std::string_view event) { LogLine(level, event).write(); }

bool set_log_level(std::string_view level) {
  int parsed = parse_level(level);
  if (parsed < 0) return false;
  backend().logger->set_level(static_cast<spdlog::level::level_enum>(parsed));
  return true;
}

bool log_enabled(std::string_view level) {
  int parsed = parse_level(level);
  return backend().logger->should_log(static_cast<spdlog::level::level_enum>(parsed < 0 ? spdlog::level::info : parsed));
}

bool set_log_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  backend().flush();
  backend().sink->set_descriptor(fd, true);
  return true;
}

void set_log_stream(std::FILE* stream) {
  backend().flush();
  if (stream) std::fflush(stream);
  backend().sink->set_descriptor(stream ? ::fileno(stream) : -1, false);
}

void flush_log() { backend().flush(); }

std::size_t log_lines_dropped() { return backend().pool->overrun_counter(); }

}  // namespace mcp::server
