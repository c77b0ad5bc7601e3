#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "mcp/line_framing.h"
#include "mcp/sse.h"

namespace mcp {
namespace {

std::vector<std::string> feed_in_chunks(LineReader& reader, const std::string& text, const std::vector<std::size_t>& cuts) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    std::size_t n = std::min(cut, text.size() - at);
    reader.feed(std::string_view(text).substr(at, n), lines);
    at += n;
  }
  reader.feed(std::string_view(text).substr(at), lines);
  return lines;
}

TEST(LineReader, SplitsLinesAndStripsCarriageReturns) {
  LineReader reader(100);
  std::vector<std::string> lines;
  reader.feed("one\r\ntw", lines);
  reader.feed("o\nthree", lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(reader.partial(), "three");
}

TEST(LineReader, DropsOversizedLinesWholeAndCountsThem) {
  LineReader reader(8);
  std::vector<std::string> lines;
  reader.feed("short\n" + std::string(20, 'x'), lines);
  reader.feed(std::string(20, 'y') + "\nnext\n", lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"short", "next"}));
  EXPECT_EQ(reader.oversized_lines(), 1u);
}

RC_GTEST_PROP(LineReaderProperties, ChunkingDoesNotChangeTheLines,
              (const std::vector<std::string>& words, const std::vector<std::size_t>& cuts)) {
  std::string text;
  std::vector<std::string> expected;
  for (std::string w : words) {
    w.erase(std::remove(w.begin(), w.end(), '\n'), w.end());
    while (!w.empty() && w.back() == '\r') w.pop_back();
    expected.push_back(w);
    text += w + "\n";
  }
  LineReader whole(1 << 20), chunked(1 << 20);
  std::vector<std::string> at_once;
  whole.feed(text, at_once);
  std::vector<std::size_t> small_cuts;
  for (std::size_t c : cuts) small_cuts.push_back(c % 7);
  RC_ASSERT(at_once == expected);
  RC_ASSERT(feed_in_chunks(chunked, text, small_cuts) == expected);
}

TEST(SseParser, ParsesFieldsMultilineDataCommentsAndPrimingEvents) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed(": comment\nid: 1\ndata: {\"a\":\ndata: 1}\n\nid: 2\ndata:\n\nretry: 500\nevent: custom\ndata: x\r\n\r\n", events);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].id, "1");
  EXPECT_EQ(events[0].data, "{\"a\":\n1}");
  EXPECT_EQ(events[1].id, "2");
  EXPECT_EQ(events[1].data, "");
  EXPECT_EQ(events[2].event, "custom");
  EXPECT_EQ(events[2].retry_ms.value_or(0), 500);
  EXPECT_EQ(parser.last_event_id(), "2");
}

TEST(SseParser, StopsGrowingPastTheEventCap) {
  SseParser parser(64);
  std::vector<SseEvent> events;
  EXPECT_FALSE(parser.feed("data: " + std::string(1000, 'x') + "\n\n", events));
}

RC_GTEST_PROP(SseProperties, WriterOutputParsesBackUnderAnyChunking,
              (const std::vector<std::string>& payloads, std::size_t chunk)) {
  std::string stream;
  std::vector<SseEvent> written;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    SseEvent e;
    e.id = std::to_string(i);
    e.has_id = true;
    e.data = payloads[i];
    e.data.erase(std::remove(e.data.begin(), e.data.end(), '\r'), e.data.end());
    written.push_back(e);
    stream += format_sse_event(e);
  }
  SseParser parser;
  std::vector<SseEvent> read;
  std::size_t step = chunk % 13 + 1;
  for (std::size_t at = 0; at < stream.size(); at += step) parser.feed(stream.substr(at, step), read);
  RC_ASSERT(read.size() == written.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    RC_ASSERT(read[i].id == written[i].id);
    RC_ASSERT(read[i].data == written[i].data);
  }
}

}  // namespace
}  // namespace mcp
