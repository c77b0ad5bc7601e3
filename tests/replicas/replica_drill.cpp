// The kill-a-replica drill of ci/replicas.sh, through the load balancer:
//  writes: --writers threads create --writes invoices, each with its own idempotency
//    key, retrying a failed call (the balancer's 502 while a replica dies, a dropped
//    connection) with the same key until it succeeds; after --kill-after writes it
//    runs --kill. Every key must end with exactly one invoice: the script counts them
//    in PostgreSQL afterwards.
//  handover: starts a task on one replica directly (--task-url), runs --kill-task,
//    and polls the task through the balancer until another replica has completed it.
// Prints one JSON object with what it measured; exits 1 when a write or the task failed.
#include <CLI/CLI.hpp>

#include <atomic>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "harness/client/http_connection.h"
#include "harness/client/mcp_client.h"
#include "harness/client/task_requests.h"
#include "mcp/protocol_version.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace mcp;

std::unique_ptr<harness::McpClient> connect(const std::string& url, harness::Transcript& transcript) {
  auto parsed = harness::parse_http_url(url);
  if (!parsed.ok()) return nullptr;
  auto client = std::make_unique<harness::McpClient>(
      std::make_unique<harness::HttpConnection>(*parsed, transcript, std::chrono::seconds(10)), nullptr, std::chrono::seconds(10));
  // 2026-07-28 is stateless: any replica answers any request.
  return client->handshake("2026-07-28").ok() ? std::move(client) : nullptr;
}

json request_meta(const std::string& run) {
  return {{protocol::kMetaClientCapabilities, {{"extensions", {{harness::kTasksExtension, json::object()}}}}},
          {"dev.mcp-harness/run-id", run}};
}

struct WriteTally {
  std::atomic<int> done{0}, retries{0}, replayed{0}, failed{0};
  std::mutex mutex;
  std::set<long long> invoice_ids;
  std::vector<std::string> errors;  // the first few, for the report
};

void write_invoices(const std::string& url, const std::string& run, int from, int to, int kill_after, const std::string& kill,
                    std::atomic<bool>& killed, WriteTally& tally) {
  harness::Transcript transcript;
  auto client = connect(url, transcript);
  for (int i = from; i < to; ++i) {
    json args = {{"customer", run}, {"currency", "EUR"},
                 {"line_items", {{{"description", "drill"}, {"quantity", 1}, {"unit_cents", 100 + i}}}},
                 {"idempotency_key", run + "-" + std::to_string(i)}};
    bool written = false;
    for (auto deadline = Clock::now() + std::chrono::seconds(30); !written && Clock::now() < deadline;) {
      if (!client) client = connect(url, transcript);
      StatusOr<json> response = client ? client->request("tools/call", {{"name", "create_invoice_v2"}, {"arguments", args},
                                                                         {"_meta", request_meta(run)}})
                                       : unavailable("cannot connect");
      const json* result = response.ok() && response->contains("result") ? &(*response)["result"] : nullptr;
      if (result && !result->value("isError", false)) {
        written = true;
        if ((*result)["structuredContent"].value("replayed", false)) ++tally.replayed;
        std::lock_guard<std::mutex> lock(tally.mutex);
        tally.invoice_ids.insert((*result)["structuredContent"]["invoice_id"].get<long long>());
        break;
      }
      ++tally.retries;
      {
        std::lock_guard<std::mutex> lock(tally.mutex);
        if (tally.errors.size() < 5) tally.errors.push_back(response.ok() ? response->dump().substr(0, 300) : response.status().to_string());
      }
      client.reset();  // a fresh connection for the retry
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!written) ++tally.failed;
    if (++tally.done == kill_after && !kill.empty() && !killed.exchange(true)) {
      std::thread([kill] { (void)std::system(kill.c_str()); }).detach();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kill-a-replica drill: idempotent writes and a task handover through a load balancer"};
  std::string url, task_url, kill, kill_task, run = "drill-" + std::to_string(::getpid());
  int writers = 4, writes = 200, kill_after = 60, task_sections = 6, task_section_ms = 500;
  app.add_option("--url", url, "The balancer's MCP endpoint")->required();
  app.add_option("--run", run, "Run id: the invoices' customer and the keys' prefix");
  app.add_option("--writers", writers, "Concurrent writers");
  app.add_option("--writes", writes, "Invoices to create in all");
  app.add_option("--kill-after", kill_after, "Run --kill once this many writes are done");
  app.add_option("--kill", kill, "Shell command that kills a replica during the writes");
  app.add_option("--task-url", task_url, "A replica's own endpoint: the task starts there");
  app.add_option("--kill-task", kill_task, "Shell command that kills that replica once the task runs");
  CLI11_PARSE(app, argc, argv);

  json report = {{"run", run}};
  bool ok = true;

  WriteTally tally;
  std::atomic<bool> killed{false};
  auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    int from = writes * w / writers, to = writes * (w + 1) / writers;
    threads.emplace_back(write_invoices, url, run, from, to, kill_after, kill, std::ref(killed), std::ref(tally));
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  report["writes"] = {{"asked", writes}, {"succeeded", writes - tally.failed.load()}, {"failed", tally.failed.load()},
                      {"retries", tally.retries.load()}, {"replayed", tally.replayed.load()},
                      {"distinct_invoices", tally.invoice_ids.size()}, {"seconds", seconds},
                      {"replica_killed", killed.load()}, {"first_errors", tally.errors}};
  ok = ok && tally.failed == 0 && static_cast<int>(tally.invoice_ids.size()) == writes;

  if (!task_url.empty()) {
    harness::Transcript transcript;
    json handover = {{"started_on", task_url}};
    auto direct = connect(task_url, transcript);
    auto balanced = connect(url, transcript);
    std::string task_id;
    if (direct && balanced) {
      auto created = direct->request("tools/call", harness::task_call_params(*direct, "build_report_v1",
                                                                             {{"topic", run}, {"sections", task_sections}, {"section_ms", task_section_ms}},
                                                                             request_meta(run)));
      json task = created.ok() ? harness::created_task(*direct, created->value("result", json())) : json();
      if (task.is_object()) task_id = task.value("taskId", "");
      handover["created"] = created.ok() ? *created : json(created.status().to_string());
    }
    if (!task_id.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(task_section_ms));
      if (!kill_task.empty()) (void)std::system(kill_task.c_str());
      auto killed_at = Clock::now();
      std::string status;
      for (auto deadline = killed_at + std::chrono::seconds(60); Clock::now() < deadline;) {
        auto got = balanced->request("tasks/get", {{"taskId", task_id}, {"_meta", request_meta(run)}});
        status = got.ok() && got->contains("result") ? (*got)["result"].value("status", "") : "";
        if (status == "completed" || status == "failed" || status == "cancelled") {
          handover["result"] = (*got)["result"].value("result", json());
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      handover["task_id"] = task_id;
      handover["status"] = status;
      handover["seconds_after_kill"] = std::chrono::duration<double>(Clock::now() - killed_at).count();
      ok = ok && status == "completed";
    } else {
      ok = false;
    }
    report["handover"] = handover;
  }
  report["ok"] = ok;
  std::cout << report.dump(2) << std::endl;
  return ok ? 0 : 1;
}
