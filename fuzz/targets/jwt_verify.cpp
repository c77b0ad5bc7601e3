// The reference server's bearer-token verifier on arbitrary tokens, with a real
// ES256 key in its key set: never a crash, never an accepted forgery.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reference-server/auth/jwt_verifier.h"

namespace {

class OneKey final : public mcp::server::auth::KeySet {
 public:
  explicit OneKey(mcp::jose::Key key) : key_(std::move(key)) {}
  mcp::StatusOr<mcp::jose::Key> key_for(const std::string& kid) override {
    if (kid != "k1") return mcp::not_found("unknown kid");
    return key_;
  }

 private:
  mcp::jose::Key key_;
};

mcp::server::auth::JwtVerifier& verifier() {
  static mcp::server::auth::JwtVerifier instance = [] {
    mcp::server::auth::AuthConfig config;
    config.mode = mcp::server::auth::AuthMode::kOauth;
    config.issuer = "https://issuer.example";
    config.resource = "https://mcp.example/mcp";
    auto key = mcp::jose::Key::generate("ES256");
    if (!key.ok()) std::abort();
    return mcp::server::auth::JwtVerifier(config, std::make_shared<OneKey>(*key));
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto principal = verifier().verify(token, 1800000000);
  // The key is generated per process and never signs anything here: nothing may verify.
  if (principal.ok()) std::abort();
  return 0;
}
