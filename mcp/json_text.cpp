#include "mcp/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mcp::json_text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence that starts at text[i] (1-4), or 0 if none does
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

void append_escaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  auto flush = [&](std::size_t end) { out.append(text.data() + plain, end - plain); };
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (std::size_t length = utf8_sequence(text, i)) {
        i += length;
        continue;
      }
      flush(i);
      out += kReplacement;
      plain = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", c);
        out += escape;
      }
    }
    plain = ++i;
  }
  flush(text.size());
}

}  // namespace

void append_string(std::string& out, std::string_view text, std::size_t max_bytes) {
  out += '"';
  if (text.size() <= max_bytes) {
    append_escaped(out, text);
  } else {
    std::size_t cut = max_bytes;
    // Never split a character: back up to the start of the one the cut falls in.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    append_escaped(out, text.substr(0, cut));
    out += "...(" + std::to_string(text.size()) + " bytes)";
  }
  out += '"';
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char number[32];
  auto [end, error] = std::to_chars(number, number + sizeof number, value);  // shortest form that reads back the same
  out.append(number, error == std::errc() ? end : number);
}

void append_array(std::string& out, const nlohmann::json& array, std::size_t max_items,
                  const std::function<void(const nlohmann::json& item)>& item) {
  out += '[';
  std::size_t written = 0;
  for (const nlohmann::json& element : array) {
    if (written == max_items) {
      out += ",\"...(" + std::to_string(array.size()) + " items)\"";
      break;
    }
    if (written++) out += ',';
    item(element);
  }
  out += ']';
}

void append_object(std::string& out, const nlohmann::json& object, std::size_t max_bytes, std::size_t max_items,
                   const std::function<void(const std::string& key, const nlohmann::json& value)>& item) {
  out += '{';
  std::size_t written = 0;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (written == max_items) {
      out += ",\"...\":\"(" + std::to_string(object.size()) + " items)\"";
      break;
    }
    if (written++) out += ',';
    append_string(out, it.key(), max_bytes);
    out += ':';
    item(it.key(), *it);
  }
  out += '}';
}

void append_value(std::string& out, const nlohmann::json& value, std::size_t max_bytes, std::size_t max_items) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      append_string(out, value.get_ref<const std::string&>(), max_bytes);
      return;
    case nlohmann::json::value_t::array:
      append_array(out, value, max_items, [&](const nlohmann::json& item) { append_value(out, item, max_bytes, max_items); });
      return;
    case nlohmann::json::value_t::object:
      append_object(out, value, max_bytes, max_items,
                    [&](const std::string&, const nlohmann::json& item) { append_value(out, item, max_bytes, max_items); });
      return;
    case nlohmann::json::value_t::number_float:
      append_number(out, value.get<double>());
      return;
    case nlohmann::json::value_t::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return;
    case nlohmann::json::value_t::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return;
    case nlohmann::json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::null:
      out += "null";
      return;
    default:  // binary and discarded values hold no text of a client's
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace mcp::json_text
