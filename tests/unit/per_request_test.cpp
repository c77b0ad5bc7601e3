// The 2026-07-28 path of the server core: per-request _meta, discover, results, input-
// required retries with requestState, subscriptions/listen; and the HTTP header codec.
#include <thread>

#include "mcp/base64.h"
#include "mcp/protocol_version.h"
#include "harness/client/http_connection.h"
#include "mcp/request_headers.h"
#include "tests/unit/server_core_fixture.h"

namespace mcp::server {
namespace {

namespace protocol = mcp::protocol;

json meta(json capabilities = json::object()) {
  return {{protocol::kMetaProtocolVersion, "2026-07-28"}, {protocol::kMetaClientCapabilities, std::move(capabilities)}};
}

TEST_F(ServerCore, DiscoverNeedsNoInitializeAndListsOnlyPerRequestVersions) {
  json r = call("server/discover", {{"_meta", meta()}});
  ASSERT_TRUE(r.contains("result")) << r;
  EXPECT_EQ(r["result"]["supportedVersions"], json::array({"2026-07-28"}));
  EXPECT_EQ(r["result"]["resultType"], "complete");
  EXPECT_EQ(r["result"]["cacheScope"], "public");
  EXPECT_TRUE(r["result"]["ttlMs"].is_number_integer());
  EXPECT_EQ(r["result"]["_meta"][protocol::kMetaServerInfo]["name"], "mcp-reference-server");
  EXPECT_FALSE(session.initialized()) << "a modern request must not open a legacy session";
}

TEST_F(ServerCore, RefusesMalformedOrUnsupportedPerRequestMeta) {
  json without_version = meta();
  without_version.erase(protocol::kMetaProtocolVersion);
  EXPECT_EQ(error_code(call("tools/list", {{"_meta", without_version}})), jsonrpc::kInvalidParams);
  json without_capabilities = meta();
  without_capabilities.erase(protocol::kMetaClientCapabilities);
  EXPECT_EQ(error_code(call("tools/list", {{"_meta", without_capabilities}})), jsonrpc::kInvalidParams);
  json bad_level = meta();
  bad_level[protocol::kMetaLogLevel] = "loud";
  EXPECT_EQ(error_code(call("tools/list", {{"_meta", bad_level}})), jsonrpc::kInvalidParams);

  json future = meta();
  future[protocol::kMetaProtocolVersion] = "2099-01-01";
  json r = call("tools/list", {{"_meta", future}});
  EXPECT_EQ(error_code(r), jsonrpc::kUnsupportedProtocolVersion);
  EXPECT_EQ(r["error"]["data"]["requested"], "2099-01-01");
  EXPECT_EQ(r["error"]["data"]["supported"], json::array({"2026-07-28"}));
}

TEST_F(ServerCore, RemovedMethodsAreUnknownPerRequestButServeLegacySessions) {
  for (const char* removed : {"ping", "logging/setLevel", "resources/subscribe", "initialize"}) {
    EXPECT_EQ(error_code(call(removed, {{"_meta", meta()}})), jsonrpc::kMethodNotFound) << removed;
  }
  initialize();
  EXPECT_TRUE(call("ping").contains("result"));
}

TEST_F(ServerCore, ResourceNotFoundIsInvalidParamsPerRequestAndLegacyCodeInSessions) {
  EXPECT_EQ(error_code(call("resources/read", {{"uri", "mcp-ref://nothing"}, {"_meta", meta()}})), jsonrpc::kInvalidParams);
  initialize();
  EXPECT_EQ(error_code(call("resources/read", {{"uri", "mcp-ref://nothing"}})), jsonrpc::kResourceNotFound);
}

TEST_F(ServerCore, InputRequiredThenCompletesOnRetryWithTheAnswer) {
  json capable = meta({{"elicitation", json::object()}});
  json first = call("tools/call", {{"name", "greet_user_v1"}, {"_meta", capable}}, 1);
  ASSERT_EQ(first["result"]["resultType"], "input_required") << first;
  json asked = first["result"]["inputRequests"]["input-1"];
  EXPECT_EQ(asked["method"], "elicitation/create");

  json answer = {{"action", "accept"}, {"content", {{"name", "Ada"}}}};
  json retry = call("tools/call", {{"name", "greet_user_v1"}, {"_meta", capable}, {"inputResponses", {{"input-1", answer}}}}, 2);
  ASSERT_EQ(retry["result"]["resultType"], "complete") << retry;
  EXPECT_EQ(retry["result"]["structuredContent"]["greeting"], "Hello, Ada!");

  EXPECT_EQ(error_code(call("tools/call", {{"name", "greet_user_v1"}, {"_meta", meta()}}, 3)),
            jsonrpc::kMissingRequiredClientCapability);
  EXPECT_EQ(error_code(call("tools/call", {{"name", "greet_user_v1"}, {"_meta", capable}, {"requestState", "%%%"}}, 4)),
            jsonrpc::kInvalidParams);
}

TEST_F(ServerCore, AHandlerThatIgnoresTheMissingAnswerStillAnswersInputRequired) {
  // Nothing is thrown across the handler: what the call needs from the client decides
  // the answer even when the handler carries on as if the question had been answered.
  int ran_to_the_end = 0;
  ASSERT_TRUE(server.tools()
                  .add({.name = "carries_on_v1", .annotations = {{"readOnlyHint", true}}},
                       [&ran_to_the_end](ToolContext& ctx) {
                         json schema = {{"type", "object"}, {"properties", {{"x", {{"type", "string"}}}}}};
                         auto first = ctx.ask_client("elicitation/create", {{"message", "a?"}, {"requestedSchema", schema}});
                         auto second = ctx.ask_client("elicitation/create", {{"message", "b?"}, {"requestedSchema", schema}});
                         EXPECT_FALSE(first.ok());
                         EXPECT_FALSE(second.ok()) << "later questions wait for the first answer";
                         ++ran_to_the_end;
                         return text_result("pretending all is well");
                       })
                  .ok());
  json asked = call("tools/call", {{"name", "carries_on_v1"}, {"_meta", meta({{"elicitation", json::object()}})}}, 1);
  EXPECT_EQ(ran_to_the_end, 1);
  ASSERT_EQ(asked["result"]["resultType"], "input_required") << asked;
  EXPECT_TRUE(asked["result"]["inputRequests"].contains("input-1"));
  EXPECT_FALSE(asked["result"]["inputRequests"].contains("input-2"));
  json refused = call("tools/call", {{"name", "carries_on_v1"}, {"_meta", meta()}}, 2);
  EXPECT_EQ(error_code(refused), jsonrpc::kMissingRequiredClientCapability) << refused;
}

TEST_F(ServerCore, RequestStateCarriesEarlierAnswersAcrossRounds) {
  ASSERT_TRUE(server.tools()
                  .add({.name = "two_questions_v1", .annotations = {{"readOnlyHint", true}}},
                       [](ToolContext& ctx) {
                         json schema = {{"type", "object"}, {"properties", {{"x", {{"type", "string"}}}}}};
                         auto a = ctx.ask_client("elicitation/create", {{"message", "a?"}, {"requestedSchema", schema}});
                         if (!a.ok()) return error_result(a.status().message());
                         auto b = ctx.ask_client("elicitation/create", {{"message", "b?"}, {"requestedSchema", schema}});
                         if (!b.ok()) return error_result(b.status().message());
                         return text_result((*a)["content"]["x"].get<std::string>() + (*b)["content"]["x"].get<std::string>());
                       })
                  .ok());
  json capable = meta({{"elicitation", json::object()}});
  auto accept = [](const char* x) { return json{{"action", "accept"}, {"content", {{"x", x}}}}; };
  json round1 = call("tools/call", {{"name", "two_questions_v1"}, {"_meta", capable}}, 1);
  ASSERT_TRUE(round1["result"]["inputRequests"].contains("input-1")) << round1;
  json round2 = call("tools/call", {{"name", "two_questions_v1"}, {"_meta", capable}, {"inputResponses", {{"input-1", accept("A")}}}}, 2);
  ASSERT_TRUE(round2["result"]["inputRequests"].contains("input-2")) << round2;
  ASSERT_TRUE(round2["result"].contains("requestState"));
  json round3 = call("tools/call", {{"name", "two_questions_v1"}, {"_meta", capable},
                                    {"requestState", round2["result"]["requestState"]},
                                    {"inputResponses", {{"input-2", accept("B")}}}},
                     3);
  EXPECT_EQ(round3["result"]["content"][0]["text"], "AB") << round3;
}

TEST_F(ServerCore, RequestStateIsBoundToPrincipalRequestAndExpiry) {
  // Two rounds of greet_user_v1's sibling: the second round's requestState carries answer 1.
  ASSERT_TRUE(server.tools()
                  .add({.name = "confirm_twice_v1",
                        .input_schema = {{"type", "object"}, {"properties", {{"x", {{"type", "string"}}}}}},
                        .annotations = {{"readOnlyHint", true}}},
                       [](ToolContext& ctx) {
                         json schema = {{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}};
                         (void)ctx.ask_client("elicitation/create", {{"message", "sure?"}, {"requestedSchema", schema}});
                         (void)ctx.ask_client("elicitation/create", {{"message", "really?"}, {"requestedSchema", schema}});
                         return text_result("done");
                       })
                  .ok());
  json capable = meta({{"elicitation", json::object()}});
  json yes = {{"action", "accept"}, {"content", {{"ok", true}}}};
  json args = {{"x", "a"}};
  json round2 = call("tools/call", {{"name", "confirm_twice_v1"}, {"arguments", args}, {"_meta", capable},
                                    {"inputResponses", {{"input-1", yes}}}});
  std::string state = round2["result"]["requestState"].get<std::string>();
  auto retry = [&](const json& arguments, const std::string& with_state, const std::string& run = "") {
    json m = capable;
    if (!run.empty()) m["dev.mcp-harness/run-id"] = run;
    return call("tools/call", {{"name", "confirm_twice_v1"}, {"arguments", arguments}, {"_meta", m},
                               {"requestState", with_state}, {"inputResponses", {{"input-2", yes}}}});
  };
  EXPECT_EQ(retry(args, state)["result"]["content"][0]["text"], "done") << "the genuine state completes the call";
  EXPECT_EQ(error_code(retry({{"x", "b"}}, state)), jsonrpc::kInvalidParams) << "bound to the request's arguments";
  EXPECT_EQ(error_code(retry(args, state, "another-run")), jsonrpc::kInvalidParams) << "bound to the principal";
  std::string tampered = state;
  tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
  json refused = retry(args, tampered);
  EXPECT_EQ(error_code(refused), jsonrpc::kInvalidParams);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("failed verification"), std::string::npos) << refused;
}

TEST(RequestState, SealedStateOpensOnlyUnchangedInTimeAndForItsBinding) {
  RequestStateSealer sealer("k", std::chrono::seconds(60));
  RequestBinding binding{"alice", "t_v1", {{"a", 1}}};
  std::string state = sealer.seal({{"input-1", 42}}, binding, 1000);
  StatusOr<json> opened = sealer.open(state, binding, 1059);
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  EXPECT_EQ((*opened)["input-1"], 42);
  EXPECT_NE(sealer.open(state, binding, 1061).status().message().find("expired"), std::string::npos);
  EXPECT_FALSE(sealer.open(state, {"bob", "t_v1", {{"a", 1}}}, 1000).ok());
  EXPECT_FALSE(sealer.open(state, {"alice", "t_v2", {{"a", 1}}}, 1000).ok());
  EXPECT_FALSE(RequestStateSealer("other key").open(state, binding, 1000).ok());
  EXPECT_FALSE(sealer.open("no-dot", binding, 1000).ok());
  EXPECT_FALSE(sealer.open(std::string(2 << 20, 'A') + ".x", binding, 1000).ok()) << "oversized state is refused unread";
}

TEST_F(ServerCore, DeeplyNestedRequestStateIsRefusedNotDecoded) {
  // The attack that crashed the server: base64 of JSON nested 200k deep (533 KB).
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  json capable = meta({{"elicitation", json::object()}});
  json r = call("tools/call", {{"name", "greet_user_v1"}, {"_meta", capable}, {"requestState", base64url_encode(deep)}});
  EXPECT_EQ(error_code(r), jsonrpc::kInvalidParams) << r;
  EXPECT_FALSE(jsonrpc::parse_untrusted(deep).has_value()) << "the shared untrusted parser bounds depth";
  EXPECT_TRUE(jsonrpc::parse_untrusted("[[1]]").has_value());
}

TEST_F(ServerCore, LogsOnlyForRequestsThatAskAndListensUntilCancelled) {
  call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 1}, {"step_ms", 0}}}, {"_meta", meta()}});
  EXPECT_TRUE(out.sent.empty()) << out.sent.size();
  json asking = meta();
  asking[protocol::kMetaLogLevel] = "debug";
  call("tools/call", {{"name", "slow_operation_v1"}, {"arguments", {{"steps", 1}, {"step_ms", 0}}}, {"_meta", asking}});
  ASSERT_EQ(out.sent.size(), 1u);
  EXPECT_EQ(out.sent[0]["method"], "notifications/message");

  std::optional<json> listened;
  std::thread listener([&] {
    listened = call("subscriptions/listen", {{"notifications", {{"toolsListChanged", true}}}, {"_meta", meta()}}, "sub");
  });
  for (int i = 0; i < 100 && out.sent.size() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  notify("notifications/cancelled", {{"requestId", "sub"}});
  listener.join();
  ASSERT_EQ(out.sent.size(), 2u);
  EXPECT_EQ(out.sent[1]["method"], "notifications/subscriptions/acknowledged");
  EXPECT_EQ(out.sent[1]["params"]["_meta"][protocol::kMetaSubscriptionId], "sub");
  EXPECT_EQ(out.sent[1]["params"]["notifications"], json::object()) << "list_changed is not offered, so not agreed";
  EXPECT_TRUE(listened->is_null()) << "a cancelled subscription gets no response";
}

