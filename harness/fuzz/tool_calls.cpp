#include "harness/fuzz/tool_calls.h"

#include "harness/client/http_connection.h"
#include "mcp/json_rpc.h"

namespace mcp::harness::fuzz {

using json = nlohmann::json;

namespace {

// What servers commonly accept in one header line (httplib, nginx, Node: 8 KiB), less
// some slack for servers that count the line differently.
constexpr std::size_t kCommonHeaderLimit = 8 * 1024 - 256;

bool headers_oversized(McpClient& client, const json& request) {
  HttpConnection* http = as_http(client);
  if (!http) return false;
  for (const auto& [name, value] : request_metadata_headers(request, &http->tool_header_book())) {
    if (name.size() + value.size() + 4 > kCommonHeaderLimit) return true;  // "Name: value\r\n"
  }
  return false;
}

}  // namespace

std::vector<CallResult> call_tools(McpClient& client, const std::vector<PendingCall>& calls, std::chrono::milliseconds timeout) {
  struct InFlight {
    json id;
    std::string token;
    Clock::time_point deadline, hard_deadline;
    bool progressed = false;
    bool done = false;
  };
  std::vector<CallResult> results(calls.size());
  std::vector<InFlight> flights(calls.size());
  std::size_t open = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    InFlight& f = flights[i];
    f.id = client.next_id();
    f.token = "fuzz-" + f.id.dump();
    json params = {{"name", calls[i].tool}, {"arguments", calls[i].arguments}, {"_meta", {{"progressToken", f.token}}}};
    if (Status sent = client.send_request(f.id, "tools/call", params); !sent.ok()) {
      // An HTTP error status without an answer (failed_precondition) ends this POST, not the connection.
      if (sent.code() == StatusCode::kFailedPrecondition &&
          headers_oversized(client, jsonrpc::make_request(f.id, "tools/call", params))) {
        results[i] = {CallResult::What::kOversizedHeaders, {}, sent.message()};
        f.done = true;
        open = i + 1;
        continue;
      }
      for (std::size_t j = i; j < calls.size(); ++j) results[j] = {CallResult::What::kClosed, {}, sent.message()};
      break;
    }
    f.deadline = Clock::now() + timeout;
    f.hard_deadline = Clock::now() + 2 * timeout;
    open = i + 1;
  }
  std::size_t pending = 0;
  for (std::size_t i = 0; i < open; ++i) pending += !flights[i].done;
  while (pending > 0) {
    auto earliest = Clock::time_point::max();
    for (std::size_t i = 0; i < open; ++i) {
      if (!flights[i].done) earliest = std::min(earliest, flights[i].deadline);
    }
    auto message = client.next_message(earliest);
    if (!message.ok()) {
      if (message.status().code() != StatusCode::kDeadlineExceeded) {
        for (std::size_t i = 0; i < open; ++i) {
          if (!flights[i].done) results[i] = {CallResult::What::kClosed, {}, message.status().message()};
        }
        break;
      }
      for (std::size_t i = 0; i < open; ++i) {
        InFlight& f = flights[i];
        if (f.done || Clock::now() < f.deadline) continue;
        f.done = true;
        --pending;
        (void)client.connection().send(jsonrpc::make_notification("notifications/cancelled", {{"requestId", f.id}, {"reason", "fuzz deadline"}}));
        // Over HTTP the reply stream was read (and cut) during the send, so progress seen there is all there is.
        bool stream_cut = as_http(client) != nullptr;
        if (f.progressed && (Clock::now() >= f.hard_deadline || stream_cut)) {
          // Still reporting progress when the time ran out: a slow tool, not a hung one.
          results[i] = {CallResult::What::kResponse, json{{"result", {{"isError", true}, {"content", json::array()}}}}, "cancelled while progressing", true};
        } else {
          results[i] = {CallResult::What::kHang, {}, "no response or progress within " + std::to_string(timeout.count()) + " ms"};
        }
      }
      continue;
    }
    if (!message->contains("method")) {
      json id = message->value("id", json());
      for (std::size_t i = 0; i < open; ++i) {
        if (flights[i].done || flights[i].id != id) continue;
        flights[i].done = true;
        --pending;
        results[i] = {CallResult::What::kResponse, std::move(*message), ""};
        break;
      }
    } else if (message->value("method", "") == "notifications/progress") {
      const json& p = (*message)["params"];
      std::string token = p.is_object() && p.contains("progressToken") && p["progressToken"].is_string() ? p["progressToken"].get<std::string>() : "";
      for (std::size_t i = 0; i < open; ++i) {
        InFlight& f = flights[i];
        if (f.done || f.token != token) continue;
        f.progressed = true;
        f.deadline = std::min(f.hard_deadline, Clock::now() + timeout);
      }
    }
  }
  return results;
}

CallResult call_tool(McpClient& client, const std::string& tool, const json& arguments, std::chrono::milliseconds timeout) {
  return call_tools(client, {{tool, arguments}}, timeout).front();
}

bool answers_ping(McpClient& client, std::chrono::milliseconds timeout) {
  json id = client.next_id();
  if (!client.send_request(id, "ping").ok()) return false;
  auto response = client.await_response(id, deadline_in(timeout));
  (void)client.take_others();
  return response.ok();
}

}  // namespace mcp::harness::fuzz
