// The issuer's key set over a real loopback socket: a refetch for an unknown (forged)
// kid runs outside the key-set lock, so requests with known kids are served meanwhile.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "reference-server/auth/key_set.h"

namespace mcp::server::auth {
namespace {

using json = nlohmann::json;

TEST(KeySet, AForgedKidDoesNotStallValidKeys) {
  auto key = jose::Key::generate("ES256");
  ASSERT_TRUE(key.ok());
  json jwk = key->public_jwk();
  jwk["kid"] = "k1";
  std::atomic<int> fetches{0};
  httplib::Server issuer;
  issuer.Get("/jwks", [&](const httplib::Request&, httplib::Response& res) {
    // The first fetch is quick; every refetch after it hangs on a slow issuer.
    if (fetches++ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.set_content(json{{"keys", {jwk}}}.dump(), "application/json");
  });
  int port = issuer.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { issuer.listen_after_bind(); });
  while (!issuer.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  RemoteJwks keys("http://127.0.0.1:" + std::to_string(port), "http://127.0.0.1:" + std::to_string(port) + "/jwks",
                  std::chrono::seconds(0));
  ASSERT_TRUE(keys.key_for("k1").ok());
  std::thread forged([&] { EXPECT_FALSE(keys.key_for("forged-kid").ok()); });
  while (fetches < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the slow refetch is under way
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(keys.key_for("k1").ok());
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(waited, 0.2) << "a valid kid waited behind the forged kid's refetch";
  forged.join();
  issuer.stop();
  serving.join();
}

}  // namespace
}  // namespace mcp::server::auth
