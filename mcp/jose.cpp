#include "mcp/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "mcp/base64.h"

namespace mcp::jose {

using json = nlohmann::json;

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* pkey) { return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free); }

const EVP_MD* digest_for(const std::string& alg) { return alg == "EdDSA" ? nullptr : EVP_sha256(); }

std::string bignum_bytes(const BIGNUM* bn, int width = 0) {
  std::string out(width ? width : BN_num_bytes(bn), '\0');
  if (width) BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), width);
  else BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string bn_param(const EVP_PKEY* pkey, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (!EVP_PKEY_get_bn_param(pkey, name, &raw)) return {};
  Bignum bn(raw);
  return bignum_bytes(bn.get(), width);
}

Bignum bignum_of(const std::string& bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

std::optional<std::string> jwk_member(const json& jwk, const char* name) {
  if (!jwk.contains(name) || !jwk[name].is_string()) return std::nullopt;
  return base64_decode(jwk[name].get<std::string>());
}

StatusOr<std::shared_ptr<EVP_PKEY>> from_params(const char* type, OSSL_PARAM_BLD* build) {
  Params params(OSSL_PARAM_BLD_to_param(build));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return invalid_argument(std::string("not a usable ") + type + " public key");
  }
  return own(pkey);
}

bool key_matches(const EVP_PKEY* pkey, std::string_view alg) {
  if (alg == "RS256") return EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) >= 2048;
  if (alg == "ES256") return EVP_PKEY_is_a(pkey, "EC") && EVP_PKEY_get_bits(pkey) == 256;
  if (alg == "EdDSA") return EVP_PKEY_is_a(pkey, "ED25519");
  return false;
}

// JWS ES256 signatures are r||s, 32 bytes each; OpenSSL speaks DER.
std::optional<std::string> der_to_raw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return std::nullopt;
  return bignum_bytes(ECDSA_SIG_get0_r(sig.get()), 32) + bignum_bytes(ECDSA_SIG_get0_s(sig.get()), 32);
}

std::optional<std::string> raw_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  EcdsaSig sig(ECDSA_SIG_new());
  Bignum r = bignum_of(std::string(raw.substr(0, 32))), s = bignum_of(std::string(raw.substr(32)));
  if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r.get(), s.get())) return std::nullopt;
  (void)r.release();
  (void)s.release();
  int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return std::nullopt;
  std::string der(length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &out);
  return der;
}

std::optional<json> decode_json_part(std::string_view part) {
  auto bytes = base64_decode(part);
  if (!bytes) return std::nullopt;
  json value = json::parse(*bytes, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

}  // namespace

StatusOr<Key> Key::generate(const std::string& alg) {
  EVP_PKEY* pkey = nullptr;
  if (alg == "RS256") pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  else if (alg == "ES256") pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  else if (alg == "EdDSA") pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  else return invalid_argument("unsupported algorithm " + alg + " (use RS256, ES256 or EdDSA)");
  if (!pkey) return internal_error("key generation failed for " + alg);
  return Key(own(pkey), alg);
}

StatusOr<Key> Key::from_jwk(const json& jwk) {
  if (!jwk.is_object()) return invalid_argument("a JWK must be a JSON object");
  std::string kty = jwk.value("kty", "");
  if (kty == "RSA") {
    auto n = jwk_member(jwk, "n"), e = jwk_member(jwk, "e");
    if (!n || !e || n->empty() || e->empty()) return invalid_argument("RSA JWK needs base64url n and e");
    Bignum bn_n = bignum_of(*n), bn_e = bignum_of(*e);
    ParamBuild build(OSSL_PARAM_BLD_new());
    if (!build || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
      return internal_error("cannot build RSA parameters");
    }
    ASSIGN_OR_RETURN(auto pkey, from_params("RSA", build.get()));
    if (!key_matches(pkey.get(), "RS256")) return invalid_argument("RSA keys shorter than 2048 bits are refused");
    return Key(pkey, "RS256");
  }
  if (kty == "EC") {
    if (jwk.value("crv", "") != "P-256") return invalid_argument("EC JWK must use crv P-256");
    auto x = jwk_member(jwk, "x"), y = jwk_member(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return invalid_argument("EC JWK needs 32-byte x and y");
    std::string point = "\x04" + *x + *y;
    ParamBuild build(OSSL_PARAM_BLD_new());
    if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
      return internal_error("cannot build EC parameters");
    }
    ASSIGN_OR_RETURN(auto pkey, from_params("EC", build.get()));
    return Key(pkey, "ES256");
  }
  if (kty == "OKP") {
    if (jwk.value("crv", "") != "Ed25519") return invalid_argument("OKP JWK must use crv Ed25519");
    auto x = jwk_member(jwk, "x");
    if (!x || x->size() != 32) return invalid_argument("Ed25519 JWK needs a 32-byte x");
    EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                                 reinterpret_cast<const unsigned char*>(x->data()), x->size());
    if (!pkey) return invalid_argument("not a usable Ed25519 public key");
    return Key(own(pkey), "EdDSA");
  }
  return invalid_argument("unsupported JWK kty '" + kty + "' (RSA, EC and OKP are supported)");
}

