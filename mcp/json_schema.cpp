#include "mcp/json_schema.h"

#include <cmath>

namespace mcp {

using json = nlohmann::json;

namespace {

constexpr int kMaxDepth = 200;

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string short_dump(const json& value) {
  std::string s = value.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

struct SchemaValidator::Cursor {
  std::string instance;
  std::string schema;
  int depth = 0;
  void error(std::vector<SchemaError>& errors, const std::string& keyword, std::string message) const {
    errors.push_back({instance, schema + "/" + keyword, std::move(message)});
  }
};

bool json_has_type(const json& value, std::string_view type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

std::string describe_errors(const std::vector<SchemaError>& errors, std::size_t max_errors) {
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < max_errors; ++i) {
    if (i) out += "; ";
    out += "at \"" + errors[i].instance_pointer + "\": " + errors[i].message;
  }
  if (errors.size() > max_errors) out += "; and " + std::to_string(errors.size() - max_errors) + " more";
  return out;
}

SchemaValidator::SchemaValidator(json document) : document_(std::move(document)) {}

std::string SchemaValidator::definition_pointer(std::string_view name) const {
  for (const char* section : {"$defs", "definitions"}) {
    auto it = document_.find(section);
    if (it != document_.end() && it->is_object() && it->contains(std::string(name))) {
      return std::string("/") + section + "/" + escape_pointer_token(std::string(name));
    }
  }
  return {};
}

bool SchemaValidator::has_definition(std::string_view name) const { return !definition_pointer(name).empty(); }

std::vector<SchemaError> SchemaValidator::validate_definition(const json& instance, std::string_view name) const {
  std::string pointer = definition_pointer(name);
  if (pointer.empty()) return {{"", "", "schema has no definition named " + std::string(name)}};
  return validate(instance, pointer);
}

std::vector<SchemaError> SchemaValidator::validate(const json& instance, const std::string& schema_pointer) const {
  std::vector<SchemaError> errors;
  json::json_pointer pointer;
  try {
    pointer = json::json_pointer(schema_pointer);
  } catch (const json::exception&) {
    return {{"", schema_pointer, "invalid schema pointer"}};
  }
  if (!document_.contains(pointer)) return {{"", schema_pointer, "schema pointer does not resolve"}};
  Cursor at{"", schema_pointer, 0};
  check(document_.at(pointer), instance, at, errors);
  return errors;
}

const std::regex* SchemaValidator::regex_for(const std::string& pattern) const {
  std::lock_guard<std::mutex> lock(regex_mutex_);
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) {
    std::unique_ptr<std::regex> compiled;
    try {
      compiled = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
    }
    it = regexes_.emplace(pattern, std::move(compiled)).first;
  }
  return it->second.get();
}

void SchemaValidator::check(const json& schema, const json& instance, Cursor& at,
                            std::vector<SchemaError>& errors) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) at.error(errors, "", "no value is allowed here (schema is false)");
    return;
  }
  if (!schema.is_object()) return;
  if (at.depth > kMaxDepth) {
    at.error(errors, "", "schema recursion deeper than " + std::to_string(kMaxDepth));
    return;
  }

  if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    const std::string& target = ref->get_ref<const std::string&>();
    if (target.empty() || target[0] != '#') {
      at.error(errors, "$ref", "remote $ref \"" + target + "\" is not dereferenced");
    } else {
      std::string pointer = target.substr(1);
      json::json_pointer jp;
      bool resolved = false;
      try {
        jp = json::json_pointer(pointer);
        resolved = document_.contains(jp);
      } catch (const json::exception&) {
      }
      if (!resolved) {
        at.error(errors, "$ref", "unresolvable $ref \"" + target + "\"");
      } else {
        Cursor inner{at.instance, pointer, at.depth + 1};
        check(document_.at(jp), instance, inner, errors);
      }
    }
  }

  if (auto type = schema.find("type"); type != schema.end()) {
    bool matches = false;
    if (type->is_string()) {
      matches = json_has_type(instance, type->get_ref<const std::string&>());
    } else if (type->is_array()) {
      for (const json& t : *type) matches = matches || (t.is_string() && json_has_type(instance, t.get<std::string>()));
    } else {
      matches = true;
    }
    if (!matches) {
      at.error(errors, "type", "expected type " + short_dump(*type) + ", got " + std::string(instance.type_name()));
      return;  // further keywords would only repeat the same complaint
    }
  }
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    bool found = false;
    for (const json& option : *e) found = found || option == instance;
    if (!found) at.error(errors, "enum", short_dump(instance) + " is not one of " + short_dump(*e));
  }
  if (auto c = schema.find("const"); c != schema.end() && *c != instance) {
    at.error(errors, "const", "expected " + short_dump(*c) + ", got " + short_dump(instance));
  }

  if (instance.is_object()) check_object(schema, instance, at, errors);
  else if (instance.is_array()) check_array(schema, instance, at, errors);
  else check_scalar(schema, instance, at, errors);
  check_combinators(schema, instance, at, errors);
}

