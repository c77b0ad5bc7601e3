// Questions for the client on 2026-07-28 (basic/patterns/mrtr.mdx) through the
// official suite's fixtures: several at once under the tool's keys, sealed requestState
// from the first round, prompts that ask, and answers nobody asked for.
#include "reference-server/conformance/conformance.h"
#include "mcp/protocol_version.h"
#include "tests/unit/server_core_fixture.h"

namespace mcp::server {
namespace {

namespace protocol = mcp::protocol;

json capable(json capabilities = {{"elicitation", json::object()}, {"sampling", json::object()}, {"roots", json::object()}}) {
  return {{protocol::kMetaProtocolVersion, "2026-07-28"}, {protocol::kMetaClientCapabilities, std::move(capabilities)}};
}
json elicited(json content) { return {{"action", "accept"}, {"content", std::move(content)}}; }

class InputRequired : public ServerCore {
 protected:
  void SetUp() override { ASSERT_TRUE(register_input_fixtures(server).ok()); }
  json call_tool(const std::string& name, json extra = json::object(), json meta = capable()) {
    json params = {{"name", name}, {"arguments", json::object()}, {"_meta", std::move(meta)}};
    if (extra.is_object()) params.update(extra);
    return call("tools/call", params);
  }
};

TEST_F(InputRequired, SeveralQuestionsGoOutInOneRoundUnderTheToolsKeys) {
  json round1 = call_tool("test_input_required_result_multiple_inputs");
  ASSERT_EQ(round1["result"]["resultType"], "input_required") << round1;
  const json& asked = round1["result"]["inputRequests"];
  EXPECT_EQ(asked["user_name"]["method"], "elicitation/create");
  EXPECT_EQ(asked["greeting"]["method"], "sampling/createMessage");
  EXPECT_EQ(asked["client_roots"]["method"], "roots/list");
  json answers = {{"user_name", elicited({{"name", "Alice"}})},
                  {"greeting", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "Hi"}}}, {"model", "m"}}},
                  {"client_roots", {{"roots", json::array({{{"uri", "file:///w"}}})}}}};
  json round2 = call_tool("test_input_required_result_multiple_inputs",
                          {{"inputResponses", answers}, {"requestState", round1["result"]["requestState"]}});
  EXPECT_EQ(round2["result"]["content"][0]["text"], "Name: Alice; Greeting: Hi; Roots: 1") << round2;
}

TEST_F(InputRequired, TheFirstRoundIsSealedAndATamperedStateIsRefused) {
  json round1 = call_tool("test_input_required_result_tampered_state");
  ASSERT_TRUE(round1["result"]["requestState"].is_string()) << "sealed even before any answer: " << round1;
  json yes = {{"confirm", elicited({{"ok", true}})}};
  std::string state = round1["result"]["requestState"];
  json tampered = call_tool("test_input_required_result_tampered_state", {{"inputResponses", yes}, {"requestState", state + "-TAMPERED"}});
  EXPECT_EQ(error_code(tampered), jsonrpc::kInvalidParams) << tampered;
  json genuine = call_tool("test_input_required_result_tampered_state", {{"inputResponses", yes}, {"requestState", state}});
  EXPECT_EQ(genuine["result"]["content"][0]["text"], "integrity-ok: state verified") << genuine;
}

TEST_F(InputRequired, EachRoundSealsTheAnswersSoFarAndNothingElse) {
  json round1 = call_tool("test_input_required_result_multi_round");
  ASSERT_TRUE(round1["result"]["inputRequests"].contains("step1")) << round1;
  // An answer nobody asked for is ignored (mrtr.mdx: "SHOULD ignore any information it
  // does not recognize"), and not carried into requestState.
  json answers = {{"step1", elicited({{"name", "Alice"}})}, {"unasked", elicited({{"junk", std::string(20000, 'x')}})}};
  json round2 = call_tool("test_input_required_result_multi_round",
                          {{"inputResponses", answers}, {"requestState", round1["result"]["requestState"]}});
  ASSERT_TRUE(round2["result"]["inputRequests"].contains("step2")) << round2;
  std::string state = round2["result"]["requestState"];
  EXPECT_NE(state, round1["result"]["requestState"].get<std::string>());
  EXPECT_LT(state.size(), 2000u) << "the unasked 20 KB answer was sealed into requestState";
  json round3 = call_tool("test_input_required_result_multi_round",
                          {{"inputResponses", {{"step2", elicited({{"color", "blue"}})}}}, {"requestState", state}});
  EXPECT_EQ(round3["result"]["content"][0]["text"], "Multi-round complete for Alice who likes blue") << round3;
}

TEST_F(InputRequired, OnlyDeclaredCapabilitiesAreAskedAndAMissingOneIsMinus32021) {
  json sampling_only = call_tool("test_input_required_result_capabilities", {}, capable({{"sampling", json::object()}}));
  const json& asked = sampling_only["result"]["inputRequests"];
  EXPECT_TRUE(asked.contains("sample_input")) << sampling_only;
  EXPECT_FALSE(asked.contains("elicit_input")) << sampling_only;
  json refused = call_tool("test_missing_capability", {}, capable(json::object()));
  EXPECT_EQ(error_code(refused), jsonrpc::kMissingRequiredClientCapability);
  EXPECT_EQ(refused["error"]["data"]["requiredCapabilities"], json({{"sampling", json::object()}}));
}

TEST_F(InputRequired, APromptAsksAndCompletesOnRetry) {
  json params = {{"name", "test_input_required_result_prompt"}, {"_meta", capable()}};
  json round1 = call("prompts/get", params);
  ASSERT_EQ(round1["result"]["resultType"], "input_required") << round1;
  EXPECT_FALSE(round1["result"].contains("messages"));
  params["inputResponses"] = {{"user_context", elicited({{"context", "billing"}})}};
  params["requestState"] = round1["result"]["requestState"];
  json round2 = call("prompts/get", params);
  EXPECT_EQ(round2["result"]["messages"][0]["content"]["text"], "Prompt with context: billing") << round2;
}

TEST_F(InputRequired, QuestionsWithTheSameKeyInOneRoundAreRefused) {
  ASSERT_TRUE(server.tools()
                  .add({.name = "asks_twice_v1"},
                       [](ToolContext& ctx) {
                         json params = {{"message", "?"}, {"requestedSchema", {{"type", "object"}}}};
                         auto answers = ctx.ask_client_all({{"k", "elicitation/create", params}, {"k", "elicitation/create", params}});
                         return answers.ok() ? text_result("asked") : error_result(answers.status().message());
                       })
                  .ok());
  json r = call_tool("asks_twice_v1");
  EXPECT_EQ(r["result"]["isError"], true) << r;
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("its own non-empty key"), std::string::npos) << r;
}

TEST(RequestBindingTarget, StateForAToolDoesNotOpenForAPromptOfTheSameName) {
  RequestStateSealer sealer("k");
  std::string state = sealer.seal(json::object(), {"alice", input_target("tools/call", "x"), json::object()}, 1000);
  EXPECT_TRUE(sealer.open(state, {"alice", input_target("tools/call", "x"), json::object()}, 1000).ok());
  EXPECT_FALSE(sealer.open(state, {"alice", input_target("prompts/get", "x"), json::object()}, 1000).ok());
}

}  // namespace
}  // namespace mcp::server
