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

// Strings longer than this are cut in log lines: a client controls many of them (a
// method, a correlation id, an argument), and logs must not grow by what it sends.
constexpr std::size_t kMaxLoggedString = 512;
constexpr std::size_t kMaxLoggedItems = 64;  // per array or object

// The fields, with long strings cut and long arrays and objects shortened, in place.
void bound_for_log(nlohmann::json& value) {
  if (value.is_string()) {
    std::string& text = value.get_ref<std::string&>();
    if (text.size() > kMaxLoggedString) {
      std::size_t total = text.size();
      text.resize(kMaxLoggedString);
      text += "...(" + std::to_string(total) + " bytes)";
    }
  } else if (value.is_array()) {
    if (value.size() > kMaxLoggedItems) {
      std::size_t total = value.size();
      value.erase(value.begin() + kMaxLoggedItems, value.end());
      value.push_back("...(" + std::to_string(total) + " items)");
    }
    for (nlohmann::json& item : value) bound_for_log(item);
  } else if (value.is_object()) {
    std::size_t kept = 0;
    for (auto it = value.begin(); it != value.end();) {
      if (++kept > kMaxLoggedItems) {
        it = value.erase(it);
      } else {
        bound_for_log(*it);
        ++it;
      }
    }
  }
}
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
  bound_for_log(fields);
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
