// Server-Sent Events (WHATWG "event stream" format): an incremental parser that
// accepts any chunking, and the writer the server uses.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcp {

struct SseEvent {
  std::string id;
  std::string event;  // empty means "message"
  std::string data;   // data lines joined with "\n"
  std::optional<long> retry_ms;
  bool has_id = false;
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 16 * 1024 * 1024) : max_event_bytes_(max_event_bytes) {}

  // Appends events completed by `chunk`. Events with only an id (priming events)
  // are reported too, with empty data. Returns false once an event exceeded the cap.
  bool feed(std::string_view chunk, std::vector<SseEvent>& out);
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::string line_;
  bool pending_cr_ = false;
  SseEvent current_;
  bool has_data_ = false;
  bool seen_field_ = false;
  std::string last_event_id_;
  bool overflowed_ = false;
};

std::string format_sse_event(const SseEvent& event);

}  // namespace mcp
