// The reference server core in process: lifecycle, tools, resources, prompts,
// cancellation, progress, logging and the filter chain.
#include <gtest/gtest.h>

#include <cstdio>
#include <future>
#include <thread>

#include "reference-server/core/event_log.h"
#include "tests/unit/server_core_fixture.h"

namespace mcp::server {
namespace {

TEST_F(ServerCore, NegotiatesVersionsAndRefusesASecondInitialize) {
  EXPECT_EQ(initialize("2025-03-26")["result"]["protocolVersion"], "2025-03-26");
  EXPECT_EQ(error_code(call("initialize", {{"protocolVersion", "2025-03-26"}, {"capabilities", json::object()}})),
            jsonrpc::kInvalidRequest);
  Session other("other");
  auto r = server.handle_message(
      jsonrpc::Message{jsonrpc::Kind::kRequest,
                       jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2099-01-01"}, {"capabilities", json::object()}})},
      other, out);
  EXPECT_EQ((*r)["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(error_code(call("initialize", {{"capabilities", json::object()}})), jsonrpc::kInvalidParams);
}

TEST_F(ServerCore, OnlyPingAndInitializeBeforeInitialization) {
  EXPECT_EQ(error_code(call("tools/list")), jsonrpc::kInvalidRequest);
  EXPECT_EQ(call("ping")["result"], json::object());
  EXPECT_EQ(error_code(call("no/such")), jsonrpc::kMethodNotFound);
}

TEST_F(ServerCore, PaginatesWithOpaqueCursorsAndRejectsForeignOnes) {
  initialize();
  json first = call("tools/list");
  ASSERT_EQ(first["result"]["tools"].size(), 3u);
  ASSERT_TRUE(first["result"].contains("nextCursor"));
  json second = call("tools/list", {{"cursor", first["result"]["nextCursor"]}});
  EXPECT_EQ(second["result"]["tools"].size(), 3u);
  ASSERT_TRUE(second["result"].contains("nextCursor"));
  json third = call("tools/list", {{"cursor", second["result"]["nextCursor"]}});
  EXPECT_EQ(third["result"]["tools"].size(), 1u) << "the demo registers seven tools";
  EXPECT_FALSE(third["result"].contains("nextCursor"));
  EXPECT_EQ(error_code(call("tools/list", {{"cursor", "bogus"}})), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("tools/list", {{"cursor", encode_cursor("prompts", 1)}})), jsonrpc::kInvalidParams)
      << "a cursor minted for another list is refused";
  EXPECT_EQ(error_code(call("tools/list", {{"cursor", encode_cursor("tools", 99)}})), jsonrpc::kInvalidParams);
}

TEST_F(ServerCore, ToolCallsValidateInputAsTheVersionPrescribes) {
  initialize("2025-11-25");
  json ok = call("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "hi"}}}});
  EXPECT_EQ(ok["result"]["structuredContent"]["message"], "hi");
  EXPECT_EQ(ok["result"]["content"][0]["text"], R"({"message":"hi"})");
  json invalid = call("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", 3}}}});
  EXPECT_EQ(invalid["result"]["isError"], true) << "2025-11-25: input errors are tool results";
  EXPECT_EQ(error_code(call("tools/call", {{"name", "nope_v1"}})), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("tools/call", {{"name", "echo_v1"}, {"arguments", "x"}})), jsonrpc::kInvalidParams);
  EXPECT_EQ(call("tools/call", {{"name", "fail_v1"}})["result"]["isError"], true);

  Session old_session("old");
  server.handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest,
                                         jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}})},
                        old_session, out);
  auto old = server.handle_message(
      jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(2, "tools/call", {{"name", "echo_v1"}, {"arguments", json::object()}})},
      old_session, out);
  EXPECT_EQ(error_code(*old), jsonrpc::kInvalidParams) << "2025-06-18: invalid arguments are protocol errors";
}

TEST_F(ServerCore, OlderRevisionsGetNoStructuredContentOrOutputSchema) {
  initialize("2025-03-26");
  json listed = call("tools/list");
  EXPECT_FALSE(listed["result"]["tools"][0].contains("outputSchema"));
  EXPECT_TRUE(listed["result"]["tools"][0].contains("annotations"));
  json result = call("tools/call", {{"name", "add_v1"}, {"arguments", {{"a", 1}, {"b", 2}}}});
  EXPECT_FALSE(result["result"].contains("structuredContent"));
  EXPECT_EQ(result["result"]["content"][0]["text"], R"({"sum":3.0})");
}

TEST_F(ServerCore, HandlerFailuresAndOutputSchemaViolationsBecomeToolErrors) {
  ASSERT_TRUE(server.tools()
                  .add({.name = "throws_v1"}, [](ToolContext&) -> ToolResult { throw std::runtime_error("boom"); })
                  .ok());
  ASSERT_TRUE(server.tools()
                  .add({.name = "liar_v1", .output_schema = {{"type", "object"}, {"required", {"n"}}}},
                       [](ToolContext&) { return structured_result({{"m", 1}}); })
                  .ok());
  initialize();
  std::FILE* log = std::tmpfile();
  set_log_stream(log);
  json thrown = call("tools/call", {{"name", "throws_v1"}});
  set_log_stream(nullptr);
  EXPECT_EQ(thrown["result"]["isError"], true);
  // The exception's text (it may hold paths or SQL) goes to the log, not to the model.
  std::string shown = thrown["result"]["content"][0]["text"];
  EXPECT_EQ(shown.find("boom"), std::string::npos) << shown;
  EXPECT_NE(shown.find("throws_v1 failed unexpectedly"), std::string::npos) << shown;
  std::rewind(log);
  std::string logged(4096, '\0');
  logged.resize(std::fread(logged.data(), 1, logged.size(), log));
  std::fclose(log);
  EXPECT_NE(logged.find("\"error\":\"boom\""), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"event\":\"tool_failed\""), std::string::npos) << logged;
  json lied = call("tools/call", {{"name", "liar_v1"}});
  EXPECT_EQ(lied["result"]["isError"], true);
}

