// The assembled reference server in process: storage, domain tools, and the
// versioning filter's lifecycle rules.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "reference-server/app/app.h"
#include "reference-server/filters/versioning/versioning_filter.h"

namespace mcp::server {
namespace {

using json = nlohmann::json;

class ReferenceAppTest : public ::testing::Test {
 protected:
  void start(AppConfig config = {}) {
    if (config.today.empty()) config.today = "2026-11-26";
    auto created = ReferenceApp::create(config);
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    app_ = std::move(created).value();
    request("initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()}});
  }
  json request(const std::string& method, json params) {
    auto r = app_->server().handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(++id_, method, params)},
                                           session_, out_);
    return r.value_or(json());
  }
  json call(const std::string& tool, json args) {
    return request("tools/call", {{"name", tool}, {"arguments", std::move(args)}})["result"];
  }
  json listed(const std::string& tool) {
    json params = json::object();
    for (;;) {
      json page = request("tools/list", params)["result"];
      for (const json& t : page["tools"]) if (t["name"] == tool) return t;
      if (!page.contains("nextCursor")) return json();
      params = {{"cursor", page["nextCursor"]}};
    }
  }

  std::unique_ptr<ReferenceApp> app_;
  Session session_{"test"};
  DiscardOutbound out_;
  int id_ = 0;
};

TEST_F(ReferenceAppTest, MigrationsRunAndTheDomainWorks) {
  start();
  EXPECT_EQ(app_->database().schema_version(), 4) << "4: task leases";
  json invoice = call("create_invoice_v2", {{"customer", "ACME"}, {"currency", "GBP"},
                                            {"line_items", {{{"description", "a"}, {"quantity", 2}, {"unit_cents", 5}},
                                                            {{"description", "b"}, {"quantity", 1}, {"unit_cents", 7}}}},
                                            {"idempotency_key", "x"}});
  ASSERT_FALSE(invoice.value("isError", false)) << invoice.dump();
  long long id = invoice["structuredContent"]["invoice_id"];
  json fetched = call("get_invoice_v1", {{"invoice_id", id}})["structuredContent"];
  EXPECT_EQ(fetched["total_cents"], 17);
  EXPECT_EQ(fetched["line_items"].size(), 2u);
  EXPECT_EQ(call("get_invoice_v1", {{"invoice_id", 999}})["structuredContent"]["code"], "not_found");
  json replay = call("create_invoice_v2", {{"customer", "ACME"}, {"currency", "GBP"},
                                           {"line_items", {{{"description", "a"}, {"quantity", 2}, {"unit_cents", 5}},
                                                           {{"description", "b"}, {"quantity", 1}, {"unit_cents", 7}}}},
                                           {"idempotency_key", "x"}});
  EXPECT_EQ(replay["structuredContent"]["invoice_id"], id);
  EXPECT_EQ(replay["structuredContent"]["replayed"], true);
}

TEST_F(ReferenceAppTest, InvoicesAndIdempotencyKeysBelongToTheirPrincipal) {
  start();
  session_.set_principal("alice");
  json line = {{{"description", "a"}, {"quantity", 1}, {"unit_cents", 100}}};
  json mine = call("create_invoice_v2", {{"customer", "ACME"}, {"currency", "EUR"}, {"line_items", line}, {"idempotency_key", "k"}});
  long long invoice = mine["structuredContent"]["invoice_id"];

  Session other("other");
  auto as_bob = [&](const std::string& tool, json args) {
    return app_->server()
        .handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest,
                                         jsonrpc::make_request(++id_, "tools/call", {{"name", tool}, {"arguments", args}})},
                        other, out_)
        .value_or(json())["result"];
  };
  other.set_principal("bob");
  (void)app_->server().handle_message(
      jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(++id_, "initialize", {{"protocolVersion", "2025-11-25"},
                                                                                            {"capabilities", json::object()}})},
      other, out_);
  json replayed = as_bob("create_invoice_v2", {{"customer", "ACME"}, {"currency", "EUR"}, {"line_items", line}, {"idempotency_key", "k"}});
  EXPECT_FALSE(replayed["structuredContent"]["replayed"].get<bool>()) << "bob's key k is not alice's key k: " << replayed;
  EXPECT_NE(replayed["structuredContent"]["invoice_id"], invoice) << "bob must not receive alice's invoice";
  EXPECT_EQ(as_bob("get_invoice_v1", {{"invoice_id", invoice}})["structuredContent"]["code"], "not_found");
  EXPECT_EQ(as_bob("list_invoices_v1", json::object())["structuredContent"]["invoices"].size(), 1u) << "only bob's own";
  EXPECT_EQ(call("get_invoice_v1", {{"invoice_id", invoice}})["structuredContent"]["total_cents"], 100);
}

