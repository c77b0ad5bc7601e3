#include "reference-server/observability/otlp_exporter.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>

#include "reference-server/core/event_log.h"

namespace mcp::server::obs {

using json = nlohmann::json;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// "k1=v1,k2=v2" as the OTEL_* list variables use it.
std::map<std::string, std::string> parse_pairs(const std::string& text) {
  std::map<std::string, std::string> pairs;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t eq = item.find('=');
    if (eq != std::string::npos && eq > 0) pairs[item.substr(0, eq)] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return pairs;
}

json attribute_value(const json& v) {
  if (v.is_boolean()) return {{"boolValue", v.get<bool>()}};
  if (v.is_number_integer()) return {{"intValue", std::to_string(v.get<long long>())}};
  if (v.is_number()) return {{"doubleValue", v.get<double>()}};
  if (v.is_string()) return {{"stringValue", v.get<std::string>()}};
  return {{"stringValue", v.dump()}};
}

json attributes(const json& object) {
  json list = json::array();
  for (const auto& [key, value] : object.items()) list.push_back({{"key", key}, {"value", attribute_value(value)}});
  return list;
}

}  // namespace

std::optional<OtlpOptions> OtlpOptions::from_environment() {
  if (env("OTEL_SDK_DISABLED") == "true" || env("OTEL_TRACES_EXPORTER") == "none") return std::nullopt;
  OtlpOptions options;
  options.endpoint = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  if (options.endpoint.empty()) {
    std::string base = env("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (base.empty()) return std::nullopt;
    if (!base.empty() && base.back() == '/') base.pop_back();
    options.endpoint = base + "/v1/traces";
  }
  std::string protocol = env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
  if (protocol.empty()) protocol = env("OTEL_EXPORTER_OTLP_PROTOCOL");
  if (!protocol.empty() && protocol != "http/json") {
    log_event("warn", "otlp_protocol_unsupported", {{"protocol", protocol}, {"using", "http/json"}});
  }
  options.headers = parse_pairs(env("OTEL_EXPORTER_OTLP_HEADERS"));
  for (const auto& [k, v] : parse_pairs(env("OTEL_EXPORTER_OTLP_TRACES_HEADERS"))) options.headers[k] = v;
  for (const auto& [k, v] : parse_pairs(env("OTEL_RESOURCE_ATTRIBUTES"))) options.resource_attributes[k] = v;
  if (!env("OTEL_SERVICE_NAME").empty()) options.service_name = env("OTEL_SERVICE_NAME");
  auto millis = [](const std::string& text, std::chrono::milliseconds fallback) {
    try {
      return text.empty() ? fallback : std::chrono::milliseconds(std::stol(text));
    } catch (const std::exception&) {
      return fallback;
    }
  };
  options.schedule_delay = millis(env("OTEL_BSP_SCHEDULE_DELAY"), options.schedule_delay);
  options.export_timeout = millis(env("OTEL_EXPORTER_OTLP_TIMEOUT"), options.export_timeout);
  return options;
}

json otlp_json(const std::deque<Span>& spans, const OtlpOptions& options) {
  json resource = options.resource_attributes;
  resource["service.name"] = options.service_name;
  json list = json::array();
  for (const Span& s : spans) {
    json span = {{"traceId", s.trace_id},
                 {"spanId", s.span_id},
                 {"name", s.name},
                 {"kind", static_cast<int>(s.kind)},
                 {"startTimeUnixNano", std::to_string(s.start_unix_nano)},
                 {"endTimeUnixNano", std::to_string(s.end_unix_nano)},
                 {"attributes", attributes(s.attributes)},
                 {"status", s.error ? json{{"code", 2}, {"message", s.status_message}} : json{{"code", 1}}}};
    if (!s.parent_span_id.empty()) span["parentSpanId"] = s.parent_span_id;
    list.push_back(std::move(span));
  }
  return {{"resourceSpans",
           {{{"resource", {{"attributes", attributes(resource)}}},
             {"scopeSpans", {{{"scope", {{"name", "mcp-reference-server"}, {"version", "0.1.0"}}}, {"spans", list}}}}}}}};
}

OtlpExporter::OtlpExporter(OtlpOptions options) : options_(std::move(options)), worker_([this] { run(); }) {}

OtlpExporter::~OtlpExporter() {
  flush(options_.export_timeout);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void OtlpExporter::export_span(Span span) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      ++counters_.dropped;
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() < options_.max_batch) return;
  }
  wake_.notify_one();
}

bool OtlpExporter::accepting() const {
  return std::chrono::steady_clock::now().time_since_epoch().count() >= shed_until_.load(std::memory_order_relaxed);
}

void OtlpExporter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (queue_.empty() && !sending_) return;
  flush_requested_ = true;
  wake_.notify_one();
  drained_.wait_for(lock, timeout, [this] { return queue_.empty() && !sending_; });
}

void OtlpExporter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.schedule_delay,
                   [this] { return stopping_ || flush_requested_ || queue_.size() >= options_.max_batch; });
    flush_requested_ = false;
    if (queue_.empty()) {
      drained_.notify_all();
      continue;
    }
    std::deque<Span> batch;
    while (!queue_.empty() && batch.size() < options_.max_batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    sending_ = true;
    lock.unlock();
    send(std::move(batch));
    lock.lock();
    sending_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
}

void OtlpExporter::send(std::deque<Span> batch) {
  std::size_t count = batch.size();
  auto now = std::chrono::steady_clock::now();
  if (now < retry_at_) {
    // The collector failed recently: shed the batch rather than pay to encode it again.
    counters_.dropped += count;
    return;
  }
  // scheme://host[:port]/path; the client wants the origin and the path apart.
  std::string url = options_.endpoint;
  std::size_t scheme_end = url.find("://");
  std::size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string origin = path_start == std::string::npos ? url : url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.export_timeout);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(options_.export_timeout - seconds);
  client.set_connection_timeout(seconds.count(), micros.count());
  client.set_read_timeout(seconds.count(), micros.count());
  client.set_write_timeout(seconds.count(), micros.count());
  httplib::Headers headers;
  for (const auto& [k, v] : options_.headers) headers.emplace(k, v);
  auto result = client.Post(path, headers, otlp_json(batch, options_).dump(), "application/json");
  if (result && result->status >= 200 && result->status < 300) {
    counters_.exported += count;
    backoff_ = std::chrono::milliseconds(0);
    shed_until_ = 0;
    return;
  }
  backoff_ = std::clamp(2 * backoff_, std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
  retry_at_ = std::chrono::steady_clock::now() + backoff_;
  shed_until_ = retry_at_.time_since_epoch().count();
  // Counted, and said once in a while; a dead collector must not flood the log either.
  if (counters_.failed_batches++ % 100 == 0) {
    log_event("warn", "otlp_export_failed",
              {{"endpoint", options_.endpoint}, {"spans", count},
               {"reason", result ? "HTTP " + std::to_string(result->status) : httplib::to_string(result.error())}});
  }
}

}  // namespace mcp::server::obs