TEST_F(ServerCore, ProgressIsMonotonicAndCancellationSuppressesTheResponse) {
  initialize();
  json progress = call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 3}, {"step_ms", 1}}},
                                      {"_meta", {{"progressToken", "tok"}}}});
  EXPECT_EQ(progress["result"]["structuredContent"]["completed_steps"], 3);
  ASSERT_EQ(out.sent.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out.sent[i]["params"]["progressToken"], "tok");
    EXPECT_EQ(out.sent[i]["params"]["progress"], i + 1);
  }

  auto pending = std::async(std::launch::async, [&] {
    return call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 100}, {"step_ms", 20}}}}, "slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  notify("notifications/cancelled", {{"requestId", "slow"}, {"reason", "test"}});
  EXPECT_TRUE(pending.get().is_null()) << "a cancelled request gets no response";
  notify("notifications/cancelled", {{"requestId", "never-sent"}});  // unknown ids are ignored
}

TEST_F(ServerCore, LogMessagesFollowTheRequestedLevel) {
  initialize();
  EXPECT_EQ(error_code(call("logging/setLevel", {{"level", "loud"}})), jsonrpc::kInvalidParams);
  call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 1}, {"step_ms", 0}}}});
  EXPECT_TRUE(out.sent.empty()) << "no log messages before the client asks for them";
  EXPECT_EQ(call("logging/setLevel", {{"level", "debug"}})["result"], json::object());
  call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 1}, {"step_ms", 0}}}});
  ASSERT_EQ(out.sent.size(), 1u);
  EXPECT_EQ(out.sent[0]["method"], "notifications/message");
  EXPECT_EQ(out.sent[0]["params"]["level"], "debug");
}

TEST_F(ServerCore, ResourcesAndPrompts) {
  initialize();
  EXPECT_EQ(call("resources/read", {{"uri", "mcp-ref://notes/beta"}})["result"]["contents"][0]["text"], "Note beta.");
  json missing = call("resources/read", {{"uri", "mcp-ref://notes/zeta"}});
  EXPECT_EQ(error_code(missing), jsonrpc::kResourceNotFound);
  EXPECT_EQ(missing["error"]["data"]["uri"], "mcp-ref://notes/zeta");
  EXPECT_EQ(call("resources/templates/list")["result"]["resourceTemplates"].size(), 2u);
  EXPECT_EQ(error_code(call("prompts/get", {{"name", "summarize"}})), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("prompts/get", {{"name", "greeting"}, {"arguments", {{"name", 5}}}})), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("prompts/get", {{"name", "nope"}})), jsonrpc::kInvalidParams);
  json prompt = call("prompts/get", {{"name", "greeting"}, {"arguments", {{"name", "Ada"}}}});
  EXPECT_EQ(prompt["result"]["messages"][0]["content"]["text"], "Say hello to Ada.");
}

TEST(ToolRegistry, RefusesBadRegistrations) {
  ToolRegistry registry;
  auto handler = [](ToolContext&) { return text_result("x"); };
  EXPECT_TRUE(registry.add({.name = "ok_v1"}, handler).ok());
  EXPECT_FALSE(registry.add({.name = "ok_v1"}, handler).ok()) << "duplicate";
  EXPECT_FALSE(registry.add({.name = "has space"}, handler).ok());
  EXPECT_FALSE(registry.add({.name = std::string(129, 'a')}, handler).ok());
  EXPECT_FALSE(registry.add({.name = "str_v1", .input_schema = {{"type", "string"}}}, handler).ok());
  EXPECT_FALSE(registry.add({.name = "nohandler_v1"}, nullptr).ok());
  EXPECT_EQ(registry.all().size(), 1u);
}

class RecordingFilter final : public ToolCallFilter {
 public:
  RecordingFilter(std::string name, std::vector<std::string>& log, bool refuse)
      : name_(std::move(name)), log_(log), refuse_(refuse) {}
  std::string_view name() const override { return name_; }
  FilterVerdict on_call(const ToolCall& call) override {
    log_.push_back(name_ + ":call:" + call.tool);
    return refuse_ ? FilterVerdict::respond(error_result("refused by " + name_)) : FilterVerdict::proceed();
  }
  void on_result(const ToolCall&, json& result) override {
    log_.push_back(name_ + ":result");
    result["_meta"]["seen_by_" + name_] = true;
  }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  bool refuse_;
};

TEST_F(ServerCore, FiltersRunInOrderAndARefusalSkipsTheHandlerAndLaterFilters) {
  std::vector<std::string> log;
  server.filters().add(std::make_unique<RecordingFilter>("a", log, false));
  server.filters().add(std::make_unique<RecordingFilter>("b", log, true));
  server.filters().add(std::make_unique<RecordingFilter>("c", log, false));
  initialize();
  json result = call("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "x"}}}});
  EXPECT_EQ(result["result"]["isError"], true);
  EXPECT_EQ(result["result"]["content"][0]["text"], "refused by b");
  EXPECT_EQ(log, (std::vector<std::string>{"a:call:echo_v1", "b:call:echo_v1", "b:result", "a:result"}));
  EXPECT_TRUE(result["result"]["_meta"]["seen_by_a"].get<bool>());
}

}  // namespace
}  // namespace mcp::server