TEST_F(ReferenceAppTest, ARunsBudgetBelongsToThePrincipalThatNamesIt) {
  // Gateway or OAuth: bob naming alice's run id must not spend alice's budget.
  AppConfig config;
  config.limits = {{"budget", {{"units", 3}}}};
  start(config);
  auto call_as = [&](Session& session, const std::string& run) {
    json params = {{"name", "echo_v1"}, {"arguments", {{"message", "x"}}}, {"_meta", {{"dev.mcp-harness/run-id", run}}}};
    return app_->server()
        .handle_message(jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(++id_, "tools/call", params)}, session, out_)
        .value_or(json())["result"];
  };
  Session alice("a"), bob("b");
  alice.set_principal("alice");
  bob.set_principal("bob");
  for (Session* s : {&alice, &bob}) {
    (void)app_->server().handle_message(
        jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(++id_, "initialize", {{"protocolVersion", "2025-11-25"},
                                                                                              {"capabilities", json::object()}})},
        *s, out_);
  }
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(call_as(bob, "shared-run").value("isError", false)) << "bob's call " << i;
  json refused = call_as(bob, "shared-run");
  EXPECT_EQ(refused["structuredContent"]["code"], "budget_exhausted") << refused;
  EXPECT_FALSE(call_as(alice, "shared-run").value("isError", false)) << "bob spent alice's run budget";
}

// The limits filter says it refused (FilterVerdict::refuse); telemetry does not guess
// from the result. 2025-03-26 has no structuredContent, so a guess from the result's
// code would count the refusal as a tool error and charge its cost.
TEST_F(ReferenceAppTest, ARefusalIsCountedAsRefusedAndCostsNothingOnEveryRevision) {
  for (const char* version : {"2025-03-26", "2025-11-25"}) {
    AppConfig config;
    config.limits = {{"budget", {{"units", 2}}}};
    start(config);
    Session session("old-revision");
    auto send = [&](const std::string& method, json params) {
      jsonrpc::Message message{jsonrpc::Kind::kRequest, jsonrpc::make_request(++id_, method, std::move(params))};
      return app_->server().handle_message(message, session, out_).value_or(json());
    };
    send("initialize", {{"protocolVersion", version}, {"capabilities", json::object()}});
    auto echo = [&] { return send("tools/call", {{"name", "echo_v1"}, {"arguments", {{"message", "x"}}}})["result"]; };
    for (int i = 0; i < 2; ++i) EXPECT_FALSE(echo().value("isError", false)) << version;
    json refused = echo();
    ASSERT_TRUE(refused.value("isError", false)) << version << ": " << refused;
    EXPECT_EQ(refused.contains("structuredContent"), std::string(version) != "2025-03-26") << refused;
    // The fixture's own session spent nothing: every call above is the old-revision session's.
    std::string metrics = app_->metrics();
    EXPECT_NE(metrics.find("mcp_tool_calls_total{tool=\"echo_v1\",outcome=\"refused\"} 1\n"), std::string::npos)
        << version << "\n" << metrics;
    EXPECT_NE(metrics.find("mcp_tool_calls_total{tool=\"echo_v1\",outcome=\"ok\"} 2\n"), std::string::npos) << metrics;
    EXPECT_EQ(metrics.find("outcome=\"tool_error\""), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("mcp_tool_cost_units_total{tool=\"echo_v1\"} 2\n"), std::string::npos) << metrics;
    // The filter's own counter, bumped where it decided.
    EXPECT_NE(metrics.find("mcp_limits_refused_total{reason=\"budget_exhausted\"} 1\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("mcp_limits_refused_total{reason=\"rate_limited\"} 0\n"), std::string::npos) << metrics;
  }
}

TEST_F(ReferenceAppTest, ATaskCostsItsCallOnceAndIsRefusedWhenTheBudgetIsSpent) {
  AppConfig config;
  config.limits = {{"budget", {{"units", 2}}}};
  start(config);
  json meta = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
               {"io.modelcontextprotocol/clientCapabilities", {{"extensions", {{kTasksExtension, json::object()}}}}},
               {"dev.mcp-harness/run-id", "task-budget"}};
  auto start_report = [&] {
    return request("tools/call", {{"name", "build_report_v1"}, {"arguments", {{"topic", "q"}, {"section_ms", 0}}}, {"_meta", meta}});
  };
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    json created = start_report();
    ASSERT_EQ(created["result"]["resultType"], "task") << created;
    ids.push_back(created["result"]["taskId"]);
  }
  json refused = start_report();
  EXPECT_EQ(refused["result"]["isError"], true) << "a task is a call: the budget refuses the third" << refused;
  EXPECT_FALSE(refused["result"].contains("taskId"));
  // Polling is not a call: it spends nothing, and the tasks finish.
  for (const std::string& id : ids) {
    json got;
    for (int i = 0; i < 200; ++i) {
      got = request("tasks/get", {{"taskId", id}, {"_meta", meta}});
      if (got["result"]["status"] != "working") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(got["result"]["status"], "completed") << got;
  }
  EXPECT_NE(app_->metrics().find("mcp_tool_cost_units_total{tool=\"build_report_v1\"} 2\n"), std::string::npos) << app_->metrics();
}

