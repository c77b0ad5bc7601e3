// MCP protocol revisions and what differs between them, kept in one place so that
// era-specific behaviour is a lookup, not a scattered string comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcp::protocol {

// Legacy: initialize handshake and sessions. Modern: per-request _meta (2026-07-28+).
enum class Era { kLegacy, kModern };

struct Revision {
  std::string_view name;
  Era era;
  bool batches_required;         // 2025-03-26 only: servers MUST accept JSON-RPC batches
  bool structured_content;       // tool outputSchema / structuredContent exist
  bool input_errors_in_result;   // SEP-1303: invalid tool input -> isError result (2025-11-25+)
  bool protocol_version_header;  // MCP-Protocol-Version HTTP header (2025-06-18+)
  bool completions;              // completions capability (2025-03-26+)
};

inline constexpr std::string_view k2024_11_05 = "2024-11-05";
inline constexpr std::string_view k2025_03_26 = "2025-03-26";
inline constexpr std::string_view k2025_06_18 = "2025-06-18";
inline constexpr std::string_view k2025_11_25 = "2025-11-25";
inline constexpr std::string_view k2026_07_28 = "2026-07-28";

// Every revision this project knows, oldest first.
const std::vector<Revision>& revisions();
std::optional<Revision> find_revision(std::string_view name);
std::vector<std::string> legacy_version_names();  // oldest first
std::string_view latest_legacy();
std::vector<std::string> modern_version_names();  // oldest first
bool is_modern(std::string_view version);

// Per-request fields of the modern era (2026-07-28 basic/index.mdx "_meta").
inline constexpr const char* kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kMetaLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr const char* kMetaServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr const char* kMetaSubscriptionId = "io.modelcontextprotocol/subscriptionId";

// Revision dates compare lexically: true when `version` is `other` or later.
bool at_least(std::string_view version, std::string_view other);

// Legacy negotiation (lifecycle "Version Negotiation"): echo the requested version
// when supported, otherwise answer with the latest supported one.
std::string negotiate(std::string_view requested, const std::vector<std::string>& supported);

}  // namespace mcp::protocol
