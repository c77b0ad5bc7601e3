// What the fuzzer can find: one property violated by one input, by kind.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mcp::harness::fuzz {

enum class FindingKind {
  kCrash,            // the server went away (a stdio process died, a connection closed)
  kHang,             // no answer and no progress within the call timeout
  kInternalError,    // JSON-RPC -32603
  kRejectedValid,    // arguments that satisfy the input schema were refused
  kAcceptedInvalid,  // arguments that violate it gave a successful result
  kWrongError,       // invalid arguments answered with an error other than -32602 / -32600
  kOutputSchema,     // a successful result that violates the declared outputSchema
  kUnresponsive,     // no answer to ping after many calls
  kProtocol,         // an answer that is not a JSON-RPC response
};

// The kind's name in reports, repro files and file names ("internal-error").
std::string_view kind_name(FindingKind kind);
std::optional<FindingKind> kind_from_name(std::string_view name);
// Kinds after which the session is gone and a fresh one is needed.
inline bool ends_session(FindingKind kind) { return kind == FindingKind::kCrash || kind == FindingKind::kHang; }

struct Finding {
  FindingKind kind = FindingKind::kProtocol;
  std::string tool;  // empty for protocol cases
  std::string detail;
  nlohmann::json arguments;           // shrunk (tool cases)
  nlohmann::json original_arguments;  // as first generated
  std::string mutation;               // what made the arguments invalid, if anything
  std::string message;                // the raw message sent (protocol cases)
  std::uint64_t case_seed = 0;
  int shrink_steps = 0;
  std::string repro_path;
};

// A property a call or message broke, before it is shrunk into a Finding.
struct Verdict {
  FindingKind kind;
  std::string detail;
};

}  // namespace mcp::harness::fuzz
