#include "reference-server/core/request_state.h"

#include "mcp/base64.h"
#include "mcp/jose.h"
#include "mcp/json_rpc.h"

namespace mcp::server {

using json = nlohmann::json;

namespace {
// A requestState is at most as large as the request body that carried it; this
// bounds what the server decodes and verifies before the MAC has said anything.
constexpr std::size_t kMaxStateBytes = 1024 * 1024;
}  // namespace

RequestStateSealer::RequestStateSealer(std::string key, std::chrono::seconds ttl)
    : key_(key.empty() ? jose::random_bytes(32) : std::move(key)), ttl_(ttl) {}

long long RequestStateSealer::now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string RequestStateSealer::mac(const RequestBinding& binding, const std::string& payload) const {
  // Lengths first, so that no two bindings serialise to the same text.
  std::string arguments = jsonrpc::serialize(binding.arguments);
  std::string text = std::to_string(binding.principal.size()) + ":" + binding.principal + "\n" +
                     std::to_string(binding.target.size()) + ":" + binding.target + "\n" + arguments + "\n" + payload;
  return base64url_encode(jose::hmac_sha256(key_, text));
}

std::string RequestStateSealer::seal(const json& answered, const RequestBinding& binding, long long now_unix) const {
  std::string payload = base64url_encode(jsonrpc::serialize({{"answered", answered}, {"exp", now_unix + ttl_.count()}}));
  return payload + "." + mac(binding, payload);
}

StatusOr<json> RequestStateSealer::open(const std::string& state, const RequestBinding& binding, long long now_unix) const {
  if (state.size() > kMaxStateBytes) return invalid_argument("requestState is larger than this server issues");
  std::size_t dot = state.find('.');
  if (dot == std::string::npos) return invalid_argument("requestState is not one this server issued");
  std::string payload = state.substr(0, dot);
  // Verified before anything is decoded: a forged state never reaches the JSON parser.
  if (!jose::constant_time_equal(state.substr(dot + 1), mac(binding, payload))) {
    return invalid_argument("requestState failed verification (tampered, or issued to another principal or request)");
  }
  std::optional<std::string> raw = base64_decode(payload);
  std::optional<json> decoded = raw ? jsonrpc::parse_untrusted(*raw) : std::nullopt;
  if (!decoded || !decoded->is_object() || !(*decoded)["answered"].is_object() ||
      !(*decoded)["exp"].is_number_integer()) {
    return invalid_argument("requestState is not one this server issued");
  }
  if ((*decoded)["exp"].get<long long>() < now_unix) return invalid_argument("requestState has expired; start the request again");
  return std::move((*decoded)["answered"]);
}

}  // namespace mcp::server
