// JSON text written without an nlohmann::json in between: always parses back, with
// what a hostile client can send (invalid UTF-8, control bytes, huge strings) made safe.
#include "mcp/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mcp {
namespace {

using json = nlohmann::json;

std::string written(const json& value, std::size_t max_bytes = json_text::kUnbounded,
                    std::size_t max_items = json_text::kUnbounded) {
  std::string out;
  json_text::append_value(out, value, max_bytes, max_items);
  return out;
}

TEST(JsonText, WritesWhatNlohmannReadsBackUnchanged) {
  json value = {{"text", "quote \" backslash \\ newline \n tab \t bell \x07 e\xCC\x81 \xF0\x9F\x98\x80"},
                {"numbers", {0, -7, 18446744073709551615ULL, 0.1, 1e300, -2.5}},
                {"flags", {true, false, nullptr}},
                {"nested", {{"empty_object", json::object()}, {"empty_array", json::array()}}}};
  EXPECT_EQ(json::parse(written(value)), value);
}

TEST(JsonText, InvalidUtf8IsReplacedNotThrown) {
  // A lone continuation byte, a truncated sequence, an overlong form, a surrogate.
  std::string hostile = "a\x80" "b\xE2\x82" "c\xC0\xAF" "d\xED\xA0\x80" "e";
  std::string out;
  json_text::append_string(out, hostile);
  json parsed = json::parse(out);  // throws on invalid UTF-8 if any was let through
  std::string text = parsed.get<std::string>();
  EXPECT_EQ(text.find('\x80'), std::string::npos);
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(text.front(), 'a');
  EXPECT_EQ(text.back(), 'e');
}

TEST(JsonText, LongStringsAreCutOnACharacterBoundary) {
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xE2\x82\xAC";  // 3 bytes each
  std::string out;
  json_text::append_string(out, euros, 10);
  std::string text = json::parse(out).get<std::string>();
  EXPECT_EQ(text, "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC...(300 bytes)");
}

TEST(JsonText, LongCollectionsSayHowLongTheyWere) {
  json parsed = json::parse(written(json(std::vector<int>(10, 1)), json_text::kUnbounded, 3));
  EXPECT_EQ(parsed, json({1, 1, 1, "...(10 items)"}));
  json object = json::parse(written({{"a", 1}, {"b", 2}, {"c", 3}}, json_text::kUnbounded, 2));
  EXPECT_EQ(object, json({{"a", 1}, {"b", 2}, {"...", "(3 items)"}}));
}

TEST(JsonText, NumbersThatJsonCannotHoldBecomeNull) {
  std::string out;
  json_text::append_number(out, std::numeric_limits<double>::infinity());
  EXPECT_EQ(out, "null");
  out.clear();
  json_text::append_number(out, 0.25);
  EXPECT_EQ(out, "0.25");
}

}  // namespace
}  // namespace mcp
