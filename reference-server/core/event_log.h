// One JSON line per event on stderr or --log-file (never stdout: in stdio mode stdout
// is the protocol), with long strings and collections cut. Every part of the server
// logs through it: auth decisions, filters, the transport, and the tool-call lines of
// observability/telemetry.cpp.
//
// Lines are built as text (no JSON object per line) and logged through spdlog into a
// sink that only queues them: its own thread writes them in batches, so a request
// never waits on the disk. The queue is bounded (4 MB); when it is full new lines
// are dropped and counted (log_lines_dropped, mcp_log_lines_dropped_total on /metrics).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace mcp::server {

// A line being built: LogLine("info", "tool_call").text("tool", name).integer(...).write().
// Values are written as they are added; keys must not repeat. A line whose level is
// not logged does no work at all. Lines written while a request is handled name its
// turn and span (correlation_id, trace_id, span_id) unless they named them already.
class LogLine {
 public:
  LogLine(std::string_view level, std::string_view event);
  LogLine& text(std::string_view key, std::string_view value);
  LogLine& integer(std::string_view key, long long value);
  LogLine& number(std::string_view key, double value);
  LogLine& flag(std::string_view key, bool value);
  LogLine& value(std::string_view key, const nlohmann::json& value);  // strings and collections cut
  // For values written by the caller: appends the key and returns the line's text,
  // to which exactly one JSON value must then be appended.
  std::string& raw(std::string_view key);
  bool enabled() const { return enabled_; }
  void write();

 private:
  void key(std::string_view name);
  std::string line_;
  int level_;
  bool enabled_;
  bool has_correlation_ = false;
  bool has_trace_ = false;
};

// Strings longer than this are cut in log lines: a client controls many of them (a
// method, a correlation id, an argument), and logs must not grow by what it sends.
inline constexpr std::size_t kMaxLoggedString = 512;
inline constexpr std::size_t kMaxLoggedItems = 64;  // per array or object

void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields);
void log_event(std::string_view level, std::string_view event);

// "debug", "info" (the default), "warn", "error" or "off": lines below it are not
// built. Returns false for any other name.
bool set_log_level(std::string_view level);
bool log_enabled(std::string_view level);

// Where log lines go (default stderr). Lines logged before the change are written to
// the old destination first. set_log_file returns false when the file cannot be opened.
bool set_log_file(const std::string& path);
void set_log_stream(std::FILE* stream);

// Waits (up to 2 s) until every line logged so far is written: before exit, and in tests.
void flush_log();
std::size_t log_lines_dropped();

}  // namespace mcp::server
