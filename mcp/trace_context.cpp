#include "mcp/trace_context.h"

#include <random>

namespace mcp {

namespace {

bool lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::string TraceParent::format() const { return "00-" + trace_id + "-" + span_id + "-" + flags; }

std::optional<TraceParent> parse_traceparent(std::string_view value) {
  // version "-" trace-id "-" parent-id "-" flags; version 00 is exactly 55 characters,
  // later versions may append fields after another "-".
  if (value.size() < 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  std::string_view version = value.substr(0, 2), trace = value.substr(3, 32), span = value.substr(36, 16),
                   flags = value.substr(53, 2);
  if (!lower_hex(version) || version == "ff" || !lower_hex(trace) || !lower_hex(span) || !lower_hex(flags)) return std::nullopt;
  if (version == "00" && value.size() != 55) return std::nullopt;
  if (version != "00" && value.size() > 55 && value[55] != '-') return std::nullopt;
  if (all_zero(trace) || all_zero(span)) return std::nullopt;
  return TraceParent{std::string(trace), std::string(span), std::string(flags)};
}

bool valid_tracestate(std::string_view value) {
  if (value.size() > 512) return false;
  int members = 0;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    std::string_view member = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!member.empty() && (member.front() == ' ' || member.front() == '\t')) member.remove_prefix(1);
    while (!member.empty() && (member.back() == ' ' || member.back() == '\t')) member.remove_suffix(1);
    if (!member.empty()) {
      if (++members > 32) return false;
      std::size_t eq = member.find('=');
      if (eq == 0 || eq == std::string_view::npos || eq + 1 >= member.size()) return false;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

bool valid_baggage(std::string_view value) {
  if (value.size() > 8192) return false;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    std::string_view member = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string_view pair = member.substr(0, member.find(';'));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.find('=') == 0 || pair.find('=') == std::string_view::npos) return false;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

std::string random_hex_id(std::size_t bytes) {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.clear();
    for (std::size_t i = 0; i < bytes * 2; ++i) out += kHex[generator() & 15];
  } while (all_zero(out));
  return out;
}

}  // namespace mcp