TEST_F(ReferenceAppTest, ListInvoicesPaginatesWithItsOwnCursor) {
  start();
  for (int i = 0; i < 5; ++i) {
    call("create_invoice_v1", {{"customer", "C"}, {"amount_cents", i}, {"idempotency_key", "k" + std::to_string(i)}});
  }
  json first = call("list_invoices_v1", {{"limit", 2}})["structuredContent"];
  ASSERT_EQ(first["invoices"].size(), 2u);
  EXPECT_EQ(first["invoices"][0]["total_cents"], 4) << "newest first";
  json rest = call("list_invoices_v1", {{"limit", 10}, {"cursor", first["next_cursor"]}})["structuredContent"];
  EXPECT_EQ(rest["invoices"].size(), 3u);
  EXPECT_FALSE(rest.contains("next_cursor"));
  EXPECT_EQ(call("list_invoices_v1", {{"cursor", "garbage"}})["structuredContent"]["code"], "invalid_cursor");
}

TEST_F(ReferenceAppTest, TicketsUpdateAndRefuseEmptyOrMissingUpdates) {
  start();
  long long id = call("create_ticket_v1", {{"title", "Printer on fire"}, {"idempotency_key", "t1"}})["structuredContent"]["ticket_id"];
  json updated = call("update_ticket_v1", {{"ticket_id", id}, {"status", "resolved"}, {"idempotency_key", "u1"}});
  EXPECT_EQ(updated["structuredContent"]["status"], "resolved");
  EXPECT_EQ(updated["structuredContent"]["priority"], "normal");
  EXPECT_EQ(call("update_ticket_v1", {{"ticket_id", id}, {"idempotency_key", "u2"}})["structuredContent"]["code"], "invalid_arguments");
  EXPECT_EQ(call("update_ticket_v1", {{"ticket_id", 4242}, {"status", "open"}, {"idempotency_key", "u3"}})["structuredContent"]["code"],
            "not_found");
  EXPECT_EQ(call("search_tickets_v2", {{"query", "fire"}, {"status", "resolved"}})["structuredContent"]["total"], 1);
}

TEST_F(ReferenceAppTest, LifecycleIsPublishedAndEnforced) {
  start();
  EXPECT_EQ(listed("search_tickets_v2")["_meta"][kLifecycleMetaKey], json({{"status", "current"}, {"version", 2}}));
  EXPECT_EQ(listed("search_tickets_v1")["_meta"][kLifecycleMetaKey]["status"], "deprecated");
  json deprecated = call("search_tickets_v1", {{"query", "x"}});
  EXPECT_FALSE(deprecated.value("isError", false));
  EXPECT_EQ(deprecated["_meta"][kDeprecationMetaKey]["replacement"], "search_tickets_v2");
  json retired = call("search_tickets_v0", {{"query", "x"}});
  EXPECT_TRUE(retired["isError"].get<bool>());
  EXPECT_EQ(retired["structuredContent"]["code"], "tool_retired");
  EXPECT_EQ(retired["structuredContent"]["replacement"], "search_tickets_v2");
}

TEST_F(ReferenceAppTest, ADeprecatedVersionPastItsSunsetActsRetired) {
  AppConfig config;
  config.today = "2027-07-01";  // after search_tickets_v1's sunset
  start(config);
  EXPECT_EQ(call("search_tickets_v1", {{"query", "x"}})["structuredContent"]["code"], "tool_retired");
}

TEST_F(ReferenceAppTest, OperatorsDeprecateByConfiguration) {
  AppConfig config;
  config.tool_lifecycle = {{"echo_v1", {{"status", "deprecated"}, {"sunset", "2027-01-01"}, {"replacement", "add_v1"}}}};
  start(config);
  EXPECT_EQ(listed("echo_v1")["_meta"][kLifecycleMetaKey]["status"], "deprecated");
  EXPECT_TRUE(call("echo_v1", {{"message", "hi"}})["_meta"].contains(kDeprecationMetaKey));
}

