// stdio transport: stdout carries only MCP messages; the server exits on EOF.
#include "mcp/json_rpc.h"
#include "suites/suite_support.h"
#include "suites/suites.h"

namespace mcp::harness::suites {

using json = nlohmann::json;

namespace {
const std::string kDoc = "basic/transports.mdx";
constexpr std::size_t kToolsCalled = 3;
}  // namespace

void register_transport_stdio(Registry& registry) {
  registry.add({
      .id = "transport-stdio.stdout-only-mcp",
      .level = Level::kMust,
      .requirement = "\"The server MUST NOT write anything to its stdout that is not a valid MCP message.\" (One "
                     "JSON-RPC message per line, no embedded newlines.)",
      .spec_ref = spec("2025-11-25", kDoc, "stdio"),
      .procedure = "Starts the server, initializes, pings, lists tools and calls up to 3 callable tools (--call-tools), "
                   "then inspects every stdout line.",
      .transports = kStdio,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        REQUIRE_OK(json ping, s.client.request("ping"), "ping");
        int called = 0;
        if (s.has_capability("tools")) {
          // Tool handlers are where stray prints hide (a debug line, a library's banner).
          REQUIRE_OK(ListWalk tools, walk_list(s.client, "tools/list", "tools"), "tools/list");
          for (const auto& [tool, arguments] : callable_tools(call_policy(ctx), tools.items, kToolsCalled)) {
            auto called_tool = s.client.request("tools/call", {{"name", tool["name"]}, {"arguments", arguments}});
            if (!called_tool.ok() && called_tool.status().code() != StatusCode::kDeadlineExceeded) break;
            ++called;
          }
        }
        StdioConnection* stdio = as_stdio(s.client);
        std::vector<std::string> noise = stdio->stdout_noise();
        if (!noise.empty()) {
          return fail(std::to_string(noise.size()) + " stdout line(s) are not JSON" +
                          (called ? " (after " + std::to_string(called) + " tool call(s))" : ""),
                      "only JSON-RPC messages", noise.front());
        }
        for (const json& message : s.client.take_others()) {
          if (std::holds_alternative<jsonrpc::Rejection>(jsonrpc::classify(message))) {
            return fail("stdout carried JSON that is not a JSON-RPC message", "JSON-RPC 2.0 messages", compact(message));
          }
        }
        if (stdio->oversized_lines()) return fail("the server wrote a line over 16 MiB to stdout");
        return pass(called ? std::to_string(called) + " tool call(s) made" : "no tool called (see --call-tools)");
      },
  });

  registry.add({
      .id = "transport-stdio.exit-on-eof",
      .level = Level::kShould,
      .requirement = "The client \"SHOULD initiate shutdown by: First, closing the input stream to the child "
                     "process (the server)\" and \"Waiting for the server to exit\": when its stdin closes, the "
                     "server exits promptly.",
      .spec_ref = spec("2025-11-25", "basic/lifecycle.mdx", "stdio"),
      .procedure = "Initializes, closes stdin, and waits up to 5 s for the process to exit.",
      .transports = kStdio,
      .run = [](CheckContext& ctx) -> Outcome {
        REQUIRE_OK(Session s, open_session(ctx), "initializing");
        StdioConnection* stdio = as_stdio(s.client);
        stdio->close_input();
        auto start = Clock::now();
        auto exit = stdio->process().wait_for(std::chrono::seconds(5));
        if (!exit) return fail("the server still runs 5 s after stdin closed", "exit within 5 s", "still running");
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        return pass(exit->describe() + " after " + std::to_string(static_cast<int>(ms)) + " ms");
      },
  });
}

}  // namespace mcp::harness::suites
