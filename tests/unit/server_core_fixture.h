// The reference server core in process with the demo catalogue: a session, an
// Outbound that keeps what the server sends, and helpers to call and notify.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "reference-server/core/server.h"
#include "reference-server/demo/demo.h"
#include "reference-server/storage/database.h"

namespace mcp::server {

using json = nlohmann::json;

class Collect final : public Outbound {
 public:
  void send(const json& message) override {
    std::lock_guard<std::mutex> lock(mutex);
    sent.push_back(message);
  }
  std::mutex mutex;
  std::vector<json> sent;
};

class ServerCore : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(register_demo_tools(server).ok());
    ASSERT_TRUE(register_demo_resources(server).ok());
    ASSERT_TRUE(register_demo_prompts(server).ok());
  }
  json call(const std::string& method, json params = json::object(), json id = 1) {
    auto response = server.handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(id, method, params)},
                                          session, out);
    return response.value_or(json());
  }
  void notify(const std::string& method, json params = json::object()) {
    server.handle_message(jsonrpc::Message{jsonrpc::Kind::kNotification, jsonrpc::make_notification(method, params)},
                          session, out);
  }
  json initialize(const std::string& version = "2025-11-25") {
    json r = call("initialize", {{"protocolVersion", version}, {"capabilities", json::object()}});
    notify("notifications/initialized");
    return r;
  }
  int error_code(const json& response) { return response.contains("error") ? response["error"]["code"].get<int>() : 0; }

  // Before the server: a task store on it must outlive the server's task workers.
  std::unique_ptr<Database> database;
  McpServer server;
  Session session{"test"};
  Collect out;
};

}  // namespace mcp::server
