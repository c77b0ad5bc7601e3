// An OTLP/HTTP receiver (JSON encoding) on loopback: servers the harness starts
// export their spans here (OTEL_EXPORTER_OTLP_ENDPOINT), and checks wait for them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::harness {

struct ReceivedSpan {
  std::string trace_id, span_id, parent_span_id, name, service;
  int kind = 0;  // 1 internal, 2 server, 3 client, ...
  std::uint64_t start_unix_nano = 0, end_unix_nano = 0;
  nlohmann::json attributes = nlohmann::json::object();  // key -> string, number or bool
  int status_code = 0;
};

// Parses an OTLP/JSON ExportTraceServiceRequest (hex or base64 ids).
std::vector<ReceivedSpan> parse_otlp_json(const nlohmann::json& request);

class OtlpReceiver {
 public:
  static StatusOr<std::shared_ptr<OtlpReceiver>> start();
  ~OtlpReceiver();
  std::string endpoint() const;  // http://127.0.0.1:PORT (the OTEL_EXPORTER_OTLP_ENDPOINT value)

  std::vector<ReceivedSpan> spans() const;
  // Waits until `done` holds for the spans of `trace_id`, or the deadline; returns them either way.
  // Once a wait has run out with no span received at all, later waits return at once.
  std::vector<ReceivedSpan> wait_for_trace(const std::string& trace_id,
                                           const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
                                           std::chrono::milliseconds timeout) const;
  std::size_t requests() const;
  // True once a wait ran out and no span has arrived since the run began.
  bool nothing_ever_arrived() const;

 private:
  OtlpReceiver();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcp::harness
