// The event log's promises to the request path: lines are written by a background
// thread, a stalled destination never blocks a caller (past the queue's bound, new
// lines are dropped and counted), levels below the threshold cost nothing, and flush_log
// waits until every line logged so far is written.
#include "reference-server/core/event_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

namespace mcp::server {
namespace {

using json = nlohmann::json;

std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[4096];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, file)) text.append(chunk, n);
  return text;
}

TEST(EventLog, LinesAreJsonWithTheirFieldsAndLevelsBelowTheThresholdAreSkipped) {
  std::FILE* sink = std::tmpfile();
  set_log_stream(sink);
  LogLine("info", "built").text("name", "x\"y").integer("count", 3).number("ms", 1.5).flag("ok", true)
      .value("list", json::array({1, 2})).write();
  ASSERT_TRUE(set_log_level("warn"));
  EXPECT_FALSE(log_enabled("info"));
  log_event("info", "skipped", {{"a", 1}});
  log_event("warn", "kept");
  set_log_level("info");
  EXPECT_FALSE(set_log_level("verbose"));
  set_log_stream(nullptr);
  std::string text = read_all(sink);
  std::fclose(sink);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  json first = json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(first["event"], "built");
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["name"], "x\"y");
  EXPECT_EQ(first["count"], 3);
  EXPECT_EQ(first["ms"], 1.5);
  EXPECT_EQ(first["ok"], true);
  EXPECT_EQ(first["list"], json::array({1, 2}));
  EXPECT_TRUE(first.contains("ts"));
  EXPECT_EQ(text.find("skipped"), std::string::npos);
  EXPECT_NE(text.find("\"event\":\"kept\""), std::string::npos);
}

TEST(EventLog, AStalledDestinationNeverBlocksTheCallerAndDropsAreCounted) {
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  std::FILE* stalled = ::fdopen(ends[1], "w");
  set_log_stream(stalled);
  std::size_t dropped_before = log_lines_dropped();
  // Nobody reads the pipe: after 64 KB the writer thread blocks in write(2), and
  // the queue (4 MB) fills up behind it.
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 60000; ++i) log_event("info", "flood", {{"i", i}, {"padding", std::string(100, 'p')}});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 5.0) << "logging waited for the destination";
  EXPECT_GT(log_lines_dropped(), dropped_before) << "a full queue must drop lines, and count them";
  std::atomic<bool> reading{true};
  std::thread reader([&] {
    char chunk[65536];
    while (reading && ::read(ends[0], chunk, sizeof chunk) > 0) {
    }
  });
  set_log_stream(nullptr);  // waits until the queue is written into the (now read) pipe
  reading = false;
  std::fclose(stalled);  // the reader sees end of file
  reader.join();
  ::close(ends[0]);
}

}  // namespace
}  // namespace mcp::server
