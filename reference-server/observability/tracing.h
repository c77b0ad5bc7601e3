// Spans without an SDK: a span is a value handed to a SpanSink when it ends. The
// active span is thread-local (a request is handled on one thread), so filters and
// storage open child spans without any plumbing. With no sink installed, spans
// cost a few string copies and go nowhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace mcp::server::obs {

enum class SpanKind { kInternal = 1, kServer = 2 };

struct Span {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  nlohmann::json attributes = nlohmann::json::object();  // string, number or bool values
  bool error = false;
  std::string status_message;
};

class SpanSink {
 public:
  virtual ~SpanSink() = default;
  // Called on the thread that ended the span: must not block.
  virtual void export_span(Span span) = 0;
  // Whether a span started now would be kept. A sink that sheds (its collector is
  // failing) says no, and spans then cost no attribute work; each is counted by shed().
  virtual bool accepting() const { return true; }
  virtual void shed() {}
};

// The process-wide sink (null: spans are dropped). Set once at start-up.
void set_span_sink(std::shared_ptr<SpanSink> sink);
std::shared_ptr<SpanSink> span_sink();

std::uint64_t unix_nanos_now();

// Opens a span as a child of this thread's active span (or of `parent`, or as a
// new root), makes it active, and ends and exports it on destruction.
class ScopedSpan {
 public:
  explicit ScopedSpan(std::string name, SpanKind kind = SpanKind::kInternal, std::string trace_id = {},
                      std::string parent_span_id = {});
  ~ScopedSpan();
  ScopedSpan(const ScopedSpan&) = delete;
  ScopedSpan& operator=(const ScopedSpan&) = delete;

  Span& span() { return span_; }
  // Attributes are kept only when a sink will receive the span: without one (or while
  // the sink sheds) they cost nothing.
  void set_attribute(const std::string& key, nlohmann::json value) {
    if (sink_) span_.attributes[key] = std::move(value);
  }
  void set_error(const std::string& message) {
    span_.error = true;
    span_.status_message = message;
  }

 private:
  Span span_;
  std::shared_ptr<SpanSink> sink_;  // the sink that will receive the span, if one accepted it
};

// The active span's ids on this thread (empty when none).
std::string active_trace_id();
std::string active_span_id();

// The agent turn the request on this thread belongs to (empty when none); set by
// the request's telemetry scope so that every log line can name it.
void set_active_correlation_id(std::string id);
std::string active_correlation_id();

}  // namespace mcp::server::obs
