// Microbenchmarks (Google Benchmark) of the hot paths, each beside a baseline
// measured in the same run: JSON-RPC parsing against a bare JSON parse, schema
// validation against parsing the same arguments, token verification against the
// bare signature check, and one tools/call through the protocol core with the
// reference filter chain (versioning, limits, telemetry) against the bare core.
// bench/micro_summary.py turns the JSON output into ratios.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <new>

#include "mcp/jose.h"
#include "mcp/json_rpc.h"
#include "mcp/json_schema.h"
#include "reference-server/app/app.h"
#include "reference-server/auth/authenticator.h"
#include "reference-server/auth/jwt_verifier.h"
#include "reference-server/core/event_log.h"
#include "reference-server/demo/demo.h"

// Every allocation in the process, counted: the tools/call benchmarks report
// allocations per call (the per-request copy profile), on all threads.
std::atomic<unsigned long long> allocations{0};

namespace {

using json = nlohmann::json;
using namespace mcp::server;

const std::string kToolCall =
    R"({"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo_v1","arguments":{"message":"hello, benchmark"},)"
    R"("_meta":{"progressToken":"p-42","dev.mcp-harness/run-id":"bench-run","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}})";

[[noreturn]] void die(const std::string& why) {
  std::cerr << "bench_micro: " << why << "\n";
  std::exit(1);
}

void BM_Baseline_JsonParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(kToolCall));
}
BENCHMARK(BM_Baseline_JsonParse);

void BM_JsonRpcParse(benchmark::State& state) {
  for (auto _ : state) {
    auto outcome = mcp::jsonrpc::parse(kToolCall);
    benchmark::DoNotOptimize(outcome);
  }
}
BENCHMARK(BM_JsonRpcParse);

// The reference server's create_invoice_v2 input schema and valid arguments for it.
struct InvoiceSchema {
  std::unique_ptr<ReferenceApp> app;
  const mcp::SchemaValidator* validator = nullptr;
  std::string arguments_text;
  json arguments;
};

const InvoiceSchema& invoice_schema() {
  static InvoiceSchema instance = [] {
    InvoiceSchema s;
    auto app = ReferenceApp::create(AppConfig{});
    if (!app.ok()) die(app.status().message());
    s.app = std::move(app).value();
    const RegisteredTool* tool = s.app->server().tools().find("create_invoice_v2");
    if (!tool) die("no create_invoice_v2");
    s.validator = tool->input_validator.get();
    s.arguments = {{"customer", "Acme GmbH"},
                   {"currency", "EUR"},
                   {"line_items", json::array({{{"description", "Consulting"}, {"quantity", 3}, {"unit_cents", 15000}},
                                               {{"description", "Travel"}, {"quantity", 1}, {"unit_cents", 4200}}})},
                   {"idempotency_key", "bench-0001-2026-11-26"}};
    auto errors = s.validator->validate(s.arguments);
    if (!errors.empty()) die("sample arguments do not satisfy create_invoice_v2: " + mcp::describe_errors(errors));
    s.arguments_text = s.arguments.dump();
    return s;
  }();
  return instance;
}

void BM_Baseline_ParseArguments(benchmark::State& state) {
  const InvoiceSchema& s = invoice_schema();
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(s.arguments_text));
}
BENCHMARK(BM_Baseline_ParseArguments);

void BM_SchemaValidate(benchmark::State& state) {
  const InvoiceSchema& s = invoice_schema();
  for (auto _ : state) benchmark::DoNotOptimize(s.validator->validate(s.arguments));
}
BENCHMARK(BM_SchemaValidate);

class FixedKey final : public auth::KeySet {
 public:
  explicit FixedKey(mcp::jose::Key key) : key_(std::move(key)) {}
  mcp::StatusOr<mcp::jose::Key> key_for(const std::string&) override { return key_; }

 private:
  mcp::jose::Key key_;
};

struct SignedToken {
  mcp::jose::Key key;
  std::string token;
  mcp::jose::DecodedJwt decoded;
  std::unique_ptr<auth::JwtVerifier> verifier;
};