void SchemaValidator::check_object(const json& schema, const json& instance, Cursor& at,
                                   std::vector<SchemaError>& errors) const {
  if (auto req = schema.find("required"); req != schema.end() && req->is_array()) {
    for (const json& name : *req) {
      if (name.is_string() && !instance.contains(name.get<std::string>())) {
        at.error(errors, "required", "missing required property \"" + name.get<std::string>() + "\"");
      }
    }
  }
  if (auto n = schema.find("minProperties"); n != schema.end() && n->is_number() && instance.size() < n->get<double>()) {
    at.error(errors, "minProperties", "fewer than " + short_dump(*n) + " properties");
  }
  if (auto n = schema.find("maxProperties"); n != schema.end() && n->is_number() && instance.size() > n->get<double>()) {
    at.error(errors, "maxProperties", "more than " + short_dump(*n) + " properties");
  }
  if (auto dep = schema.find("dependentRequired"); dep != schema.end() && dep->is_object()) {
    for (const auto& [name, needed] : dep->items()) {
      if (!instance.contains(name) || !needed.is_array()) continue;
      for (const json& other : needed) {
        if (other.is_string() && !instance.contains(other.get<std::string>())) {
          at.error(errors, "dependentRequired", "\"" + name + "\" requires \"" + other.get<std::string>() + "\"");
        }
      }
    }
  }
  const json* properties = nullptr;
  if (auto p = schema.find("properties"); p != schema.end() && p->is_object()) properties = &*p;
  const json* pattern_properties = nullptr;
  if (auto p = schema.find("patternProperties"); p != schema.end() && p->is_object()) pattern_properties = &*p;
  auto additional = schema.find("additionalProperties");
  auto names = schema.find("propertyNames");

  for (const auto& [name, value] : instance.items()) {
    std::string token = escape_pointer_token(name);
    bool covered = false;
    if (properties) {
      if (auto sub = properties->find(name); sub != properties->end()) {
        covered = true;
        Cursor inner{at.instance + "/" + token, at.schema + "/properties/" + token, at.depth + 1};
        check(*sub, value, inner, errors);
      }
    }
    if (pattern_properties) {
      for (const auto& [pattern, sub] : pattern_properties->items()) {
        const std::regex* re = regex_for(pattern);
        if (re && std::regex_search(name, *re)) {
          covered = true;
          Cursor inner{at.instance + "/" + token, at.schema + "/patternProperties/" + escape_pointer_token(pattern),
                       at.depth + 1};
          check(sub, value, inner, errors);
        }
      }
    }
    if (!covered && additional != schema.end()) {
      if (additional->is_boolean() && !additional->get<bool>()) {
        at.error(errors, "additionalProperties", "property \"" + name + "\" is not allowed");
      } else {
        Cursor inner{at.instance + "/" + token, at.schema + "/additionalProperties", at.depth + 1};
        check(*additional, value, inner, errors);
      }
    }
    if (names != schema.end()) {
      Cursor inner{at.instance + "/" + token, at.schema + "/propertyNames", at.depth + 1};
      check(*names, json(name), inner, errors);
    }
  }
}

