#include "reference-server/core/event_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "mcp/json_rpc.h"
#include "reference-server/observability/tracing.h"

namespace mcp::server {

namespace {
std::mutex mutex;
std::FILE* output = nullptr;  // null: stderr
}  // namespace

bool set_log_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file) return false;
  std::lock_guard<std::mutex> lock(mutex);
  output = file;  // kept open for the life of the process
  return true;
}

void set_log_stream(std::FILE* stream) {
  std::lock_guard<std::mutex> lock(mutex);
  output = stream;
}

void log_event(std::string_view level, std::string_view event, nlohmann::json fields) {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  char stamp[32];
  std::tm utc{};
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&seconds, &utc));
  fields["ts"] = stamp;
  // Lines written while a request is handled name its turn and span.
  if (!fields.contains("correlation_id")) {
    if (std::string id = obs::active_correlation_id(); !id.empty()) fields["correlation_id"] = id;
  }
  if (!fields.contains("trace_id")) {
    if (std::string trace = obs::active_trace_id(); !trace.empty()) {
      fields["trace_id"] = trace;
      fields["span_id"] = obs::active_span_id();
    }
  }
  fields["level"] = level;
  fields["event"] = event;
  std::string line = jsonrpc::serialize(fields) + "\n";
  std::lock_guard<std::mutex> lock(mutex);
  std::FILE* to = output ? output : stderr;
  std::fwrite(line.data(), 1, line.size(), to);
  std::fflush(to);
}

}  // namespace mcp::server
