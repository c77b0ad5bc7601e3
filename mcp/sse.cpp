#include "mcp/sse.h"

#include <charconv>

namespace mcp {

bool SseParser::feed(std::string_view chunk, std::vector<SseEvent>& out) {
  for (char c : chunk) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;  // "\r\n" is one line ending
    }
    if (c == '\r' || c == '\n') {
      pending_cr_ = (c == '\r');
      process_line(line_, out);
      line_.clear();
      continue;
    }
    if (line_.size() + current_.data.size() >= max_event_bytes_) {
      overflowed_ = true;
      continue;
    }
    line_.push_back(c);
  }
  return !overflowed_;
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    if (seen_field_) {
      if (current_.has_id) last_event_id_ = current_.id;
      out.push_back(std::move(current_));
    }
    current_ = SseEvent{};
    has_data_ = false;
    seen_field_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment
  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    has_data_ = true;
    seen_field_ = true;
  } else if (field == "event") {
    current_.event = std::string(value);
    seen_field_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) {
      current_.id = std::string(value);
      current_.has_id = true;
      seen_field_ = true;
    }
  } else if (field == "retry") {
    long ms = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && ptr == value.data() + value.size()) current_.retry_ms = ms;
  }
}

std::string format_sse_event(const SseEvent& event) {
  std::string out;
  if (event.has_id) out += "id: " + event.id + "\n";
  if (!event.event.empty()) out += "event: " + event.event + "\n";
  if (event.retry_ms) out += "retry: " + std::to_string(*event.retry_ms) + "\n";
  std::string_view data = event.data;
  do {
    std::size_t nl = data.find('\n');
    out += "data: ";
    out.append(data.substr(0, nl));
    out += "\n";
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  } while (true);
  out += "\n";
  return out;
}

}  // namespace mcp
