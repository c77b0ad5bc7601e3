// W3C Trace Context (traceparent / tracestate) and Baggage, as MCP carries them in
// params._meta (SEP-414) and HTTP headers. Malformed values parse to nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp {

struct TraceParent {
  std::string trace_id;  // 32 lowercase hex, not all zero
  std::string span_id;   // 16 lowercase hex, not all zero
  std::string flags = "01";
  std::string format() const;  // "00-<trace>-<span>-<flags>"
};

std::optional<TraceParent> parse_traceparent(std::string_view value);
// tracestate: up to 32 comma-separated key=value members (W3C limits); baggage likewise, up to 8192 bytes.
bool valid_tracestate(std::string_view value);
bool valid_baggage(std::string_view value);

// Random lowercase hex of `bytes` bytes (trace ids: 16, span ids: 8), never all zero.
std::string random_hex_id(std::size_t bytes);

}  // namespace mcp
