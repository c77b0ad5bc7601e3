// JSON Web Signatures as MCP access tokens use them: compact JWTs signed with
// RS256, ES256 or EdDSA (Ed25519), keys as JWKs, and HMAC-SHA256 for gateway
// signatures. OpenSSL does the cryptography; both the reference server (verify)
// and the harness's mock authorization server (generate, sign, forge) use this.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mcp/status.h"

struct evp_pkey_st;

namespace mcp::jose {

// An asymmetric key bound to the one JWS algorithm it may be used with, so a
// token's "alg" header can never pick a different verification routine.
class Key {
 public:
  // alg: "RS256", "ES256" or "EdDSA". Private keys are for signing (the harness).
  static StatusOr<Key> generate(const std::string& alg);
  // A public JWK (kty RSA / EC P-256 / OKP Ed25519); the algorithm follows from the key type.
  static StatusOr<Key> from_jwk(const nlohmann::json& jwk);

  const std::string& alg() const { return alg_; }
  // The public half as a JWK with "kty", its key members, "alg" and "use": "sig" (add "kid" yourself).
  nlohmann::json public_jwk() const;
  // SubjectPublicKeyInfo PEM of the public half (what an algorithm-confusion attack signs with).
  std::string public_pem() const;
  evp_pkey_st* get() const { return pkey_.get(); }

 private:
  Key(std::shared_ptr<evp_pkey_st> pkey, std::string alg) : pkey_(std::move(pkey)), alg_(std::move(alg)) {}
  std::shared_ptr<evp_pkey_st> pkey_;
  std::string alg_;
};

// The JWS signature over input (for ES256 the raw r||s form JWS prescribes, not DER).
StatusOr<std::string> sign(const Key& key, std::string_view input);
// True only when alg is the key's own algorithm and the signature verifies.
bool verify(const Key& key, std::string_view alg, std::string_view input, std::string_view signature);

std::string hmac_sha256(std::string_view key, std::string_view data);
bool constant_time_equal(std::string_view a, std::string_view b);
std::string random_bytes(std::size_t count);

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;  // base64url(header) "." base64url(payload)
  std::string signature;      // raw bytes
};

// Splits and decodes a compact JWS; checks shape only (three base64url parts,
// JSON objects, size cap), never the signature.
StatusOr<DecodedJwt> decode_jwt(std::string_view token, std::size_t max_bytes = 8192);
// header gets "alg" (the key's) and "typ" unless given; the result is a compact JWS.
StatusOr<std::string> encode_jwt(nlohmann::json header, const nlohmann::json& payload, const Key& key);
// A compact JWS with arbitrary header and signature bytes, for forged tokens.
std::string assemble_jwt(const nlohmann::json& header, const nlohmann::json& payload, std::string_view signature);

// Gateway identity assertions (docs/auth.md): the gateway signs
// "v1\n<principal>\n<scopes>\n<unix seconds>" with HMAC-SHA256 under a shared
// secret and sends the base64url MAC in X-Gateway-Signature.
std::string gateway_signed_text(const std::string& principal, const std::string& scopes, const std::string& timestamp);
std::string gateway_signature(const std::string& secret, const std::string& signed_text);

}  // namespace mcp::jose