TEST(SessionCancellation, ACancellationThatOvertakesItsRequestStillCancelsIt) {
  // stdio runs long requests on workers: notifications/cancelled can arrive before the worker starts it.
  Session session("stdio");
  session.cancel_request(7);
  EXPECT_TRUE(session.track_request(7)->load());
  EXPECT_FALSE(session.track_request(7)->load()) << "remembered once, not for every later request with that id";
  EXPECT_FALSE(session.track_request(8)->load());
}

TEST(RequestHeaders, EncodesUnsafeValuesAndDecodesThemBack) {
  EXPECT_EQ(encode_header_value("get_weather"), "get_weather");
  EXPECT_EQ(encode_header_value("file:///a b.txt"), "file:///a b.txt");
  for (std::string unsafe : {std::string(" padded"), std::string("caf\xc3\xa9"), std::string("=?base64?abc?="), std::string("a\nb")}) {
    std::string encoded = encode_header_value(unsafe);
    EXPECT_EQ(encoded.rfind("=?base64?", 0), 0u) << unsafe;
    EXPECT_EQ(decode_header_value(encoded), unsafe);
  }
  EXPECT_FALSE(decode_header_value("=?base64?!!!?=").has_value());
  // Canonical padding only (the SEP-2243 test cases): "Hello" is SGVsbG8=.
  EXPECT_EQ(decode_header_value("=?base64?SGVsbG8=?="), "Hello");
  for (std::string malformed : {"=?base64?SGVsbG8?=", "=?base64?SGVsbG8==?=", "=?base64?SGV=bG8=?=", "=?base64?SGVs!!!bG8=?="}) {
    EXPECT_FALSE(decode_header_value(malformed).has_value()) << malformed;
  }
  EXPECT_EQ(encode_header_value(""), "=?base64?" "?=") << "empty headers are dropped by many HTTP stacks";
  EXPECT_EQ(decode_header_value("=?base64?" "?="), "");
  EXPECT_EQ(mcp_name_source("resources/read", {{"uri", "x://y"}}), "x://y");
  EXPECT_EQ(mcp_name_source("tools/list", {{"name", "n"}}), std::nullopt);
}

