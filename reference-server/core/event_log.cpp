#include "reference-server/core/event_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "mcp/json_rpc.h"

namespace mcp::server {

void log_event(std::string_view level, std::string_view event, nlohmann::json fields) {
  static std::mutex mutex;
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
  fields["ts"] = stamp;
  fields["level"] = level;
  fields["event"] = event;
  std::string line = jsonrpc::serialize(fields) + "\n";
  std::lock_guard<std::mutex> lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mcp::server