json Key::public_jwk() const {
  json jwk = {{"alg", alg_}, {"use", "sig"}};
  if (alg_ == "RS256") {
    jwk["kty"] = "RSA";
    jwk["n"] = base64url_encode(bn_param(get(), OSSL_PKEY_PARAM_RSA_N));
    jwk["e"] = base64url_encode(bn_param(get(), OSSL_PKEY_PARAM_RSA_E));
  } else if (alg_ == "ES256") {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url_encode(bn_param(get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
    jwk["y"] = base64url_encode(bn_param(get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  } else {
    std::string raw(32, '\0');
    size_t length = raw.size();
    EVP_PKEY_get_raw_public_key(get(), reinterpret_cast<unsigned char*>(raw.data()), &length);
    jwk["kty"] = "OKP";
    jwk["crv"] = "Ed25519";
    jwk["x"] = base64url_encode(raw.substr(0, length));
  }
  return jwk;
}

std::string Key::public_pem() const {
  std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>> bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PUBKEY(bio.get(), get())) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

StatusOr<std::string> sign(const Key& key, std::string_view input) {
  MdCtx ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(key.alg()), nullptr, key.get()) <= 0 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) <= 0) {
    return internal_error("cannot sign with " + key.alg() + " (is this a private key?)");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data, input.size()) <= 0) {
    return internal_error("signing failed");
  }
  signature.resize(length);
  if (key.alg() != "ES256") return signature;
  auto raw = der_to_raw(signature);
  if (!raw) return internal_error("cannot convert the ECDSA signature");
  return *raw;
}

bool verify(const Key& key, std::string_view alg, std::string_view input, std::string_view signature) {
  if (alg != key.alg() || !key_matches(key.get(), alg)) return false;
  std::string der;
  if (alg == "ES256") {
    auto converted = raw_to_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key.alg()), nullptr, key.get()) <= 0) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

namespace {
// This thread's HMAC-SHA256 context for the last key it used, keyed once: copying it
// costs a third of HMAC(), which looks the algorithm up and keys it on every call
// (every gateway-authenticated request verifies one). Per thread, because OpenSSL
// does not promise that one context may be copied from several threads at once.
class KeyedHmac {
 public:
  ~KeyedHmac() {
    EVP_MAC_CTX_free(keyed_);
    EVP_MAC_free(mac_);
  }
  EVP_MAC_CTX* copy_for(std::string_view key) {
    if (!keyed_ || key != key_) {
      if (!mac_) mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      if (!mac_) return nullptr;
      EVP_MAC_CTX_free(keyed_);
      keyed_ = EVP_MAC_CTX_new(mac_);
      char digest[] = "SHA256";
      OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
      if (!keyed_ || EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1) {
        EVP_MAC_CTX_free(keyed_);
        keyed_ = nullptr;
        return nullptr;
      }
      key_ = std::string(key);
    }
    return EVP_MAC_CTX_dup(keyed_);
  }

 private:
  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* keyed_ = nullptr;
  std::string key_;
};
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local KeyedHmac keyed;
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t length = 0;
  EVP_MAC_CTX* ctx = keyed.copy_for(key);
  bool done = ctx && EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
              EVP_MAC_final(ctx, out, &length, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!done) {  // not expected; the one-shot call gives the same answer
    unsigned int one_shot = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), out, &one_shot);
    length = one_shot;
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) std::abort();
  return out;
}

StatusOr<DecodedJwt> decode_jwt(std::string_view token, std::size_t max_bytes) {
  if (token.size() > max_bytes) return invalid_argument("token longer than " + std::to_string(max_bytes) + " bytes");
  std::size_t first = token.find('.');
  std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return invalid_argument("not a compact JWS (three dot-separated parts)");
  }
  auto header = decode_json_part(token.substr(0, first));
  auto payload = decode_json_part(token.substr(first + 1, second - first - 1));
  auto signature = base64_decode(token.substr(second + 1));
  if (!header || !payload) return invalid_argument("JWT header or payload is not base64url-encoded JSON");
  if (!signature) return invalid_argument("JWT signature is not base64url");
  return DecodedJwt{*header, *payload, std::string(token.substr(0, second)), *signature};
}

std::string assemble_jwt(const json& header, const json& payload, std::string_view signature) {
  return base64url_encode(header.dump()) + "." + base64url_encode(payload.dump()) + "." + base64url_encode(signature);
}

StatusOr<std::string> encode_jwt(json header, const json& payload, const Key& key) {
  header["alg"] = key.alg();
  if (!header.contains("typ")) header["typ"] = "JWT";
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  ASSIGN_OR_RETURN(std::string signature, sign(key, input));
  return input + "." + base64url_encode(signature);
}

std::string gateway_signed_text(const std::string& principal, const std::string& scopes, const std::string& timestamp) {
  return "v1\n" + principal + "\n" + scopes + "\n" + timestamp;
}

std::string gateway_signature(const std::string& secret, const std::string& signed_text) {
  return base64url_encode(hmac_sha256(secret, signed_text));
}

}  // namespace mcp::jose