TEST(RequestHeaders, FindsHeaderParametersThroughPropertiesOnly) {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}},
                   {"query", {{"type", "string"}}},
                   {"target", {{"type", "object"}, {"properties", {{"shard", {{"type", "integer"}, {"x-mcp-header", "Shard"}}}}}}}}}};
  HeaderParameters found = header_parameters(schema);
  EXPECT_EQ(found.invalid, "");
  ASSERT_EQ(found.parameters.size(), 2u);
  EXPECT_EQ(found.parameters[0].header(), "Mcp-Param-Region");
  EXPECT_EQ(found.parameters[1].path, (std::vector<std::string>{"target", "shard"}));
  json arguments = {{"region", "us-west1"}, {"target", {{"shard", 42}}}};
  EXPECT_EQ(header_parameter_text(found.parameters[0], arguments), "us-west1");
  EXPECT_EQ(header_parameter_text(found.parameters[1], arguments), "42");
  EXPECT_EQ(header_parameter_text(found.parameters[0], {{"region", nullptr}}), std::nullopt);
  EXPECT_EQ(header_parameter_text(found.parameters[1], {{"region", "x"}}), std::nullopt);
  EXPECT_TRUE(header_parameter_matches(found.parameters[1], "42.0", arguments)) << "integers compare numerically";
  EXPECT_FALSE(header_parameter_matches(found.parameters[1], "43", arguments));
  EXPECT_FALSE(header_parameter_matches(found.parameters[1], "42abc", arguments));
  EXPECT_FALSE(header_parameter_matches(found.parameters[0], "us-east1", arguments));
  EXPECT_FALSE(header_parameter_matches(found.parameters[0], "us-west1", json::object())) << "no body value to match";
}

