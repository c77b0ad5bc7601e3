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
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <thread>

#include "mcp/json_text.h"
#include "reference-server/observability/tracing.h"

namespace mcp::server {

namespace {

constexpr std::size_t kMaxPendingBytes = 4 * 1024 * 1024;  // beyond it, new lines are dropped and counted
constexpr std::size_t kBatchBytes = 64 * 1024;              // a batch this big is written at once
constexpr auto kGather = std::chrono::milliseconds(5);      // else lines gather this long first

// The logger's sink: a call appends its line to a pending buffer (a copy under a
// short lock, never I/O) and a writer thread of its own writes what has gathered,
// many lines per write(2). The writer is woken only when it is idle and the first
// line arrives, so a busy server pays one wake-up per batch, not one per line.
class BatchingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BatchingSink() : writer_([this] { write_loop(); }) { writer_.detach(); }

  // Takes `fd` (closed when replaced, if `owned`); -1 means stderr. Lines logged
  // before are written to the old destination first.
  void set_descriptor(int fd, bool owned) {
    flush_and_wait();
    std::lock_guard<std::mutex> writing(write_mutex_);
    if (owned_) ::close(fd_);
    fd_ = fd < 0 ? STDERR_FILENO : fd;
    owned_ = owned;
  }

  void flush_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::uint64_t target = ++requested_;
    wake_.notify_all();
    done_.wait_for(lock, std::chrono::seconds(2), [&] { return completed_ >= target; });
  }

  std::size_t dropped() const { return dropped_.load(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {  // mutex_ is held
    if (pending_.size() + message.payload.size() > kMaxPendingBytes) {
      ++dropped_;
      return;
    }
    bool was_empty = pending_.empty();
    pending_.append(message.payload.data(), message.payload.size());
    if ((was_empty && writer_idle_) || pending_.size() >= kBatchBytes) wake_.notify_one();
  }
  void flush_() override {}  // the writer flushes; flush_and_wait waits for it

 private:
  void write_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      writer_idle_ = true;
      wake_.wait(lock, [&] { return !pending_.empty() || requested_ > completed_; });
      writer_idle_ = false;
      if (requested_ == completed_) {
        wake_.wait_for(lock, kGather, [&] { return requested_ > completed_ || pending_.size() >= kBatchBytes; });
      }
      std::string batch;
      batch.swap(pending_);
      std::uint64_t covered = requested_;
      lock.unlock();
      write_all(batch);
      lock.lock();
      completed_ = covered;
      done_.notify_all();
    }
  }

  void write_all(const std::string& batch) {
    std::lock_guard<std::mutex> writing(write_mutex_);
    std::size_t done = 0;
    while (done < batch.size()) {
      ssize_t n = ::write(fd_, batch.data() + done, batch.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a log that cannot be written is dropped, never retried forever
      done += static_cast<std::size_t>(n);
    }
  }

  std::string pending_;                // guarded by mutex_ (base_sink's)
  bool writer_idle_ = false;           // guarded by mutex_
  std::uint64_t requested_ = 0;        // flushes asked for, guarded by mutex_
  std::uint64_t completed_ = 0;        // flushes done, guarded by mutex_
  std::condition_variable wake_, done_;
  std::mutex write_mutex_;             // held while writing: fd_ changes only between batches
  int fd_ = STDERR_FILENO;
  bool owned_ = false;
  std::atomic<std::size_t> dropped_{0};
  std::thread writer_;
};

struct Backend {
  Backend() : sink(std::make_shared<BatchingSink>()), logger(std::make_shared<spdlog::logger>("mcp-reference-server", sink)) {
    logger->set_level(spdlog::level::info);
  }
  void flush() { sink->flush_and_wait(); }

  std::shared_ptr<BatchingSink> sink;
  std::shared_ptr<spdlog::logger> logger;
};

// Never destroyed: code running during static destruction may still log. Lines
// pending at exit are written by an atexit handler.
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

std::size_t log_lines_dropped() { return backend().sink->dropped(); }

}  // namespace mcp::server
