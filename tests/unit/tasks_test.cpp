// Tasks in the server core, on a real SQLite store: the 2026-07-28 extension
// (CreateTaskResult, tasks/get, tasks/update, tasks/cancel, -32021 without it) and the
// 2025-11-25 utility (params.task, tasks/result, tasks/list, its error codes).
#include <thread>

#include "mcp/protocol_version.h"
#include "reference-server/conformance/conformance.h"
#include "reference-server/storage/sql_task_store.h"
#include "tests/unit/server_core_fixture.h"

namespace mcp::server {
namespace {

namespace protocol = mcp::protocol;

json with_tasks(const std::string& run = "alice") {
  return {{protocol::kMetaProtocolVersion, "2026-07-28"},
          {protocol::kMetaClientCapabilities, {{"elicitation", json::object()}, {"extensions", {{kTasksExtension, json::object()}}}}},
          {"dev.mcp-harness/run-id", run}};
}
json without_tasks() {
  return {{protocol::kMetaProtocolVersion, "2026-07-28"}, {protocol::kMetaClientCapabilities, json::object()}};
}

class Tasks : public ServerCore {
 protected:
  void SetUp() override {
    ServerCore::SetUp();
    auto opened = Database::open(":memory:");
    ASSERT_TRUE(opened.ok());
    database = std::move(opened).value();
    ASSERT_TRUE(register_task_fixtures(server.tools()).ok());
    server.enable_tasks(std::make_shared<SqlTaskStore>(*database), options());
  }
  virtual TaskOptions options() const { return {.ttl_ms = 60000, .poll_interval_ms = 100, .workers = 4, .max_unfinished_per_principal = 3}; }

