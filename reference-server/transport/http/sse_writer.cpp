#include "reference-server/transport/http/sse_writer.h"

#include "mcp/sse.h"

namespace mcp::server::http {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

bool SseWriter::write(const std::string& frame) {
  writable_ = sink_.write(frame.data(), frame.size());
  last_write_ = Clock::now();
  return writable_;
}

bool SseWriter::send(const json& message) {
  if (!writable_) return false;
  SseEvent event;
  event.id = std::to_string(session_ids_ ? (*session_ids_)++ : ++stream_ids_);
  event.has_id = true;
  event.data = jsonrpc::serialize(message);
  return write(format_sse_event(event));
}

bool SseWriter::keep_alive() { return write(": keep-alive\n\n"); }

namespace {

void set_stream_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
}

class SseOutbound final : public Outbound {
 public:
  SseOutbound(SseWriter& writer, const std::atomic<bool>& stopping) : writer_(writer), stopping_(stopping) {}
  // A client that went away shows when its socket reports the close, or when a write
  // fails, so an idle stream is also probed with an SSE comment now and then.
  bool open() const override {
    if (!writer_.writable() || stopping_ || client_gone()) return false;
    if (writer_.since_last_write() > std::chrono::seconds(1)) return writer_.keep_alive();
    return true;
  }
  void send(const json& message) override { writer_.send(message); }

 private:
  SseWriter& writer_;
  const std::atomic<bool>& stopping_;
};

}  // namespace

void stream_answer(Context& context, httplib::Response& res, std::shared_ptr<HttpSession> session,
                   const jsonrpc::Message& message, std::shared_ptr<void> slot) {
  set_stream_headers(res);
  res.set_chunked_content_provider("text/event-stream", [&context, session, message, slot](std::size_t, httplib::DataSink& sink) {
    SseWriter writer(sink, context.policy().session_wide_event_ids ? &session->next_event_id : nullptr);
    SseOutbound out(writer, context.stopping);
    auto response = context.server.handle_message(message, session->session, out);
    if (response) out.send(*response);
    sink.done();
    return true;
  });
}

void serve_get_stream(Context& context, httplib::Response& res, std::shared_ptr<HttpSession> hs,
                      std::shared_ptr<void> slot, std::atomic<std::size_t>& open_streams) {
  set_stream_headers(res);
  res.set_chunked_content_provider(
      "text/event-stream",
      [&context, hs, slot, idle = Clock::now()](std::size_t, httplib::DataSink& sink) mutable {
        std::unique_lock<std::mutex> lock(hs->channel.mutex);
        hs->channel.ready.wait_for(lock, std::chrono::milliseconds(250),
                                   [&] { return !hs->channel.queue.empty() || hs->channel.closed; });
        if (hs->channel.closed || context.stopping) {
          sink.done();
          return true;
        }
        if (client_gone()) return false;  // gives back its thread and in-flight slot now
        std::deque<json> batch;
        batch.swap(hs->channel.queue);
        lock.unlock();
        SseWriter writer(sink, &hs->next_event_id);
        for (const json& message : batch) {
          if (!writer.send(message)) return false;
        }
        if (batch.empty() && Clock::now() - idle > std::chrono::seconds(15)) {
          idle = Clock::now();
          return writer.keep_alive();
        }
        return true;
      },
      [hs, &open_streams](bool) {
        std::lock_guard<std::mutex> lock(hs->channel.mutex);
        hs->channel.stream_open = false;
        hs->channel.queue.clear();
        --open_streams;
      });
}

}  // namespace mcp::server::http
