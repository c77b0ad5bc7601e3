#include "harness/load/load.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "harness/engine/stats.h"

namespace mcp::harness {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json request_params(const LoadOptions& options) {
  if (options.method != "tools/call") return json::object();
  return {{"name", options.tool}, {"arguments", options.arguments}};
}

// A reply counts only if it is the right shape: a result, and for tools a non-error one.
std::string verify(const json& response, const LoadOptions& options) {
  if (!response.contains("result")) return "error reply: " + response.dump().substr(0, 200);
  if (options.method == "tools/call" && response["result"].value("isError", false)) {
    return "tool error: " + response["result"].dump().substr(0, 200);
  }
  return "";
}

struct Tally {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  long long failures = 0;
  std::string first_failure;
  void record(Clock::time_point sent, Clock::time_point measured_from, const std::string& failure) {
    auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mutex);
    if (!failure.empty()) {
      ++failures;
      if (first_failure.empty()) first_failure = failure;
      return;
    }
    if (sent >= measured_from) latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
  }
};

// One session, requests pipelined up to in_flight.
Status drive_pipelined(McpClient& client, const LoadOptions& options, Clock::time_point measured_from, Clock::time_point end,
                       Tally& tally) {
  json params = request_params(options);
  std::map<long long, Clock::time_point> outstanding;
  long long next_id = 1'000'000;
  while (Clock::now() < end || !outstanding.empty()) {
    while (Clock::now() < end && static_cast<int>(outstanding.size()) < options.in_flight) {
      long long id = next_id++;
      outstanding.emplace(id, Clock::now());
      RETURN_IF_ERROR(client.send_request(id, options.method, params));
    }
    auto message = client.next_message(Clock::now() + std::chrono::seconds(10));
    if (!message.ok()) return message.status().with_context(std::to_string(outstanding.size()) + " requests unanswered");
    if (!message->contains("id") || message->contains("method") || !(*message)["id"].is_number_integer()) continue;
    auto it = outstanding.find((*message)["id"].get<long long>());
    if (it == outstanding.end()) continue;
    tally.record(it->second, measured_from, verify(*message, options));
    outstanding.erase(it);
  }
  return ok_status();
}

}  // namespace

StatusOr<LoadReport> run_load(const TargetConfig& target, const LoadOptions& options) {
  LoadReport report;
  report.target = target.describe();
  Tally tally;
  int workers = target.transport == kHttp ? std::max(1, options.connections) : 1;
  // Sessions first, so that initialization is not part of the measurement.
  std::vector<std::unique_ptr<Transcript>> transcripts;
  std::vector<std::unique_ptr<CheckContext>> contexts;
  std::vector<McpClient> clients;
  ViolationSink sink;  // unused: clients below validate nothing
  for (int i = 0; i < workers; ++i) {
    transcripts.push_back(std::make_unique<Transcript>());
    contexts.push_back(std::make_unique<CheckContext>(target, *transcripts.back(), sink));
    // No schema validation on this path: the driver must not be what limits the figure.
    ASSIGN_OR_RETURN(auto connection, contexts.back()->connect());
    McpClient client(std::move(connection), nullptr, target.timeout);
    auto initialized = client.handshake(target.protocol_version);
    if (!initialized.ok()) return initialized.status().with_context("initializing session " + std::to_string(i + 1));
    clients.push_back(std::move(client));
  }
  auto start = Clock::now();
  auto measured_from = start + options.warmup;
  auto end = measured_from + options.duration;
  std::vector<Status> results(workers);
  std::vector<std::thread> threads;
  LoadOptions per_worker = options;
  if (target.transport == kHttp) per_worker.in_flight = 1;  // an HTTP connection carries one request at a time
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] { results[i] = drive_pipelined(clients[i], per_worker, measured_from, end, tally); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) RETURN_IF_ERROR(s);
  report.seconds = std::chrono::duration<double>(options.duration).count();
  report.calls = static_cast<long long>(tally.latencies_ms.size());
  report.failures = tally.failures;
  report.first_failure = tally.first_failure;
  report.per_second = report.calls / report.seconds;
  report.p50_ms = percentile(tally.latencies_ms, 0.50);
  report.p90_ms = percentile(tally.latencies_ms, 0.90);
  report.p99_ms = percentile(tally.latencies_ms, 0.99);
  report.max_ms = percentile(tally.latencies_ms, 1.0);
  return report;
}

json load_report_json(const LoadReport& r) {
  return {{"target", r.target}, {"calls", r.calls},       {"failures", r.failures}, {"seconds", r.seconds},
          {"per_second", r.per_second}, {"p50_ms", r.p50_ms}, {"p90_ms", r.p90_ms}, {"p99_ms", r.p99_ms},
          {"max_ms", r.max_ms}, {"first_failure", r.first_failure}};
}

}  // namespace mcp::harness