  json start(const std::string& tool, json arguments, json meta = with_tasks()) {
    return call("tools/call", {{"name", tool}, {"arguments", std::move(arguments)}, {"_meta", std::move(meta)}});
  }
  json task_call(const std::string& method, const std::string& id, json extra = json::object(), json meta = with_tasks()) {
    json params = {{"taskId", id}, {"_meta", std::move(meta)}};
    params.update(extra);
    return call(method, params);
  }
  // Polls tasks/get until the task leaves `status`.
  json wait_while(const std::string& id, const std::string& status) {
    for (int i = 0; i < 500; ++i) {
      json got = task_call("tasks/get", id);
      if (!got.contains("result") || got["result"]["status"] != status) return got;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return json();
  }
};

TEST_F(Tasks, ATaskIsStoredBeforeItIsAnnouncedAndEndsCompletedWithTheResult) {
  json created = start("slow_compute", {{"seconds", 0.2}, {"label", "t"}});
  const json& task = created["result"];
  ASSERT_EQ(task["resultType"], "task") << created;
  EXPECT_EQ(task["status"], "working");
  EXPECT_EQ(task["pollIntervalMs"], 100);
  EXPECT_EQ(task["ttlMs"], 60000);
  EXPECT_FALSE(task.contains("result"));
  std::string id = task["taskId"];
  EXPECT_EQ(id.size(), 32u) << "128 random bits, hex";
  json got = task_call("tasks/get", id);  // durable before the CreateTaskResult: found at once
  ASSERT_TRUE(got.contains("result")) << got;
  json done = wait_while(id, "working");
  EXPECT_EQ(done["result"]["status"], "completed") << done;
  EXPECT_EQ(done["result"]["result"]["content"][0]["text"], "Computed t in 0 s");
  EXPECT_EQ(done["result"]["resultType"], "complete");
}

TEST_F(Tasks, OnlyItsPrincipalSeesATaskAndUnknownIdsAreInvalidParams) {
  std::string id = start("slow_compute", {{"seconds", 0.1}})["result"]["taskId"];
  EXPECT_EQ(error_code(task_call("tasks/get", id, json::object(), with_tasks("mallory"))), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(task_call("tasks/cancel", id, json::object(), with_tasks("mallory"))), jsonrpc::kInvalidParams);
  EXPECT_EQ(error_code(task_call("tasks/get", "0123456789abcdef0123456789abcdef")), jsonrpc::kInvalidParams);
  EXPECT_TRUE(task_call("tasks/get", id).contains("result"));
}

TEST_F(Tasks, WithoutTheExtensionNoTaskIsCreatedAndTasksMethodsAreRefused) {
  json sync = start("slow_compute", {{"seconds", 0}}, without_tasks());
  EXPECT_EQ(sync["result"]["content"][0]["text"], "Computed job in 0 s") << sync;
  json refused = start("failing_job", json::object(), without_tasks());
  EXPECT_EQ(error_code(refused), jsonrpc::kMissingRequiredClientCapability);
  EXPECT_TRUE(refused["error"]["data"]["requiredCapabilities"]["extensions"].contains(kTasksExtension)) << refused;
  for (const char* method : {"tasks/get", "tasks/update", "tasks/cancel"}) {
    EXPECT_EQ(error_code(task_call(method, "x", {{"inputResponses", json::object()}}, without_tasks())),
              jsonrpc::kMissingRequiredClientCapability) << method;
  }
  EXPECT_EQ(server.execution_counts().value("failing_job", 0), 0) << "refused before the handler";
}

TEST_F(Tasks, AToolErrorCompletesAndAProtocolErrorFails) {
  std::string tool_error = start("failing_job", json::object())["result"]["taskId"];
  std::string protocol_error = start("protocol_error_job", json::object())["result"]["taskId"];
  json completed = wait_while(tool_error, "working")["result"];
  EXPECT_EQ(completed["status"], "completed");
  EXPECT_EQ(completed["result"]["isError"], true);
  json failed = wait_while(protocol_error, "working")["result"];
  EXPECT_EQ(failed["status"], "failed") << failed;
  EXPECT_EQ(failed["error"]["code"], jsonrpc::kInternalError);
  EXPECT_FALSE(failed.contains("result"));
}

TEST_F(Tasks, QuestionsInsideATaskWaitForTasksUpdateOneKeyAtATime) {
  std::string id = start("multi_input", json::object())["result"]["taskId"];
  json asked = wait_while(id, "working")["result"];
  ASSERT_EQ(asked["status"], "input_required") << asked;
  ASSERT_EQ(asked["inputRequests"].size(), 2u);
  auto answer = [](const char* name) { return json{{"action", "accept"}, {"content", {{"name", name}}}}; };
  json ack = task_call("tasks/update", id, {{"inputResponses", {{"first", answer("Ada")}, {"never-asked", answer("x")}}}});
  EXPECT_EQ(ack["result"]["resultType"], "complete") << ack;
  EXPECT_FALSE(ack["result"].contains("status")) << "an empty acknowledgement";
  json partial = task_call("tasks/get", id)["result"];
  EXPECT_EQ(partial["status"], "input_required");
  EXPECT_FALSE(partial["inputRequests"].contains("first"));
  EXPECT_TRUE(partial["inputRequests"].contains("second"));
  task_call("tasks/update", id, {{"inputResponses", {{"second", answer("Grace")}}}});
  json done = wait_while(id, "working")["result"];
  EXPECT_EQ(done["result"]["content"][0]["text"], "Got Ada and Grace") << done;
}

TEST_F(Tasks, CancellingStopsTheWorkAndAFinishedTaskStaysAsItIs) {
  std::string id = start("slow_compute", {{"seconds", 60}})["result"]["taskId"];
  auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(task_call("tasks/cancel", id)["result"]["resultType"], "complete");
  EXPECT_EQ(task_call("tasks/get", id)["result"]["status"], "cancelled");
  std::string quick = start("slow_compute", {{"seconds", 0.05}})["result"]["taskId"];
  ASSERT_EQ(wait_while(quick, "working")["result"]["status"], "completed");
  EXPECT_EQ(task_call("tasks/cancel", quick)["result"]["resultType"], "complete") << "acknowledged";
  EXPECT_EQ(task_call("tasks/get", quick)["result"]["status"], "completed") << "and left as it was";
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
}

TEST_F(Tasks, AnswersGatheredBeforeTheTaskTravelIntoIt) {
  json round1 = start("test_tool_with_task", json::object());
  ASSERT_EQ(round1["result"]["resultType"], "input_required") << round1;
  json retry = call("tools/call", {{"name", "test_tool_with_task"}, {"arguments", json::object()}, {"_meta", with_tasks()},
                                   {"inputResponses", {{"user_name", {{"action", "accept"}, {"content", {{"name", "Alice"}}}}}}},
                                   {"requestState", round1["result"]["requestState"]}});
  ASSERT_EQ(retry["result"]["resultType"], "task") << retry;
  EXPECT_FALSE(retry["result"].contains("requestState"));
  json done = wait_while(retry["result"]["taskId"], "working")["result"];
  EXPECT_EQ(done["result"]["content"][0]["text"], "Hello, Alice!") << done;
}

TEST_F(Tasks, ACallerHasABoundedNumberOfUnfinishedTasks) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(start("slow_compute", {{"seconds", 60}})["result"]["resultType"], "task");
  json fourth = start("slow_compute", {{"seconds", 60}});
  EXPECT_EQ(fourth["result"]["isError"], true) << fourth;
  EXPECT_EQ(start("slow_compute", {{"seconds", 60}}, with_tasks("bob"))["result"]["resultType"], "task") << "per caller";
}

class ShortLivedTasks : public Tasks {
  TaskOptions options() const override { return {.ttl_ms = 200, .poll_interval_ms = 50}; }
};

TEST_F(ShortLivedTasks, ATaskIsGoneAfterItsTtl) {
  std::string id = start("slow_compute", {{"seconds", 0.01}})["result"]["taskId"];
  EXPECT_TRUE(task_call("tasks/get", id).contains("result"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(error_code(task_call("tasks/get", id)), jsonrpc::kInvalidParams);
}

// 2025-11-25: the experimental utility.
class LegacyTasks : public Tasks {
 protected:
  void SetUp() override {
    Tasks::SetUp();
    json init = call("initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()}});
    ASSERT_TRUE(init["result"]["capabilities"]["tasks"]["requests"]["tools"].contains("call")) << init;
    notify("notifications/initialized");
  }
};

TEST_F(LegacyTasks, AugmentedCallsBecomeTasksWhoseResultWaitsForTheEnd) {
  json created = call("tools/call", {{"name", "slow_compute"}, {"arguments", {{"seconds", 0.2}}}, {"task", {{"ttl", 30000}}}});
  const json& task = created["result"]["task"];
  ASSERT_TRUE(task.contains("taskId")) << created;
  EXPECT_EQ(task["ttl"], 30000) << "the requested ttl, under the server's own";
  EXPECT_TRUE(task.contains("pollInterval"));
  std::string id = task["taskId"];
  json result = call("tasks/result", {{"taskId", id}});  // blocks until the task ends
  EXPECT_EQ(result["result"]["content"][0]["text"], "Computed job in 0 s") << result;
  EXPECT_EQ(result["result"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], id);
  json list = call("tasks/list");
  ASSERT_EQ(list["result"]["tasks"].size(), 1u) << list;
  EXPECT_EQ(list["result"]["tasks"][0]["status"], "completed");
  EXPECT_EQ(error_code(call("tasks/cancel", {{"taskId", id}})), jsonrpc::kInvalidParams) << "finished tasks refuse cancellation";
}

TEST_F(LegacyTasks, TaskSupportIsListedAndEnforcedWithMethodNotFound) {
  bool listed = false;
  for (json cursor = nullptr;;) {
    json page = call("tools/list", cursor.is_null() ? json::object() : json{{"cursor", cursor}});
    for (const json& tool : page["result"]["tools"]) {
      if (tool["name"] == "failing_job") listed = tool["execution"]["taskSupport"] == "required";
      if (tool["name"] == "greet") {
        EXPECT_FALSE(tool.contains("execution"));
      }
    }
    if (!page["result"].contains("nextCursor")) break;
    cursor = page["result"]["nextCursor"];
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(error_code(call("tools/call", {{"name", "failing_job"}, {"arguments", json::object()}})), jsonrpc::kMethodNotFound);
  EXPECT_EQ(error_code(call("tools/call", {{"name", "greet"}, {"arguments", json::object()}, {"task", json::object()}})),
            jsonrpc::kMethodNotFound);
}

TEST_F(LegacyTasks, AToolErrorIsAFailedTaskWhoseResultIsTheToolResult) {
  std::string id = call("tools/call", {{"name", "failing_job"}, {"arguments", json::object()}, {"task", json::object()}})["result"]["task"]["taskId"];
  json result = call("tasks/result", {{"taskId", id}});
  EXPECT_EQ(result["result"]["isError"], true) << result;
  EXPECT_EQ(call("tasks/get", {{"taskId", id}})["result"]["status"], "failed");
}

// 2025-11-25: a task's question goes to the client as a request on the tasks/result
// stream, tagged with the task, and the answer lets the task finish.
TEST_F(Tasks, ALegacyTasksQuestionIsAskedOnTheTasksResultStream) {
  call("initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", {{"elicitation", json::object()}}}});
  notify("notifications/initialized");
  json created = call("tools/call", {{"name", "confirm_delete"}, {"arguments", {{"filename", "a.txt"}}}, {"task", json::object()}});
  std::string id = created["result"]["task"]["taskId"];
  json result;
  std::thread waiting([&] { result = call("tasks/result", {{"taskId", id}}, 7); });
  json asked;
  for (int i = 0; i < 500 && asked.is_null(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::lock_guard<std::mutex> lock(out.mutex);
    for (const json& sent : out.sent) {
      if (sent.value("method", "") == "elicitation/create") asked = sent;
    }
  }
  ASSERT_FALSE(asked.is_null()) << "the task's question was never sent";
  EXPECT_EQ(asked["params"]["_meta"]["io.modelcontextprotocol/related-task"]["taskId"], id);
  json answer = jsonrpc::make_result(asked["id"], {{"action", "accept"}, {"content", {{"confirm", true}}}});
  server.handle_message(jsonrpc::Message{jsonrpc::Kind::kResult, answer}, session, out);
  waiting.join();
  EXPECT_EQ(result["result"]["content"][0]["text"], "Deleted a.txt") << result;
}

}  // namespace
}  // namespace mcp::server

namespace mcp::server {
namespace {

// subscriptions/listen watches at most 100 tasks, and looks up at most 1,000 of the
// ids it is sent: a client cannot make one subscription poll the store without end.
TEST_F(Tasks, AListenWatchesABoundedNumberOfTasks) {
  json ids = json::array();
  for (int i = 0; i < 1200; ++i) ids.push_back("unknown-" + std::to_string(i));  // looked up, found nowhere
  std::vector<std::string> mine;
  for (int i = 0; i < 101; ++i) {
    json created = start("slow_compute", {{"seconds", 0.001}});
    ASSERT_EQ(created["result"]["resultType"], "task") << created;
    mine.push_back(created["result"]["taskId"]);
    wait_while(mine.back(), "working");  // at most 3 unfinished at once
  }
  auto acknowledged_ids = [&](const json& task_ids) {
    {
      std::lock_guard<std::mutex> lock(out.mutex);
      out.sent.clear();
    }
    std::thread listener([&] { call("subscriptions/listen", {{"notifications", {{"taskIds", task_ids}}}, {"_meta", with_tasks()}}, "sub"); });
    json agreed;
    for (int i = 0; i < 300 && agreed.is_null(); ++i) {
      {
        std::lock_guard<std::mutex> lock(out.mutex);
        for (const json& m : out.sent) {
          if (m.value("method", "") == "notifications/subscriptions/acknowledged") agreed = m["params"]["notifications"]["taskIds"];
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    notify("notifications/cancelled", {{"requestId", "sub"}});
    listener.join();
    return agreed;
  };
  json all_mine(mine);
  json agreed = acknowledged_ids(all_mine);
  ASSERT_EQ(agreed.size(), 100u) << "101 tasks asked for, 100 watched";
  EXPECT_EQ(agreed[0], mine[0]);
  json unknown_first = ids;
  unknown_first.insert(unknown_first.end(), all_mine.begin(), all_mine.end());
  EXPECT_EQ(acknowledged_ids(unknown_first).size(), 0u) << "the lookups stop after 1,000 ids";
}

}  // namespace
}  // namespace mcp::server
