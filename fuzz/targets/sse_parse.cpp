// The SSE reader the harness uses on server streams: any bytes, in any chunking.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mcp/sse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t chunk = 1 + data[0] % 17;  // the first byte picks how the stream is cut
  mcp::SseParser parser(4096);
  std::vector<mcp::SseEvent> events;
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    if (!parser.feed(text.substr(at, chunk), events)) break;
  }
  return 0;
}