TEST(RequestHeaders, RejectsDeclarationsTheSpecForbids) {
  auto invalid = [](json property) {
    return header_parameters({{"type", "object"}, {"properties", {{"p", property}}}}).invalid;
  };
  EXPECT_NE(invalid({{"type", "number"}, {"x-mcp-header", "P"}}), "");
  EXPECT_NE(invalid({{"type", "string"}, {"x-mcp-header", ""}}), "");
  EXPECT_NE(invalid({{"type", "string"}, {"x-mcp-header", "Two Words"}}), "");
  EXPECT_NE(invalid({{"type", "string"}, {"x-mcp-header", "Line\r\nBreak"}}), "");
  EXPECT_NE(invalid({{"type", "array"}, {"items", {{"type", "string"}, {"x-mcp-header", "Item"}}}}), "");
  EXPECT_NE(invalid({{"anyOf", {{{"type", "string"}, {"x-mcp-header", "Either"}}}}}), "");
  json twice = {{"type", "object"},
                {"properties", {{"a", {{"type", "string"}, {"x-mcp-header", "Region"}}},
                                {"b", {{"type", "string"}, {"x-mcp-header", "REGION"}}}}}};
  EXPECT_NE(header_parameters(twice).invalid.find("declared twice"), std::string::npos);
  EXPECT_EQ(invalid({{"type", "boolean"}, {"x-mcp-header", "Dry-Run"}}), "");
}

