// The OTLP exporter against a collector that refuses connections: it must count
// the failure and then shed batches for a while instead of encoding and sending
// every one of them again.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "reference-server/observability/otlp_exporter.h"

namespace mcp::server::obs {
namespace {

// A loopback port nobody listens on (bound, then released).
int refused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return 1;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

Span span_named(const std::string& name) {
  Span span;
  span.trace_id = std::string(32, 'a');
  span.span_id = std::string(16, 'b');
  span.name = name;
  return span;
}

TEST(OtlpExporter, ShedsBatchesWhileTheCollectorRefusesConnections) {
  OtlpOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(refused_port()) + "/v1/traces";
  options.schedule_delay = std::chrono::milliseconds(5);
  options.export_timeout = std::chrono::milliseconds(500);
  OtlpExporter exporter(options);
  constexpr int kBatches = 12;
  for (int i = 0; i < kBatches; ++i) {
    exporter.export_span(span_named("call " + std::to_string(i)));
    exporter.flush(std::chrono::milliseconds(2000));  // one span per batch
  }
  const ExportCounters& counters = exporter.counters();
  EXPECT_EQ(counters.exported.load(), 0u);
  EXPECT_GE(counters.failed_batches.load(), 1u);
  // Every batch was either tried (and failed) or shed; without the backoff all would be tried.
  EXPECT_EQ(counters.failed_batches.load() + counters.dropped.load(), static_cast<std::uint64_t>(kBatches));
  EXPECT_GE(counters.dropped.load(), static_cast<std::uint64_t>(kBatches / 2));
}

TEST(OtlpExporter, SpansStartedWhileItShedsAreCountedNotBuilt) {
  OtlpOptions options;
  options.endpoint = "http://127.0.0.1:" + std::to_string(refused_port()) + "/v1/traces";
  options.schedule_delay = std::chrono::milliseconds(5);
  options.export_timeout = std::chrono::milliseconds(500);
  auto exporter = std::make_shared<OtlpExporter>(options);
  EXPECT_TRUE(exporter->accepting());
  exporter->export_span(span_named("fails"));
  exporter->flush(std::chrono::milliseconds(2000));
  ASSERT_EQ(exporter->counters().failed_batches.load(), 1u);
  EXPECT_FALSE(exporter->accepting()) << "after a failed export, spans are shed for at least 100 ms";
  set_span_sink(exporter);
  std::uint64_t dropped = exporter->counters().dropped.load();
  {
    ScopedSpan span("while shedding");
    span.set_attribute("kept", "no");
    EXPECT_TRUE(span.span().attributes.empty()) << "no attribute work for a span nobody will receive";
    EXPECT_FALSE(span.span().span_id.empty()) << "ids still name the span in logs";
  }
  set_span_sink(nullptr);
  EXPECT_EQ(exporter->counters().dropped.load(), dropped + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_TRUE(exporter->accepting()) << "the backoff ends";
}

}  // namespace
}  // namespace mcp::server::obs
