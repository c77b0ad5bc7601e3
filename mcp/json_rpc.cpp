#include "mcp/json_rpc.h"

namespace mcp::jsonrpc {

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kRequest: return "request";
    case Kind::kNotification: return "notification";
    case Kind::kResult: return "result";
    case Kind::kError: return "error";
  }
  return "unknown";
}

std::string Message::method() const {
  auto it = body.find("method");
  return (it != body.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

const json& Message::id() const {
  static const json kNull = nullptr;
  auto it = body.find("id");
  return it != body.end() ? *it : kNull;
}

const json& Message::params() const {
  static const json kEmpty = json::object();
  auto it = body.find("params");
  return (it != body.end() && it->is_object()) ? *it : kEmpty;
}

bool is_valid_id(const json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

std::optional<json> parse_untrusted(std::string_view text, int max_depth) {
  if (nesting_depth(text, max_depth) > max_depth) return std::nullopt;
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

json parse_top_level(std::string_view text) {
  return json::parse(text.begin(), text.end(), [](int depth, json::parse_event_t, json&) { return depth <= 1; }, false);
}

json parse_untrusted_value(std::string_view text) {
  std::optional<json> value = parse_untrusted(text);
  return value ? std::move(*value) : json(json::value_t::discarded);
}

ParseOutcome parse(std::string_view text, int max_depth) {
  if (nesting_depth(text, max_depth) > max_depth) {
    // Answer with the request's id when it can be read.
    json shallow = parse_top_level(text);
    json id = shallow.is_object() && shallow.contains("id") && is_valid_id(shallow["id"]) ? shallow["id"] : json();
    return Rejection{kInvalidRequest, "message nests deeper than " + std::to_string(max_depth) + " levels", id};
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Rejection{kParseError, "Parse error: not valid JSON", nullptr};
  return classify(value);
}

std::optional<std::vector<ParseOutcome>> parse_batch(std::string_view text, int max_depth) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '[' || nesting_depth(text, max_depth) > max_depth) return std::nullopt;
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!value.is_array()) return std::nullopt;
  std::vector<ParseOutcome> items;
  items.reserve(value.size());
  for (const json& element : value) items.push_back(classify(element));
  return items;
}

ParseOutcome classify(const json& value) {
  if (!value.is_object()) {
    return Rejection{kInvalidRequest, value.is_array() ? "Invalid Request: batches are not accepted"
                                                       : "Invalid Request: message is not a JSON object",
                     nullptr};
  }
  json id = nullptr;
  auto id_it = value.find("id");
  bool has_id = id_it != value.end();
  if (has_id && is_valid_id(*id_it)) id = *id_it;

  auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") {
    return Rejection{kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"", id};
  }
  auto method = value.find("method");
  if (method != value.end()) {
    if (!method->is_string()) return Rejection{kInvalidRequest, "Invalid Request: \"method\" must be a string", id};
    auto params = value.find("params");
    if (params != value.end() && !params->is_object() && !params->is_array()) {
      return Rejection{kInvalidRequest, "Invalid Request: \"params\" must be an object", id};
    }
    if (!has_id) return Message{Kind::kNotification, value};
    if (!is_valid_id(*id_it)) {
      return Rejection{kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer", nullptr};
    }
    return Message{Kind::kRequest, value};
  }
  bool has_result = value.contains("result");
  bool has_error = value.contains("error");
  if (has_result == has_error) {
    return Rejection{kInvalidRequest, "Invalid Request: no \"method\", and not exactly one of \"result\"/\"error\"", id};
  }
  if (has_error) {
    const json& error = value["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer() ||
        !error.contains("message") || !error["message"].is_string()) {
      return Rejection{kInvalidRequest, "Invalid Request: malformed error object", id};
    }
    return Message{Kind::kError, value};
  }
  if (!has_id || !is_valid_id(*id_it)) return Rejection{kInvalidRequest, "Invalid Request: result without a valid id", nullptr};
  return Message{Kind::kResult, value};
}

std::string string_member(const json& object, const std::string& key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json make_request(const json& id, std::string_view method, json params) {
  json msg = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) msg["params"] = std::move(params);
  return msg;
}

json make_notification(std::string_view method, json params) {
  json msg = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) msg["params"] = std::move(params);
  return msg;
}

json make_result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, int code, std::string_view message, json data) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

std::string serialize(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string serialize_indented(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace); }

namespace {
// An output for nlohmann's serializer that only counts what it is given.
class CountingOutput final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  void write_character(char) override { ++count_; }
  void write_characters(const char*, std::size_t length) override { count_ += length; }
  std::size_t count() const { return count_; }

 private:
  std::size_t count_ = 0;
};
}  // namespace

std::size_t serialized_size(const json& value) {
  auto counter = std::make_shared<CountingOutput>();
  nlohmann::detail::serializer<json> serializer(counter, ' ', json::error_handler_t::replace);
  serializer.dump(value, false, false, 0);
  return counter->count();
}

}  // namespace mcp::jsonrpc