TEST(RequestHeaders, TheHarnessMirrorsListedHeaderParametersIntoItsToolCalls) {
  harness::ToolHeaderBook book;
  book.learn({{"tools",
               {{{"name", "route_v1"},
                 {"inputSchema", {{"type", "object"}, {"properties", {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}}}}}}},
                {{"name", "broken_v1"},
                 {"inputSchema", {{"type", "object"},
                                  {"properties", {{"a", {{"type", "string"}, {"x-mcp-header", "Dup"}}},
                                                  {"b", {{"type", "string"}, {"x-mcp-header", "DUP"}}}}}}}}}}});
  json call = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
               {"params", {{"name", "route_v1"}, {"arguments", {{"region", "Zürich"}}}}}};
  auto headers = harness::request_metadata_headers(call, &book);
  EXPECT_EQ(headers["Mcp-Name"], "route_v1");
  ASSERT_TRUE(headers.count("Mcp-Param-Region")) << "the listed tool's parameter is mirrored";
  EXPECT_EQ(decode_header_value(headers["Mcp-Param-Region"]), "Zürich") << "non-ASCII values are Base64-encoded";
  call["params"]["arguments"] = json::object();
  EXPECT_FALSE(harness::request_metadata_headers(call, &book).count("Mcp-Param-Region")) << "no value, no header";
  EXPECT_TRUE(book.parameters("broken_v1").empty()) << "a tool with an invalid declaration is left out";
  EXPECT_FALSE(harness::request_metadata_headers(call).count("Mcp-Param-Region")) << "no book, no parameters";
}

}  // namespace
}  // namespace mcp::server
