// A real OpenTelemetry SDK (the npm @opentelemetry packages) exporting to the
// harness's OTLP receiver. Skipped, with the reason, when npm cannot be reached.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/telemetry/otlp_receiver.h"
#include "tests/support/test_support.h"

namespace mcp::testing {
namespace {

TEST(OtelInterop, JavaScriptSdkSpansReachTheReceiver) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(bin_dir()).parent_path() / "interop-node";
  fs::create_directories(dir);
  fs::copy_file(source_dir() + "/tests/interop/otel_export.cjs", dir / "otel_export.cjs", fs::copy_options::overwrite_existing);
  if (!fs::exists(dir / "node_modules/@opentelemetry/exporter-trace-otlp-http")) {
    ProgramRun install = run_program({"npm", "install", "--prefix", dir.string(), "--no-audit", "--no-fund", "--silent",
                                      "@opentelemetry/api@1", "@opentelemetry/sdk-trace-base@2",
                                      "@opentelemetry/exporter-trace-otlp-http"},
                                     std::chrono::seconds(240));
    if (install.exit_code != 0) GTEST_SKIP() << "npm packages unavailable (no registry?): " << install.err.substr(0, 300);
  }
  auto receiver = harness::OtlpReceiver::start();
  ASSERT_TRUE(receiver.ok());
  ProgramRun run = run_program({"node", (dir / "otel_export.cjs").string(), (*receiver)->endpoint() + "/v1/traces"},
                               std::chrono::seconds(60));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json ids = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(ids.is_object()) << run.out;
  auto spans = (*receiver)->wait_for_trace(ids["traceId"], [](const auto& found) { return !found.empty(); }, std::chrono::seconds(5));
  ASSERT_EQ(spans.size(), 1u) << "the receiver got " << (*receiver)->spans().size() << " spans in other traces";
  EXPECT_EQ(spans[0].span_id, ids["spanId"]);
  EXPECT_EQ(spans[0].name, "tools/call echo_v1");
  EXPECT_EQ(spans[0].attributes["gen_ai.tool.name"], "echo_v1");
  EXPECT_EQ(spans[0].service.empty(), false);
}

}  // namespace
}  // namespace mcp::testing
