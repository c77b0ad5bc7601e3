#include "harness/telemetry/otlp_receiver.h"

#include <httplib.h>

#include <thread>

#include "mcp/base64.h"
#include "mcp/json_rpc.h"

namespace mcp::harness {

using json = nlohmann::json;

namespace {

constexpr std::size_t kMaxSpans = 20000;

// OTLP/JSON carries ids as hex; protobuf's JSON mapping would make them base64.
std::string id_hex(const json& value, std::size_t bytes) {
  if (!value.is_string()) return {};
  std::string text = value.get<std::string>();
  if (text.size() == bytes * 2) return text;
  auto raw = base64_decode(text);
  if (!raw || raw->size() != bytes) return text;
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : *raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

json attribute_value(const json& value) {
  if (!value.is_object() || value.empty()) return nullptr;
  // An AnyValue has one member; iterate by iterator (items() would hand out a proxy that dies here).
  auto member = value.begin();
  const std::string& type = member.key();
  const json& v = member.value();
  if (type == "intValue") return v.is_string() ? json(std::stoll(v.get<std::string>())) : v;
  return v;  // stringValue, boolValue, doubleValue (arrays and maps kept as they are)
}

std::uint64_t nanos(const json& v) {
  try {
    return v.is_string() ? std::stoull(v.get<std::string>()) : v.get<std::uint64_t>();
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<ReceivedSpan> parse_otlp_json(const json& request) {
  std::vector<ReceivedSpan> out;
  for (const json& rs : request.value("resourceSpans", json::array())) {
    std::string service;
    for (const json& a : rs.value("resource", json::object()).value("attributes", json::array())) {
      if (a.value("key", "") == "service.name") service = attribute_value(a.value("value", json())).dump();
    }
    if (service.size() >= 2 && service.front() == '"') service = service.substr(1, service.size() - 2);
    for (const json& ss : rs.value("scopeSpans", json::array())) {
      for (const json& s : ss.value("spans", json::array())) {
        ReceivedSpan span;
        span.trace_id = id_hex(s.value("traceId", json()), 16);
        span.span_id = id_hex(s.value("spanId", json()), 8);
        span.parent_span_id = id_hex(s.value("parentSpanId", json()), 8);
        span.name = s.value("name", "");
        span.service = service;
        span.kind = s.value("kind", 0);
        span.start_unix_nano = nanos(s.value("startTimeUnixNano", json(0)));
        span.end_unix_nano = nanos(s.value("endTimeUnixNano", json(0)));
        for (const json& a : s.value("attributes", json::array())) span.attributes[a.value("key", "")] = attribute_value(a.value("value", json()));
        span.status_code = s.value("status", json::object()).value("code", 0);
        out.push_back(std::move(span));
      }
    }
  }
  return out;
}

struct OtlpReceiver::Impl {
  httplib::Server http;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<ReceivedSpan> spans;
  std::size_t requests = 0;
  // A wait ran out before any span ever arrived: the server exports none, and later
  // waits return at once (one wait per run, not one per check).
  mutable bool waited_in_vain = false;
};

OtlpReceiver::OtlpReceiver() : impl_(std::make_unique<Impl>()) {}

StatusOr<std::shared_ptr<OtlpReceiver>> OtlpReceiver::start() {
  std::shared_ptr<OtlpReceiver> receiver(new OtlpReceiver());
  Impl& impl = *receiver->impl_;
  impl.http.set_tcp_nodelay(true);
  impl.http.set_payload_max_length(16 * 1024 * 1024);
  impl.http.Post("/v1/traces", [&impl](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
      res.status = 415;
      res.set_content(R"j({"error":"this receiver takes OTLP/HTTP with JSON encoding (application/json)"})j", "application/json");
      return;
    }
    json body = jsonrpc::parse_untrusted_value(req.body);
    if (body.is_discarded()) {
      res.status = 400;
      return;
    }
    std::vector<ReceivedSpan> spans = parse_otlp_json(body);
    {
      std::lock_guard<std::mutex> lock(impl.mutex);
      ++impl.requests;
      for (ReceivedSpan& s : spans) {
        if (impl.spans.size() < kMaxSpans) impl.spans.push_back(std::move(s));
      }
    }
    impl.arrived.notify_all();
    res.set_content("{}", "application/json");
  });
  impl.port = impl.http.bind_to_any_port("127.0.0.1");
  if (impl.port <= 0) return unavailable("cannot bind the OTLP receiver on 127.0.0.1");
  impl.thread = std::thread([&impl] { impl.http.listen_after_bind(); });
  // stop() before the listener runs would be lost and the join would hang: wait for it.
  for (int i = 0; i < 2000 && !impl.http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return receiver;
}

OtlpReceiver::~OtlpReceiver() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string OtlpReceiver::endpoint() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

std::vector<ReceivedSpan> OtlpReceiver::spans() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->spans;
}

std::size_t OtlpReceiver::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

std::vector<ReceivedSpan> OtlpReceiver::wait_for_trace(const std::string& trace_id,
                                                       const std::function<bool(const std::vector<ReceivedSpan>&)>& done,
                                                       std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(impl_->mutex);
  std::vector<ReceivedSpan> matching;
  if (impl_->waited_in_vain && impl_->spans.empty()) return matching;
  for (;;) {
    matching.clear();
    for (const ReceivedSpan& s : impl_->spans) {
      if (s.trace_id == trace_id) matching.push_back(s);
    }
    if (done(matching)) return matching;
    if (impl_->arrived.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (impl_->spans.empty()) impl_->waited_in_vain = true;
      matching.clear();
      for (const ReceivedSpan& s : impl_->spans) {
        if (s.trace_id == trace_id) matching.push_back(s);
      }
      return matching;
    }
  }
}

bool OtlpReceiver::nothing_ever_arrived() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->waited_in_vain && impl_->spans.empty();
}

}  // namespace mcp::harness
