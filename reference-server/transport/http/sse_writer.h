// The one place SSE frames are written: POST answers that stream (notifications, then
// the response) and the legacy GET stream both write through SseWriter. Internal to
// transport/http/ (pulls in httplib.h).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "reference-server/transport/http/session_table.h"

namespace mcp::server::http {

class SseWriter {
 public:
  // `session_ids`: the session's event-id counter (ids unique across its streams, as
  // resumption needs), or null for ids counted per stream.
  SseWriter(httplib::DataSink& sink, std::atomic<unsigned long long>* session_ids)
      : sink_(sink), session_ids_(session_ids) {}
  // false once a write failed (the client went away).
  bool send(const nlohmann::json& message);
  bool keep_alive();
  bool writable() const { return writable_; }
  std::chrono::steady_clock::duration since_last_write() const { return std::chrono::steady_clock::now() - last_write_; }

 private:
  bool write(const std::string& frame);

  httplib::DataSink& sink_;
  std::atomic<unsigned long long>* session_ids_;
  unsigned long long stream_ids_ = 0;
  bool writable_ = true;
  std::chrono::steady_clock::time_point last_write_ = std::chrono::steady_clock::now();
};

// Answers a request on an SSE stream: the notifications it causes, then its response.
// `slot` is the request's in-flight slot, held until the stream ends.
void stream_answer(Context& context, httplib::Response& res, std::shared_ptr<HttpSession> session,
                   const jsonrpc::Message& message, std::shared_ptr<void> slot);

// The legacy GET stream of a session: queued server-to-client messages until the
// session ends, the client goes away or the server stops.
void serve_get_stream(Context& context, httplib::Response& res, std::shared_ptr<HttpSession> session,
                      std::shared_ptr<void> slot, std::atomic<std::size_t>& open_streams);

}  // namespace mcp::server::http
