// The JSON Schema validator, fed a schema and an instance from one input
// (separated by the first NUL): hostile schemas too, since tool schemas come from servers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp/json_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t split = text.find('\0');
  if (split == std::string_view::npos) return 0;
  auto schema = nlohmann::json::parse(text.substr(0, split), nullptr, false);
  auto instance = nlohmann::json::parse(text.substr(split + 1), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded()) return 0;
  mcp::SchemaValidator validator(schema);
  (void)mcp::describe_errors(validator.validate(instance));
  return 0;
}
