#include "harness/fuzz/protocol_cases.h"

#include <random>
#include <thread>

#include "mcp/json_rpc.h"

namespace mcp::harness::fuzz {

using json = nlohmann::json;

namespace {

std::string hex(std::uint64_t v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i, v >>= 4) out += kDigits[v & 15];
  return out;
}

std::string request(const std::string& id_json, const std::string& method, const std::string& params = "{}") {
  return R"({"jsonrpc":"2.0","id":)" + id_json + R"(,"method":")" + method + R"(","params":)" + params + "}";
}

}  // namespace

ProtocolCase make_protocol_case(std::uint64_t seed, bool stdio) {
  std::mt19937_64 rng(seed);
  std::string tag = hex(rng());
  std::string id = "\"fz-" + tag + "\"";
  int kinds = stdio ? 16 : 14;
  switch (static_cast<int>(rng() % kinds)) {
    case 0: {
      std::string whole = request(id, "tools/list");
      return {"truncated JSON", whole.substr(0, 1 + rng() % (whole.size() - 1))};
    }
    case 1: return {"wrong jsonrpc version", R"({"jsonrpc":"1.0","id":)" + id + R"(,"method":"ping"})"};
    case 2: {
      const char* odd[] = {"1.5", "{}", "[]", "true", "9223372036854775808", "-0", "1e300", "\"\""};
      return {"odd id", request(odd[rng() % 8], "ping")};
    }
    case 3: return {"long string id", request("\"" + std::string(10000, 'i') + "\"", "ping")};
    case 4: return {"unknown method", request(id, "fuzz/unknown_" + tag)};
    case 5: {
      std::string garbage;
      std::size_t length = 1 + rng() % 200;
      for (std::size_t i = 0; i < length; ++i) garbage += static_cast<char>(' ' + rng() % 95);
      return {"random printable bytes", garbage};
    }
    case 6: return {"invalid UTF-8", request(id, "tools/list", "{\"cursor\":\"\xff\xfe\xc3\"}")};
    case 7: return {"params not an object", request(id, "tools/list", "[1,2,3]")};
    case 8: return {"deep nesting", request(id, "ping", "{\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}")};
    case 9: return {"oversized message", request(id, "ping", "{\"x\":\"" + std::string(6 * 1024 * 1024, 'o') + "\"}")};
    case 10: return {"null id", request("null", "ping")};
    case 11: return {"batch", "[" + request(id, "ping") + "," + request("\"fz2-" + tag + "\"", "ping") + "]"};
    case 12: return {"method not a string", R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":42})"};
    case 13: {
      // Members the server reads by name, with the wrong type: a string member that is not a string.
      const char* mistyped[] = {R"({"name":42,"arguments":{}})", R"({"name":null})", R"({"name":["a"],"arguments":[]})"};
      const char* methods[] = {"tools/call", "prompts/get", "resources/read"};
      std::size_t pick = rng() % 3;
      std::string params = pick == 2 ? R"({"uri":{"not":"a string"}})" : mistyped[rng() % 3];
      return {"mistyped member", request(id, methods[pick], params)};
    }
    case 14: return {"merged in one write", request(id, "ping") + "\n" + request("\"fz2-" + tag + "\"", "ping")};
    default: return {"split across writes", request(id, "ping"), true};
  }
}

std::optional<Verdict> run_protocol_case(McpClient& client, const ProtocolCase& c, std::chrono::milliseconds timeout) {
  bool stdio = as_stdio(client) != nullptr;
  Status sent;
  if (stdio && c.split) {
    std::size_t half = c.raw.size() / 2;
    sent = client.connection().send_raw(c.raw.substr(0, half));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (sent.ok()) sent = client.connection().send_raw(c.raw.substr(half) + "\n");
  } else {
    sent = client.connection().send_raw(stdio ? c.raw + "\n" : c.raw);
  }
  // A refusal of the bytes (an HTTP 4xx, a closed read) is fine; whether the server survived is what the ping says.
  (void)sent;
  json id = client.next_id();
  if (Status ping = client.send_request(id, "ping"); !ping.ok()) return Verdict{FindingKind::kCrash, "the connection closed: " + ping.message()};
  auto response = client.await_response(id, deadline_in(timeout));
  std::vector<json> others = client.take_others();
  if (!response.ok()) {
    return Verdict{response.status().code() == StatusCode::kDeadlineExceeded ? FindingKind::kUnresponsive : FindingKind::kCrash,
                  "ping after the case: " + response.status().message()};
  }
  for (const json& message : others) {
    if (message.contains("error") && message["error"].is_object() && message["error"].value("code", 0) == jsonrpc::kInternalError) {
      return Verdict{FindingKind::kInternalError, "answered with -32603: " + message.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 300)};
    }
  }
  return std::nullopt;
}

}  // namespace mcp::harness::fuzz
