#include "reference-server/observability/tracing.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "mcp/trace_context.h"

namespace mcp::server::obs {

namespace {

std::mutex sink_mutex;
std::shared_ptr<SpanSink> global_sink;

struct ActiveSpan {
  std::string trace_id;
  std::string span_id;
};
thread_local std::vector<ActiveSpan> active;
thread_local std::string correlation_id;

}  // namespace

void set_span_sink(std::shared_ptr<SpanSink> sink) {
  std::lock_guard<std::mutex> lock(sink_mutex);
  global_sink = std::move(sink);
}

std::shared_ptr<SpanSink> span_sink() {
  std::lock_guard<std::mutex> lock(sink_mutex);
  return global_sink;
}

std::uint64_t unix_nanos_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

ScopedSpan::ScopedSpan(std::string name, SpanKind kind, std::string trace_id, std::string parent_span_id) {
  span_.name = std::move(name);
  span_.kind = kind;
  if (!trace_id.empty()) {
    span_.trace_id = std::move(trace_id);
    span_.parent_span_id = std::move(parent_span_id);
  } else if (!active.empty()) {
    span_.trace_id = active.back().trace_id;
    span_.parent_span_id = active.back().span_id;
  } else {
    span_.trace_id = random_hex_id(16);
  }
  span_.span_id = random_hex_id(8);
  span_.start_unix_nano = unix_nanos_now();
  if (auto sink = span_sink()) {
    if (sink->accepting()) {
      sink_ = std::move(sink);
    } else {
      sink->shed();
    }
  }
  active.push_back({span_.trace_id, span_.span_id});
}

ScopedSpan::~ScopedSpan() {
  span_.end_unix_nano = unix_nanos_now();
  if (!active.empty()) active.pop_back();
  if (sink_) sink_->export_span(std::move(span_));
}

void set_active_correlation_id(std::string id) { correlation_id = std::move(id); }
std::string active_correlation_id() { return correlation_id; }

std::string active_trace_id() { return active.empty() ? std::string() : active.back().trace_id; }
std::string active_span_id() { return active.empty() ? std::string() : active.back().span_id; }

}  // namespace mcp::server::obs