TEST(VersioningConfig, RefusesInconsistentSchedules) {
  ToolRegistry tools;
  auto handler = [](ToolContext&) { return text_result(""); };
  ASSERT_TRUE(tools.add({.name = "a_v1"}, handler).ok());
  ASSERT_TRUE(tools.add({.name = "a_v2"}, handler).ok());
  auto bad = [&](json config) { return !VersioningConfig::create(config, tools, "2026-11-26").ok(); };
  EXPECT_TRUE(bad({{"nope_v1", {{"status", "current"}}}}));
  EXPECT_TRUE(bad({{"a_v1", {{"status", "sunsetting"}}}}));
  EXPECT_TRUE(bad({{"a_v1", {{"status", "deprecated"}, {"replacement", "a_v2"}}}}));
  EXPECT_TRUE(bad({{"a_v1", {{"status", "deprecated"}, {"sunset", "soon"}, {"replacement", "a_v2"}}}}));
  EXPECT_TRUE(bad({{"a_v1", {{"status", "deprecated"}, {"sunset", "2027-01-01"}, {"replacement", "a_v9"}}}}));
  EXPECT_TRUE(bad({{"a_v1", {{"status", "deprecated"}, {"sunset", "2027-01-01"}, {"replacement", "a_v2"}}},
                   {"a_v2", {{"status", "retired"}, {"sunset", "2026-01-01"}, {"replacement", "a_v1"}}}}));
  EXPECT_FALSE(bad({{"a_v1", {{"status", "deprecated"}, {"sunset", "2027-01-01"}, {"replacement", "a_v2"}}}}));
  EXPECT_EQ(tool_version("create_invoice_v12").value_or(0), 12);
  EXPECT_FALSE(tool_version("create_invoice").has_value());
}

TEST(AppConfigFile, RejectsUnknownSettings) {
  std::string path = "/tmp/mcp-app-config-test.json";
  std::ofstream(path) << R"({"database": ":memory:", "page_size": 4, "typo": 1})";
  AppConfig config;
  EXPECT_FALSE(load_config_file(path, config).ok());
  std::ofstream(path) << R"({"database": "/tmp/x.db", "page_size": 4})";
  EXPECT_TRUE(load_config_file(path, config).ok());
  EXPECT_EQ(config.database, "/tmp/x.db");
  EXPECT_EQ(config.server.page_size, 4u);
  std::remove(path.c_str());
}

// Telemetry reads names and URIs from every request before the core validates them:
// a mistyped member must cost the request an error, never throw out of the server.
TEST_F(ReferenceAppTest, MistypedNamesAndUrisAreInvalidParamsNotExceptions) {
  start();
  for (const auto& [method, params] : std::vector<std::pair<std::string, json>>{
           {"tools/call", {{"name", 5}}}, {"tools/call", {{"name", nullptr}}}, {"prompts/get", {{"name", json::array()}}},
           {"resources/read", {{"uri", 7}}}, {"resources/subscribe", {{"uri", false}}}}) {
    json response;
    EXPECT_NO_THROW(response = request(method, params)) << method << " " << params.dump();
    EXPECT_EQ(response["error"]["code"], jsonrpc::kInvalidParams) << method << " " << params.dump();
  }
  EXPECT_EQ(call("echo_v1", {{"message", "still serving"}})["structuredContent"]["message"], "still serving");
}

}  // namespace
}  // namespace mcp::server

namespace mcp::server {
namespace {

// A filter that says it waits on I/O, as the limits filter does on Redis.
class BlockingFilter final : public ToolCallFilter {
 public:
  std::string_view name() const override { return "blocking"; }
  FilterVerdict on_call(const ToolCall&) override { return FilterVerdict::proceed(); }
  bool may_block() const override { return true; }
};

TEST_F(ReferenceAppTest, OnlyToolsThatNeverBlockRunOnTheReadingThread) {
  start();
  auto message = [](const std::string& method, json params) {
    return jsonrpc::Message{jsonrpc::Kind::kRequest, jsonrpc::make_request(1, method, std::move(params))};
  };
  McpServer& server = app_->server();
  EXPECT_TRUE(server.runs_inline(message("tools/call", {{"name", "echo_v1"}})));
  EXPECT_FALSE(server.runs_inline(message("tools/call", {{"name", "create_invoice_v2"}}))) << "writes to the database";
  EXPECT_FALSE(server.runs_inline(message("tools/call", {{"name", "build_report_v1"}}))) << "may become a task";
  EXPECT_FALSE(server.runs_inline(message("tools/call", {{"name", "no_such_tool"}})));
  EXPECT_FALSE(server.runs_inline(message("tools/call", {{"name", 7}})));
  EXPECT_FALSE(server.runs_inline(message("prompts/get", {{"name", "echo_v1"}})));
  server.filters().add(std::make_unique<BlockingFilter>());
  EXPECT_FALSE(server.runs_inline(message("tools/call", {{"name", "echo_v1"}}))) << "a filter may wait on I/O";
}

}  // namespace
}  // namespace mcp::server

namespace mcp::server {
namespace {

TEST_F(ReferenceAppTest, IsReadyWhenItsDatabaseAndFiltersAnswer) {
  start();
  EXPECT_TRUE(app_->readiness().ok()) << app_->readiness().to_string();
}

}  // namespace
}  // namespace mcp::server
