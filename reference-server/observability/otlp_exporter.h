// Exports spans with OTLP/HTTP (JSON encoding) to a collector, batched on a
// background thread. The queue is bounded: when the collector is slow or down,
// spans are dropped and counted, and tool calls never wait.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "mcp/status.h"
#include "reference-server/observability/tracing.h"

namespace mcp::server::obs {

struct OtlpOptions {
  std::string endpoint;  // full URL of the traces endpoint, e.g. http://127.0.0.1:4318/v1/traces
  std::map<std::string, std::string> headers;
  std::string service_name = "mcp-reference-server";
  nlohmann::json resource_attributes = nlohmann::json::object();
  std::size_t max_queue = 2048;
  std::size_t max_batch = 512;
  std::chrono::milliseconds schedule_delay{200};
  std::chrono::milliseconds export_timeout{2000};

  // From the standard OTEL_* variables; nullopt when tracing is off (no endpoint,
  // OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none).
  static std::optional<OtlpOptions> from_environment();
};

struct ExportCounters {
  std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> dropped{0};        // queue full, or shed while the collector was failing
  std::atomic<std::uint64_t> failed_batches{0};  // collector errors or unreachable
};

class OtlpExporter final : public SpanSink {
 public:
  explicit OtlpExporter(OtlpOptions options);
  ~OtlpExporter() override;  // flushes what it can within the export timeout
  void export_span(Span span) override;
  bool accepting() const override;  // false while batches are shed (the collector failed recently)
  void shed() override { ++counters_.dropped; }
  const ExportCounters& counters() const { return counters_; }
  // Blocks until the queue is empty or `timeout` passes (tests, shutdown).
  void flush(std::chrono::milliseconds timeout);

 private:
  void run();
  void send(std::deque<Span> batch);

  OtlpOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<Span> queue_;
  bool stopping_ = false;
  bool sending_ = false;
  bool flush_requested_ = false;
  // After a failed export, batches are shed until retry_at_; the wait doubles per
  // failure from 100 ms to 5 s (worker thread only).
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point retry_at_{};
  std::atomic<std::chrono::steady_clock::rep> shed_until_{0};  // retry_at_, for request threads
  ExportCounters counters_;
  std::thread worker_;
};

// The OTLP/JSON document for a batch of spans.
nlohmann::json otlp_json(const std::deque<Span>& spans, const OtlpOptions& options);

}  // namespace mcp::server::obs
