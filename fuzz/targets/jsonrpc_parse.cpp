// The JSON-RPC parser every message of both programs goes through: it must never
// throw, crash or recurse without bound, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp/json_rpc.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  mcp::jsonrpc::ParseOutcome outcome = mcp::jsonrpc::parse(text);
  if (auto* message = std::get_if<mcp::jsonrpc::Message>(&outcome)) {
    // Whatever was accepted serialises back without throwing (invalid UTF-8 included).
    (void)mcp::jsonrpc::serialize(message->body);
  }
  return 0;
}
