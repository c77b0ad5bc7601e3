// JSON text written straight into a string, without building an nlohmann::json
// first: for lines written on every request (logs), where building the object cost
// more than the work it described. Output is always valid JSON: invalid UTF-8 is
// replaced by U+FFFD, never thrown.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace mcp::json_text {

inline constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// `text` as a quoted JSON string. Past `max_bytes` it is cut (on a character
// boundary) and ends "...(N bytes)", N the full size.
void append_string(std::string& out, std::string_view text, std::size_t max_bytes = kUnbounded);

// `value` as JSON, with strings cut as above and arrays and objects past `max_items`
// shortened to their first items and a last entry saying how many there were (for
// an object, the key "..." with that text).
void append_value(std::string& out, const nlohmann::json& value, std::size_t max_bytes = kUnbounded,
                  std::size_t max_items = kUnbounded);

void append_number(std::string& out, double value);  // finite numbers; others are written as null

// The collection parts of append_value, for writers that write items their own way
// (redaction): brackets, commas, keys (cut at max_bytes) and the note past max_items;
// `item` writes each value.
void append_array(std::string& out, const nlohmann::json& array, std::size_t max_items,
                  const std::function<void(const nlohmann::json& item)>& item);
void append_object(std::string& out, const nlohmann::json& object, std::size_t max_bytes, std::size_t max_items,
                   const std::function<void(const std::string& key, const nlohmann::json& value)>& item);

}  // namespace mcp::json_text
