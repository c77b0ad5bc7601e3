// JSON-RPC 2.0 messages as MCP uses them: classification of incoming messages,
// construction of outgoing ones, and serialisation that never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mcp::jsonrpc {

using json = nlohmann::json;

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// MCP (legacy era): resource not found.
inline constexpr int kResourceNotFound = -32002;
// MCP (2026-07-28 on): the range -32020..-32099 is reserved for the specification.
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;

// Nesting beyond this is refused before parsing, so hostile input cannot exhaust the stack.
inline constexpr int kDefaultMaxDepth = 128;

enum class Kind { kRequest, kNotification, kResult, kError };
const char* kind_name(Kind kind);

// A structurally valid JSON-RPC 2.0 message.
struct Message {
  Kind kind;
  json body;

  bool is_request() const { return kind == Kind::kRequest; }
  bool is_notification() const { return kind == Kind::kNotification; }
  bool is_response() const { return kind == Kind::kResult || kind == Kind::kError; }
  std::string method() const;  // empty for responses
  const json& id() const;      // null for notifications
  const json& params() const;  // object, or empty object when absent
};

// Why a message could not be accepted; carries what an error response needs.
struct Rejection {
  int code;             // kParseError or kInvalidRequest
  std::string message;  // human-readable reason
  json id;              // the request id when it could be read, else null
};

using ParseOutcome = std::variant<Message, Rejection>;

// Parses one serialised message. Never throws. Arrays (batches) are returned as a
// Rejection with kInvalidRequest; callers that accept batches look at the text first.
ParseOutcome parse(std::string_view text, int max_depth = kDefaultMaxDepth);

// A JSON-RPC batch (a JSON array): each element classified in order. nullopt when
// `text` is not a JSON array (parse() then says what it is). Only 2025-03-26 has batches.
std::optional<std::vector<ParseOutcome>> parse_batch(std::string_view text, int max_depth = kDefaultMaxDepth);

// Classifies an already parsed JSON value.
ParseOutcome classify(const json& value);

// Deepest nesting of arrays/objects in text (strings are skipped); stops counting at limit+1.
int nesting_depth(std::string_view text, int limit);

// Parses JSON from the other side (a client, a server under test, a token, a stored
// blob): nullopt when it is not JSON or nests deeper than max_depth. nlohmann parses
// iteratively but copies and serialises recursively, so a value nested 200k deep
// crashes whoever touches it next; every untrusted parse goes through here.
std::optional<json> parse_untrusted(std::string_view text, int max_depth = kDefaultMaxDepth);
// The same as a value: a discarded json (is_discarded()) when refused, as nlohmann's
// parse(text, nullptr, false) answers.
json parse_untrusted_value(std::string_view text);
// The top level of a message of any depth (members nested deeper are dropped): enough
// to read its id and method. Safe at any depth, since nlohmann's parser is iterative.
json parse_top_level(std::string_view text);

bool is_valid_id(const json& id);

json make_request(const json& id, std::string_view method, json params = nullptr);

// object[key] when object is an object holding a string there, else "". For input from
// the other side: nlohmann's value() throws when the member has another type.
std::string string_member(const json& object, const std::string& key);
json make_notification(std::string_view method, json params = nullptr);
json make_result(const json& id, json result);
json make_error(const json& id, int code, std::string_view message, json data = nullptr);

// One line of JSON with no raw newlines; invalid UTF-8 is replaced, never thrown.
std::string serialize(const json& value);
// Indented JSON for files people read (reports, repro files); invalid UTF-8 (a fuzzed
// argument, say) is replaced, never thrown.
std::string serialize_indented(const json& value);
// serialize(value).size(), counted without building the string (logs record result sizes).
std::size_t serialized_size(const json& value);

}  // namespace mcp::jsonrpc
