// JWS signing and verification with real OpenSSL keys, across the three algorithms,
// plus the tampering cases a verifier must refuse.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mcp/base64.h"
#include "mcp/jose.h"

namespace mcp::jose {
namespace {

using json = nlohmann::json;

class JoseAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(JoseAlgorithm, SignsAndVerifiesThroughAPublicJwk) {
  auto key = Key::generate(GetParam());
  ASSERT_TRUE(key.ok()) << key.status().to_string();
  auto token = encode_jwt({{"kid", "k1"}}, {{"sub", "alice"}}, *key);
  ASSERT_TRUE(token.ok());
  auto decoded = decode_jwt(*token);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->header["alg"], GetParam());
  EXPECT_EQ(decoded->payload["sub"], "alice");

  auto public_key = Key::from_jwk(key->public_jwk());
  ASSERT_TRUE(public_key.ok()) << public_key.status().to_string() << " " << key->public_jwk().dump();
  EXPECT_EQ(public_key->alg(), GetParam());
  EXPECT_TRUE(verify(*public_key, GetParam(), decoded->signing_input, decoded->signature));

  std::string tampered = decoded->signing_input + "x";
  EXPECT_FALSE(verify(*public_key, GetParam(), tampered, decoded->signature));
  std::string flipped = decoded->signature;
  flipped[flipped.size() / 2] ^= 0x01;
  EXPECT_FALSE(verify(*public_key, GetParam(), decoded->signing_input, flipped));
  EXPECT_FALSE(verify(*public_key, "HS256", decoded->signing_input, decoded->signature));
  EXPECT_FALSE(verify(*public_key, "none", decoded->signing_input, ""));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JoseAlgorithm, ::testing::Values("RS256", "ES256", "EdDSA"));

TEST(Jose, AKeyVerifiesOnlyItsOwnAlgorithm) {
  auto rsa = Key::generate("RS256");
  auto ec = Key::generate("ES256");
  ASSERT_TRUE(rsa.ok() && ec.ok());
  auto signature = sign(*ec, "input");
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(signature->size(), 64u);  // raw r||s, not DER
  EXPECT_FALSE(verify(*rsa, "ES256", "input", *signature));
  EXPECT_TRUE(verify(*ec, "ES256", "input", *signature));
}

TEST(Jose, AlgorithmConfusionWithThePublicKeyAsHmacSecretFails) {
  auto rsa = Key::generate("RS256");
  ASSERT_TRUE(rsa.ok());
  std::string pem = rsa->public_pem();
  ASSERT_NE(pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(json{{"sub", "eve"}}.dump());
  EXPECT_FALSE(verify(*rsa, "HS256", input, hmac_sha256(pem, input)));
}

TEST(Jose, DecodeRefusesMalformedTokens) {
  EXPECT_FALSE(decode_jwt("").ok());
  EXPECT_FALSE(decode_jwt("a.b").ok());
  EXPECT_FALSE(decode_jwt("a.b.c.d").ok());
  EXPECT_FALSE(decode_jwt("!!!.e30.").ok());
  EXPECT_FALSE(decode_jwt(base64url_encode("[1]") + ".e30.").ok());  // header must be an object
  EXPECT_TRUE(decode_jwt("e30.e30.").ok());                          // shape only: {} . {} . no signature
  EXPECT_FALSE(decode_jwt(std::string(9000, 'a')).ok());
}

TEST(Jose, JwkImportRefusesWeakOrIncompleteKeys) {
  EXPECT_FALSE(Key::from_jwk(json{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}).ok());  // 17 bits
  EXPECT_FALSE(Key::from_jwk(json{{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}}).ok());
  EXPECT_FALSE(Key::from_jwk(json{{"kty", "oct"}, {"k", "c2VjcmV0"}}).ok());
  EXPECT_FALSE(Key::from_jwk(json::array()).ok());
}

TEST(Jose, HmacAndConstantTimeCompare) {
  // RFC 4231 test case 2.
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(base64_encode(mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  EXPECT_TRUE(constant_time_equal(mac, hmac_sha256("Jefe", "what do ya want for nothing?")));
  EXPECT_FALSE(constant_time_equal(mac, hmac_sha256("Jefe", "what do ya want for nothing!")));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// Each thread keeps a context keyed for the last key it used: changing keys, and
// several threads at once, must give RFC 4231's answers every time.
TEST(Jose, HmacIsRightAcrossKeysAndThreads) {
  const std::string key1(20, '\x0b');  // RFC 4231 test case 1
  const std::string case1 = "sDRMYdjbOFNcqK/OrwvxK4gdwgDJgz2nJuk3bC4yz/c=";
  const std::string case2 = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=";
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (base64_encode(hmac_sha256(key1, "Hi There")) != case1) ++wrong;
        if (base64_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) != case2) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace mcp::jose