void SchemaValidator::check_array(const json& schema, const json& instance, Cursor& at,
                                  std::vector<SchemaError>& errors) const {
  if (auto n = schema.find("minItems"); n != schema.end() && n->is_number() && instance.size() < n->get<double>()) {
    at.error(errors, "minItems", "array has " + std::to_string(instance.size()) + " items, fewer than " + short_dump(*n));
  }
  if (auto n = schema.find("maxItems"); n != schema.end() && n->is_number() && instance.size() > n->get<double>()) {
    at.error(errors, "maxItems", "array has " + std::to_string(instance.size()) + " items, more than " + short_dump(*n));
  }
  if (auto u = schema.find("uniqueItems"); u != schema.end() && u->is_boolean() && u->get<bool>()) {
    for (std::size_t i = 0; i < instance.size(); ++i) {
      for (std::size_t j = i + 1; j < instance.size(); ++j) {
        if (instance[i] == instance[j]) {
          at.error(errors, "uniqueItems", "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
        }
      }
    }
  }
  std::size_t first_uncovered = 0;
  auto tuple = schema.find("prefixItems");
  std::string tuple_keyword = "prefixItems";
  auto items = schema.find("items");
  if (tuple == schema.end() && items != schema.end() && items->is_array()) {  // draft-07 tuple form
    tuple = items;
    tuple_keyword = "items";
    items = schema.find("additionalItems");
  }
  if (tuple != schema.end() && tuple->is_array()) {
    for (std::size_t i = 0; i < tuple->size() && i < instance.size(); ++i) {
      Cursor inner{at.instance + "/" + std::to_string(i), at.schema + "/" + tuple_keyword + "/" + std::to_string(i),
                   at.depth + 1};
      check((*tuple)[i], instance[i], inner, errors);
    }
    first_uncovered = tuple->size();
  }
  if (items != schema.end() && (items->is_object() || items->is_boolean())) {
    for (std::size_t i = first_uncovered; i < instance.size(); ++i) {
      Cursor inner{at.instance + "/" + std::to_string(i), at.schema + "/items", at.depth + 1};
      check(*items, instance[i], inner, errors);
    }
  }
  if (auto contains = schema.find("contains"); contains != schema.end()) {
    bool any = false;
    for (const json& item : instance) {
      std::vector<SchemaError> scratch;
      Cursor inner{at.instance, at.schema + "/contains", at.depth + 1};
      check(*contains, item, inner, scratch);
      any = any || scratch.empty();
    }
    if (!any) at.error(errors, "contains", "no item matches the \"contains\" schema");
  }
}

void SchemaValidator::check_scalar(const json& schema, const json& instance, Cursor& at,
                                   std::vector<SchemaError>& errors) const {
  if (instance.is_string()) {
    const std::string& s = instance.get_ref<const std::string&>();
    std::size_t length = utf8_length(s);
    if (auto n = schema.find("minLength"); n != schema.end() && n->is_number() && length < n->get<double>()) {
      at.error(errors, "minLength", "string is shorter than " + short_dump(*n) + " characters");
    }
    if (auto n = schema.find("maxLength"); n != schema.end() && n->is_number() && length > n->get<double>()) {
      at.error(errors, "maxLength", "string is longer than " + short_dump(*n) + " characters");
    }
    if (auto p = schema.find("pattern"); p != schema.end() && p->is_string()) {
      const std::regex* re = regex_for(p->get<std::string>());
      if (!re) at.error(errors, "pattern", "schema pattern does not compile: " + p->get<std::string>());
      else if (!std::regex_search(s, *re)) at.error(errors, "pattern", short_dump(instance) + " does not match " + short_dump(*p));
    }
    return;
  }
  if (!instance.is_number()) return;
  double v = instance.get<double>();
  auto bound = [&](const char* keyword, auto violates) {
    auto it = schema.find(keyword);
    if (it != schema.end() && it->is_number() && violates(v, it->template get<double>())) {
      at.error(errors, keyword, short_dump(instance) + " violates " + keyword + " " + short_dump(*it));
    }
  };
  bound("minimum", [](double x, double b) { return x < b; });
  bound("maximum", [](double x, double b) { return x > b; });
  bound("exclusiveMinimum", [](double x, double b) { return x <= b; });
  bound("exclusiveMaximum", [](double x, double b) { return x >= b; });
  bound("multipleOf", [](double x, double b) {
    if (b <= 0) return false;
    double q = x / b;
    return std::fabs(q - std::round(q)) > 1e-9;
  });
}

void SchemaValidator::check_combinators(const json& schema, const json& instance, Cursor& at,
                                        std::vector<SchemaError>& errors) const {
  if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
    for (std::size_t i = 0; i < all->size(); ++i) {
      Cursor inner{at.instance, at.schema + "/allOf/" + std::to_string(i), at.depth + 1};
      check((*all)[i], instance, inner, errors);
    }
  }
  for (const char* keyword : {"anyOf", "oneOf"}) {
    auto options = schema.find(keyword);
    if (options == schema.end() || !options->is_array()) continue;
    std::size_t matches = 0;
    std::vector<SchemaError> closest;
    bool have_closest = false;
    for (std::size_t i = 0; i < options->size(); ++i) {
      std::vector<SchemaError> branch;
      Cursor inner{at.instance, at.schema + "/" + keyword + "/" + std::to_string(i), at.depth + 1};
      check((*options)[i], instance, inner, branch);
      if (branch.empty()) ++matches;
      else if (!have_closest || branch.size() < closest.size()) {
        closest = std::move(branch);
        have_closest = true;
      }
    }
    if (matches == 0) {
      std::string detail = have_closest ? " (closest: " + describe_errors(closest, 3) + ")" : "";
      at.error(errors, keyword, "value matches none of the " + std::to_string(options->size()) + " alternatives" + detail);
    } else if (matches > 1 && std::string_view(keyword) == "oneOf") {
      at.error(errors, keyword, "value matches " + std::to_string(matches) + " alternatives; oneOf requires exactly one");
    }
  }
  if (auto negated = schema.find("not"); negated != schema.end()) {
    std::vector<SchemaError> scratch;
    Cursor inner{at.instance, at.schema + "/not", at.depth + 1};
    check(*negated, instance, inner, scratch);
    if (scratch.empty()) at.error(errors, "not", "value must not match the \"not\" schema");
  }
  if (auto condition = schema.find("if"); condition != schema.end()) {
    std::vector<SchemaError> scratch;
    Cursor probe{at.instance, at.schema + "/if", at.depth + 1};
    check(*condition, instance, probe, scratch);
    const char* branch = scratch.empty() ? "then" : "else";
    if (auto it = schema.find(branch); it != schema.end()) {
      Cursor inner{at.instance, at.schema + "/" + branch, at.depth + 1};
      check(*it, instance, inner, errors);
    }
  }
}

}  // namespace mcp
