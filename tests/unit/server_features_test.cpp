// Server features beyond tools, in process: completion, resource subscriptions,
// binary resources, requests to the client (sampling, elicitation) and the
// official conformance suite's fixtures.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "reference-server/conformance/conformance.h"
#include "reference-server/wire/legacy/legacy_wire.h"
#include "tests/unit/server_core_fixture.h"

namespace mcp::server {
namespace {

using namespace std::chrono_literals;

TEST_F(ServerCore, CompletesPromptArgumentsAndTemplateVariablesByPrefix) {
  initialize();
  json r = call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "greeting"}}},
                                        {"argument", {{"name", "name"}, {"value", "Gr"}}}});
  EXPECT_EQ(r["result"]["completion"]["values"], json({"Grace", "Grete"}));
  EXPECT_EQ(r["result"]["completion"]["total"], 2);
  EXPECT_EQ(r["result"]["completion"]["hasMore"], false);
  r = call("completion/complete", {{"ref", {{"type", "ref/resource"}, {"uri", "mcp-ref://notes/{name}"}}},
                                   {"argument", {{"name", "name"}, {"value", ""}}}});
  EXPECT_EQ(r["result"]["completion"]["values"], json({"alpha", "beta", "gamma"}));
  // An argument without candidates completes to nothing; unknown refs are invalid params.
  r = call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "summarize"}}},
                                   {"argument", {{"name", "text"}, {"value", "x"}}}});
  EXPECT_EQ(r["result"]["completion"]["values"], json::array());
  EXPECT_EQ(error_code(call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "nope"}}},
                                                   {"argument", {{"name", "x"}, {"value", ""}}}})),
            jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(call("completion/complete", {{"ref", {{"type", "ref/prompt"}, {"name", "greeting"}}}})),
            jsonrpc::kInvalidParams);
}

TEST(CompleteFrom, CapsValuesAtOneHundredAndReportsTheRest) {
  std::vector<std::string> many;
  for (int i = 0; i < 150; ++i) many.push_back("v" + std::to_string(i));
  json completion = complete_from(many, "v");
  EXPECT_EQ(completion["values"].size(), 100u);
  EXPECT_EQ(completion["total"], 150);
  EXPECT_EQ(completion["hasMore"], true);
}

TEST_F(ServerCore, DeclaresCompletionsOnlyWhereTheRevisionHasTheCapability) {
  EXPECT_TRUE(initialize("2025-03-26")["result"]["capabilities"].contains("completions"));
  Session old("old");
  auto r = server.handle_message(
      jsonrpc::Message{jsonrpc::Kind::kRequest,
                       jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2024-11-05"}, {"capabilities", json::object()}})},
      old, out);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE((*r)["result"]["capabilities"].contains("completions"));
  EXPECT_EQ((*r)["result"]["capabilities"]["resources"]["subscribe"], true);
}

TEST_F(ServerCore, SubscribesToKnownResourcesOnly) {
  initialize();
  EXPECT_EQ(call("resources/subscribe", {{"uri", "mcp-ref://docs/readme"}})["result"], json::object());
  EXPECT_TRUE(session.subscribed("mcp-ref://docs/readme"));
  EXPECT_EQ(call("resources/unsubscribe", {{"uri", "mcp-ref://docs/readme"}})["result"], json::object());
  EXPECT_FALSE(session.subscribed("mcp-ref://docs/readme"));
  EXPECT_EQ(error_code(call("resources/subscribe", {{"uri", "mcp-ref://no/such"}})), jsonrpc::kResourceNotFound);
  EXPECT_EQ(error_code(call("resources/subscribe")), jsonrpc::kInvalidParams);
}

TEST_F(ServerCore, ServesBinaryResourcesAsBase64Blobs) {
  initialize();
  json contents = call("resources/read", {{"uri", "mcp-ref://docs/logo.png"}})["result"]["contents"];
  ASSERT_EQ(contents.size(), 1u);
  EXPECT_EQ(contents[0]["mimeType"], "image/png");
  EXPECT_EQ(contents[0]["blob"], kOnePixelPngBase64);
  EXPECT_FALSE(contents[0].contains("text"));
}

// Answers every request the server sends with `answer`, as a client would on its next message.
class AnsweringClient final : public Outbound {
 public:
  AnsweringClient(McpServer& server, Session& session, std::function<json(const json& request)> answer)
      : server_(server), session_(session), answer_(std::move(answer)) {}
  void send(const json& message) override {
    if (!message.contains("method") || !message.contains("id")) return;
    requests.push_back(message);
    json response = answer_(message);
    // A different thread, as on a real transport where the answer is a separate message.
    answering_.emplace_back([this, response] {
      auto parsed = jsonrpc::classify(response);
      server_.handle_message(std::get<jsonrpc::Message>(parsed), session_, *this);
    });
  }
  ~AnsweringClient() override {
    for (std::thread& t : answering_) t.join();
  }
  std::vector<json> requests;

 private:
  std::vector<std::thread> answering_;
  McpServer& server_;
  Session& session_;
  std::function<json(const json&)> answer_;
};

class ConformanceFixtures : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(register_conformance_fixtures(server).ok()); }
  json initialize(json client_capabilities) {
    return handle(jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", client_capabilities}}));
  }
  json handle(json message, Outbound* sink = nullptr) {
    auto parsed = jsonrpc::classify(message);
    return server.handle_message(std::get<jsonrpc::Message>(parsed), session, sink ? *sink : out).value_or(json());
  }
  json call_tool(const std::string& name, json arguments, Outbound& sink) {
    return handle(jsonrpc::make_request(7, "tools/call", {{"name", name}, {"arguments", arguments}}), &sink);
  }
  McpServer server;
  Session session{"conformance"};
  Collect out;
};

