#include "reference-server/transport/http/legacy_endpoint.h"

#include <algorithm>

#include "reference-server/transport/http/inflight_limiter.h"
#include "reference-server/transport/http/sse_writer.h"
#include "reference-server/wire/legacy/legacy_wire.h"

namespace mcp::server::http {

using json = nlohmann::json;

std::shared_ptr<HttpSession> LegacyEndpoint::admit(Exchange& x) {
  std::shared_ptr<HttpSession> session = context_.sessions.find(x);
  if (!session) return nullptr;
  const HttpPolicy& policy = context_.policy();
  std::string header = header_value(x.req, "MCP-Protocol-Version");
  if (header.empty() && policy.requires_protocol_version_header) {
    ++version_refused_;
    reply_error(x.res, 400, jsonrpc::kInvalidRequest, "Bad Request: MCP-Protocol-Version header is required");
    return nullptr;
  }
  // Any revision this server speaks is acceptable, not only the negotiated one: the spec
  // refuses "invalid or unsupported" versions, and SDK clients send a default on side requests.
  const auto& supported = context_.server.supported_versions();
  if (!header.empty() && policy.checks_protocol_version_header &&
      std::find(supported.begin(), supported.end(), header) == supported.end()) {
    ++version_refused_;
    reply_error(x.res, 400, jsonrpc::kInvalidRequest, "Bad Request: unsupported MCP-Protocol-Version " + header);
    return nullptr;
  }
  return session;
}

void LegacyEndpoint::post_batch(Exchange& x, const std::vector<jsonrpc::ParseOutcome>& batch) {
  auto hs = admit(x);
  if (!hs) return;
  if (batch.size() > context_.options.max_batch_items) {
    ++batch_too_large_;
    reply_error(x.res, 413, jsonrpc::kInvalidRequest,
                "Batch too large: at most " + std::to_string(context_.options.max_batch_items) + " messages");
    return;
  }
  hs->used = true;
  for (const jsonrpc::ParseOutcome& item : batch) {
    const auto* message = std::get_if<jsonrpc::Message>(&item);
    if (message && tool_scope_.check(x, *message, /*audit_allowed=*/false) == Step::kRespond) return;
  }
  ChannelOutbound out(*hs);
  std::optional<json> response = handle_batch(context_.server, batch, hs->session, out);
  if (!response) {
    x.res.status = context_.policy().accepted_status;
    return;
  }
  // A refused batch is one error object.
  reply_json(x.res, response->is_array() ? 200 : 400, *response, context_.policy().json_content_type);
}

void LegacyEndpoint::post(Exchange& x, const jsonrpc::Message& message, std::shared_ptr<void> slot) {
  const HttpPolicy& policy = context_.policy();
  bool initializing = message.is_request() && message.method() == "initialize";
  std::shared_ptr<HttpSession> hs = initializing ? context_.sessions.open(x) : admit(x);
  if (!hs) return;
  if (!initializing && message.is_request()) hs->used = true;
  if (tool_scope_.check(x, message) == Step::kRespond) return;
  if (!message.is_request()) {
    ChannelOutbound out(*hs);
    (void)context_.server.handle_message(message, hs->session, out);
    x.res.status = policy.accepted_status;
    return;
  }
  if (!initializing && message.method() == "tools/call" && policy.streams_tool_calls) {
    // Tool calls stream: progress and log notifications precede the response.
    return stream_answer(context_, x.res, hs, message, std::move(slot));
  }
  ChannelOutbound out(*hs);
  std::optional<json> response = context_.server.handle_message(message, hs->session, out);
  if (initializing && response && response->contains("result")) {
    context_.sessions.add(hs);
    x.res.set_header("Mcp-Session-Id", hs->session.id());
  }
  answer(x, response);
}

void LegacyEndpoint::answer(Exchange& x, const std::optional<json>& response) {
  const HttpPolicy& policy = context_.policy();
  if (!response) {
    x.res.status = policy.accepted_status;
    return;
  }
  std::optional<RawHttpAnswer> raw = policy.raw_answer ? policy.raw_answer(*response) : std::nullopt;
  if (raw && !raw->plain_text.empty()) {
    x.res.status = raw->status;
    if (!raw->retry_after.empty()) x.res.set_header("Retry-After", raw->retry_after);
    x.res.set_content(raw->plain_text, "text/plain");
    return;
  }
  reply_json(x.res, raw ? raw->status : 200, *response, policy.json_content_type);
}

void LegacyEndpoint::get(Exchange& x) {
  const HttpPolicy& policy = context_.policy();
  if (!policy.offers_get_stream) {
    x.res.status = policy.get_refusal_status;
    x.res.set_header("Allow", "POST, DELETE");
    return;
  }
  if (!accepts(x.req, "text/event-stream")) {
    reply_error(x.res, 406, jsonrpc::kInvalidRequest, "Not Acceptable: GET needs Accept: text/event-stream");
    return;
  }
  auto hs = context_.sessions.find(x);
  if (!hs) return;
  std::shared_ptr<void> slot = context_.inflight.acquire(x.client);
  if (!slot) {
    reply_too_many_inflight(x.res, context_.inflight.limit());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(hs->channel.mutex);
    if (hs->channel.stream_open) {
      ++get_conflict_;
      reply_error(x.res, 409, jsonrpc::kInvalidRequest, "Conflict: this session already has a GET stream");
      return;
    }
    if (open_streams_ >= context_.options.max_get_streams) {
      ++get_streams_full_;
      reply_error(x.res, 503, jsonrpc::kInternalError, "Too many open streams; try again later");
      return;
    }
    hs->channel.stream_open = true;
    ++open_streams_;
  }
  serve_get_stream(context_, x.res, hs, std::move(slot), open_streams_);
}

void LegacyEndpoint::remove(Exchange& x) {
  auto hs = context_.sessions.find(x);
  if (!hs) return;
  context_.sessions.end(hs->session.id());
  x.res.status = context_.policy().session_deleted_status;
}

void LegacyEndpoint::register_stats(MetricsRegistry& registry) const {
  const char* help = "Legacy-era HTTP requests refused after their session was found, by reason.";
  registry.add_counter("mcp_http_legacy_refused_total", help, "reason=\"protocol_version_header\"", version_refused_);
  registry.add_counter("mcp_http_legacy_refused_total", help, "reason=\"batch_too_large\"", batch_too_large_);
  registry.add_counter("mcp_http_legacy_refused_total", help, "reason=\"get_stream_conflict\"", get_conflict_);
  registry.add_counter("mcp_http_legacy_refused_total", help, "reason=\"get_streams_full\"", get_streams_full_);
  registry.add_reader("mcp_http_get_streams_open", "Legacy GET streams open now.", "gauge", "",
                      [this] { return static_cast<double>(open_streams_.load()); });
}

}  // namespace mcp::server::http
