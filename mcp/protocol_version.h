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

// What each revision has: the one table the server consults for version differences
// (instead of comparing date strings where a feature is used).
struct Revision {
  std::string_view name;
  Era era;
  bool batches_required;        // 2025-03-26 only: servers MUST accept JSON-RPC batches
  bool structured_content;      // tool outputSchema / structuredContent, tool title and _meta (2025-06-18+)
  bool input_errors_in_result;  // SEP-1303: invalid tool input -> isError result (2025-11-25+)
  bool completions;             // completions capability (2025-03-26+)
  bool tool_annotations;        // Tool.annotations (2025-03-26+)
  bool server_title;            // Implementation.title in serverInfo (2025-06-18+)
};

inline constexpr std::string_view k2024_11_05 = "2024-11-05";
inline constexpr std::string_view k2025_03_26 = "2025-03-26";
inline constexpr std::string_view k2025_06_18 = "2025-06-18";
inline constexpr std::string_view k2025_11_25 = "2025-11-25";
inline constexpr std::string_view k2026_07_28 = "2026-07-28";

// Every revision this project knows, oldest first.
const std::vector<Revision>& revisions();
std::optional<Revision> find_revision(std::string_view name);
// The revision named, or the oldest one for a name this project does not know (an
// empty version before initialize): features absent unless a known revision has them.
const Revision& revision_or_oldest(std::string_view name);
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