SignedToken make_token(const std::string& alg) {
  auto key = mcp::jose::Key::generate(alg);
  if (!key.ok()) die(key.status().message());
  long long now = auth::unix_now();
  json claims = {{"iss", "https://issuer.example"}, {"aud", "https://mcp.example/mcp"}, {"sub", "agent-7"},
                 {"scope", "invoices:write tickets:write"}, {"iat", now}, {"exp", now + 3600}};
  auto token = mcp::jose::encode_jwt({{"kid", "k1"}}, claims, *key);
  if (!token.ok()) die(token.status().message());
  auth::AuthConfig config;
  config.mode = auth::AuthMode::kOauth;
  config.issuer = "https://issuer.example";
  config.resource = "https://mcp.example/mcp";
  auto decoded = mcp::jose::decode_jwt(*token);
  if (!decoded.ok()) die(decoded.status().message());
  SignedToken t{*key, *token, *decoded, std::make_unique<auth::JwtVerifier>(config, std::make_shared<FixedKey>(*key))};
  if (auto principal = t.verifier->verify(t.token, now); !principal.ok()) die("token refused: " + principal.status().message());
  return t;
}

void BM_Baseline_SignatureVerify(benchmark::State& state, const std::string& alg) {
  SignedToken t = make_token(alg);
  for (auto _ : state) {
    bool valid = mcp::jose::verify(t.key, alg, t.decoded.signing_input, t.decoded.signature);
    if (!valid) state.SkipWithError("signature did not verify");
  }
}

void BM_TokenVerify(benchmark::State& state, const std::string& alg) {
  SignedToken t = make_token(alg);
  long long now = auth::unix_now();
  for (auto _ : state) {
    auto principal = t.verifier->verify(t.token, now);
    if (!principal.ok()) state.SkipWithError("token refused");
  }
}
BENCHMARK_CAPTURE(BM_Baseline_SignatureVerify, ES256, std::string("ES256"));
BENCHMARK_CAPTURE(BM_TokenVerify, ES256, std::string("ES256"));
BENCHMARK_CAPTURE(BM_Baseline_SignatureVerify, RS256, std::string("RS256"));
BENCHMARK_CAPTURE(BM_TokenVerify, RS256, std::string("RS256"));
BENCHMARK_CAPTURE(BM_Baseline_SignatureVerify, EdDSA, std::string("EdDSA"));
BENCHMARK_CAPTURE(BM_TokenVerify, EdDSA, std::string("EdDSA"));

// One initialized session of a protocol core, driven in process (no transport).
void run_tool_calls(benchmark::State& state, McpServer& server) {
  Session session("bench-session");
  DiscardOutbound out;
  (void)server.handle_text(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                           R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})",
                           session, out);
  (void)server.handle_text(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session, out);
  unsigned long long before = allocations.load();
  for (auto _ : state) {
    auto response = server.handle_text(kToolCall, session, out);
    if (!response || !response->contains("result") || (*response)["result"].value("isError", false)) {
      state.SkipWithError(("tool call failed: " + (response ? response->dump() : std::string("no response"))).c_str());
      break;
    }
  }
  if (state.iterations() > 0) {
    state.counters["allocs_per_call"] = static_cast<double>(allocations.load() - before) / static_cast<double>(state.iterations());
  }
}

void BM_Baseline_ToolCallBareCore(benchmark::State& state) {
  McpServer server;
  if (!register_demo_tools(server).ok()) die("demo tools");
  run_tool_calls(state, server);
}
BENCHMARK(BM_Baseline_ToolCallBareCore);

void BM_ToolCallFilterChain(benchmark::State& state) {
  set_log_file("/dev/null");  // the log line is written (it is part of the cost), just not kept
  AppConfig config;
  config.limits = {{"budget", {{"units", 1000000000}, {"window_seconds", 3600}}},
                   {"rate", {{"per_second", 100000000}, {"burst", 100000000}}}};
  auto app = ReferenceApp::create(config);
  if (!app.ok()) die(app.status().message());
  run_tool_calls(state, (*app)->server());
}
BENCHMARK(BM_ToolCallFilterChain);

}  // namespace

// GCC sees malloc/free behind new/delete once these are inlined, and warns of a
// mismatch that is not one: both sides are replaced together.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

BENCHMARK_MAIN();
