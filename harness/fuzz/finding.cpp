#include "harness/fuzz/finding.h"

#include <array>
#include <utility>

namespace mcp::harness::fuzz {

namespace {

constexpr std::array<std::pair<FindingKind, std::string_view>, 9> kNames = {{
    {FindingKind::kCrash, "crash"},
    {FindingKind::kHang, "hang"},
    {FindingKind::kInternalError, "internal-error"},
    {FindingKind::kRejectedValid, "rejected-valid"},
    {FindingKind::kAcceptedInvalid, "accepted-invalid"},
    {FindingKind::kWrongError, "wrong-error"},
    {FindingKind::kOutputSchema, "output-schema"},
    {FindingKind::kUnresponsive, "unresponsive"},
    {FindingKind::kProtocol, "protocol"},
}};

}  // namespace

std::string_view kind_name(FindingKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FindingKind> kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

}  // namespace mcp::harness::fuzz