TEST_F(ConformanceFixtures, SamplingAsksTheClientAndReportsItsAnswer) {
  initialize({{"sampling", json::object()}});
  AnsweringClient client(server, session, [](const json& request) {
    return jsonrpc::make_result(request["id"], {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "42"}}},
                                                {"model", "test"}});
  });
  json r = call_tool("test_sampling", {{"prompt", "meaning of life?"}}, client);
  ASSERT_EQ(client.requests.size(), 1u);
  EXPECT_EQ(client.requests[0]["method"], "sampling/createMessage");
  EXPECT_EQ(client.requests[0]["params"]["messages"][0]["content"]["text"], "meaning of life?");
  EXPECT_EQ(r["result"]["content"][0]["text"], "LLM response: 42");
}

TEST_F(ConformanceFixtures, ElicitationRelaysTheUsersAnswerAndClientRefusalsBecomeToolErrors) {
  initialize({{"elicitation", json::object()}});
  AnsweringClient accepting(server, session, [](const json& request) {
    return jsonrpc::make_result(request["id"], {{"action", "accept"}, {"content", {{"username", "ada"}}}});
  });
  json r = call_tool("test_elicitation", {{"message", "who are you?"}}, accepting);
  ASSERT_EQ(accepting.requests.size(), 1u);
  EXPECT_EQ(accepting.requests[0]["params"]["requestedSchema"]["required"], json({"username", "email"}));
  EXPECT_EQ(r["result"]["content"][0]["text"], R"(User response: action=accept, content={"username":"ada"})");

  AnsweringClient refusing(server, session, [](const json& request) {
    return jsonrpc::make_error(request["id"], jsonrpc::kInvalidRequest, "no UI here");
  });
  r = call_tool("test_elicitation", {{"message", "who are you?"}}, refusing);
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_NE(r["result"]["content"][0]["text"].get<std::string>().find("no UI here"), std::string::npos);
}

TEST_F(ConformanceFixtures, ClientWithoutTheCapabilityGetsAToolErrorAndNoRequest) {
  initialize(json::object());
  AnsweringClient client(server, session, [](const json& request) { return jsonrpc::make_result(request["id"], json::object()); });
  json r = call_tool("test_sampling", {{"prompt", "hi"}}, client);
  EXPECT_TRUE(client.requests.empty());
  EXPECT_EQ(r["result"]["isError"], true);
}

TEST(ClientRequests, TimesOutAndIgnoresStrayAnswers) {
  ClientRequests requests;
  Collect sent;
  auto result = requests.call(sent, "roots/list", json::object(), 50ms, nullptr);
  ASSERT_EQ(sent.sent.size(), 1u);
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  // The late answer finds nobody waiting and is dropped.
  auto late = jsonrpc::classify(jsonrpc::make_result(sent.sent[0]["id"], json::object()));
  EXPECT_FALSE(requests.resolve(std::get<jsonrpc::Message>(late)));
}

TEST(ClientRequests, CancellationAndSessionEndStopTheWait) {
  ClientRequests requests;
  Collect sent;
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  auto waiting = std::async(std::launch::async, [&] { return requests.call(sent, "roots/list", json::object(), 10s, cancelled); });
  std::this_thread::sleep_for(20ms);
  cancelled->store(true);
  EXPECT_EQ(waiting.get().status().code(), StatusCode::kFailedPrecondition);

  auto closing = std::async(std::launch::async, [&] { return requests.call(sent, "roots/list", json::object(), 10s, nullptr); });
  std::this_thread::sleep_for(20ms);
  requests.close();
  EXPECT_EQ(closing.get().status().code(), StatusCode::kFailedPrecondition);
}

json batch_answer(McpServer& server, Session& session, Outbound& out, const std::string& text) {
  auto batch = jsonrpc::parse_batch(text);
  EXPECT_TRUE(batch.has_value()) << text;
  return batch ? handle_batch(server, *batch, session, out).value_or(json()) : json();
}

TEST_F(ServerCore, BatchesAreServedOn20250326Only) {
  const std::string pings = R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},)"
                            R"({"jsonrpc":"1.0","id":3,"method":"ping"}])";
  initialize("2025-03-26");
  json answer = batch_answer(server, session, out, pings);
  ASSERT_TRUE(answer.is_array()) << answer.dump();
  ASSERT_EQ(answer.size(), 2u);  // the notification gets no answer
  EXPECT_EQ(answer[0]["id"], 1);
  EXPECT_EQ(answer[0]["result"], json::object());
  EXPECT_EQ(answer[1]["error"]["code"], jsonrpc::kInvalidRequest);
  EXPECT_EQ(batch_answer(server, session, out, R"([{"jsonrpc":"2.0","id":9,"method":"initialize","params":{}}])")[0]["error"]["code"],
            jsonrpc::kInvalidRequest);
  EXPECT_EQ(batch_answer(server, session, out, "[]")["error"]["code"], jsonrpc::kInvalidRequest);
  EXPECT_TRUE(batch_answer(server, session, out, R"([{"jsonrpc":"2.0","method":"notifications/x"}])").is_null());

  Session later("later");
  server.handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest,
                                         jsonrpc::make_request(1, "initialize", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}})},
                        later, out);
  json refused = batch_answer(server, later, out, pings);
  EXPECT_FALSE(refused.is_array());
  EXPECT_EQ(refused["error"]["code"], jsonrpc::kInvalidRequest);
  EXPECT_FALSE(jsonrpc::parse_batch(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").has_value());
  EXPECT_FALSE(jsonrpc::parse_batch("[1, 2").has_value());
}

}  // namespace
}  // namespace mcp::server
