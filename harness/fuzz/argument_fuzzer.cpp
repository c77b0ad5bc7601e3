#include "harness/fuzz/argument_fuzzer.h"

#include <rapidcheck.h>

#include <algorithm>
#include <limits>

namespace mcp::harness::fuzz {

using json = nlohmann::json;

namespace {

constexpr int kMaxDepth = 6;

const json& resolve(const json& schema, const json& root) {
  if (schema.is_object() && schema.contains("$ref") && schema["$ref"].is_string()) {
    std::string ref = schema["$ref"];
    if (ref.rfind("#", 0) == 0) {
      try {
        const json& target = root.at(json::json_pointer(ref.substr(1)));
        if (&target != &schema) return target;
      } catch (const std::exception&) {
      }
    }
  }
  return schema;
}

// One code point of text: mostly ASCII, often something that trips naive code.
rc::Gen<std::string> code_point() {
  static const std::vector<std::string> kTricky = {"é", "ß", "中", "😀", "\u202e", "e\u0301", "\ufeff", "\"", "\\", "\n",
                                                   "\t", std::string(1, '\0'), "<", "'", "%s", "{"};
  return rc::gen::weightedOneOf<std::string>({
      {8, rc::gen::map(rc::gen::inRange<int>('a', 'z' + 1), [](int c) { return std::string(1, static_cast<char>(c)); })},
      {2, rc::gen::elementOf(kTricky)},
  });
}

rc::Gen<json> string_gen(const json& schema) {
  long long min_len = schema.value("minLength", 0LL);
  long long max_len = schema.contains("maxLength") && schema["maxLength"].is_number() ? schema["maxLength"].get<long long>() : min_len + 64;
  max_len = std::max(min_len, std::min(max_len, min_len + 4096));
  return rc::gen::exec([min_len, max_len]() -> json {
    // A container of code points shrinks by dropping them, so a failing string shrinks to its culprit.
    using Points = std::vector<std::string>;
    Points points = *rc::gen::container<Points>(code_point());
    while (static_cast<long long>(points.size()) < min_len) points.push_back("a");
    if (static_cast<long long>(points.size()) > max_len) points.resize(static_cast<std::size_t>(max_len));
    std::string out;
    for (const std::string& p : points) out += p;
    return out;
  });
}

rc::Gen<json> integer_gen(const json& schema) {
  long long lo = schema.contains("minimum") ? static_cast<long long>(schema["minimum"].get<double>()) : -1000000;
  long long hi = schema.contains("maximum") ? static_cast<long long>(schema["maximum"].get<double>()) : 1000000;
  if (schema.contains("exclusiveMinimum") && schema["exclusiveMinimum"].is_number()) lo = schema["exclusiveMinimum"].get<long long>() + 1;
  if (schema.contains("exclusiveMaximum") && schema["exclusiveMaximum"].is_number()) hi = schema["exclusiveMaximum"].get<long long>() - 1;
  if (hi < lo) hi = lo;
  long long near_lo = lo <= 0 && hi >= 0 ? 0 : lo;  // small values first: they are cheap and reach most code
  std::vector<long long> boundaries = {lo, hi, std::min(hi, lo + 1), std::max(lo, hi - 1)};
  return rc::gen::exec([lo, hi, near_lo, boundaries]() -> json {
    int mode = *rc::gen::inRange(0, 10);  // shrinks toward 0: the sized, shrinkable branch
    if (mode == 9) return *rc::gen::elementOf(boundaries);
    // RapidCheck's sized integers grow with the run and shrink toward 0, so a failure at
    // "a > 5" shrinks to 6 rather than staying wherever it was found.
    long long magnitude = std::llabs(static_cast<long long>(*rc::gen::arbitrary<int>()));
    long long v = mode % 2 == 0 ? near_lo + magnitude : near_lo - magnitude;
    return std::clamp(v, lo, hi);
  });
}

rc::Gen<json> value_gen(const json& schema_in, const json& root, int depth);

rc::Gen<json> object_gen(const json& schema, const json& root, int depth) {
  return rc::gen::exec([&schema, &root, depth]() -> json {
    json out = json::object();
    const json& properties = schema.contains("properties") && schema["properties"].is_object() ? schema["properties"] : json::object();
    std::vector<std::string> required;
    for (const json& r : schema.value("required", json::array())) {
      if (r.is_string()) required.push_back(r);
    }
    for (const auto& [name, property] : properties.items()) {
      bool needed = std::find(required.begin(), required.end(), name) != required.end();
      if (needed || *rc::gen::arbitrary<bool>()) out[name] = *value_gen(property, root, depth + 1);
    }
    for (const std::string& name : required) {
      if (!out.contains(name)) out[name] = *value_gen(json::object(), root, depth + 1);
    }
    return out;
  });
}

rc::Gen<json> array_gen(const json& schema, const json& root, int depth) {
  long long min_items = schema.value("minItems", 0LL);
  long long max_items = schema.contains("maxItems") ? schema["maxItems"].get<long long>() : min_items + 4;
  max_items = std::max(min_items, std::min(max_items, min_items + 8));
  return rc::gen::exec([&schema, &root, depth, min_items, max_items]() -> json {
    long long count = *rc::gen::inRange(min_items, max_items + 1);
    json out = json::array();
    const json& items = schema.contains("items") && schema["items"].is_object() ? schema["items"] : json::object();
    for (long long i = 0; i < count; ++i) out.push_back(*value_gen(items, root, depth + 1));
    return out;
  });
}

rc::Gen<json> value_gen(const json& schema_in, const json& root, int depth) {
  const json& schema = resolve(schema_in, root);
  if (!schema.is_object()) return rc::gen::just(json(nullptr));
  if (schema.contains("const")) return rc::gen::just(schema["const"]);
  if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty()) {
    return rc::gen::elementOf(std::vector<json>(schema["enum"].begin(), schema["enum"].end()));
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (schema.contains(key) && schema[key].is_array() && !schema[key].empty()) {
      const json& branches = schema[key];
      return rc::gen::exec([&branches, &root, depth]() -> json {
        std::size_t pick = *rc::gen::inRange<std::size_t>(0, branches.size());
        return *value_gen(branches[pick], root, depth + 1);
      });
    }
  }
  if (schema.contains("allOf") && schema["allOf"].is_array() && !schema["allOf"].empty()) {
    return value_gen(schema["allOf"][0], root, depth + 1);
  }
  std::string type = schema.contains("type") && schema["type"].is_string() ? schema["type"].get<std::string>() : "";
  if (schema.contains("type") && schema["type"].is_array() && !schema["type"].empty()) {
    // One schema per listed type, owned by the generator: shrinking re-runs it after this call returns.
    auto narrowed = std::make_shared<std::vector<json>>();
    for (const json& t : schema["type"]) {
      json one = schema;
      one["type"] = t;
      narrowed->push_back(std::move(one));
    }
    return rc::gen::exec([narrowed, &root, depth]() -> json {
      return *value_gen((*narrowed)[*rc::gen::inRange<std::size_t>(0, narrowed->size())], root, depth);
    });
  }
  if (type.empty()) type = schema.contains("properties") ? "object" : "string";
  if (depth > kMaxDepth && (type == "object" || type == "array")) return rc::gen::just(type == "object" ? json::object() : json::array());
  if (type == "string") return string_gen(schema);
  if (type == "integer") return integer_gen(schema);
  if (type == "number") {
    return rc::gen::exec([&schema]() -> json {
      json whole = *integer_gen(schema);
      double fraction = *rc::gen::inRange(0, 4) * 0.25;
      double v = whole.get<double>() + fraction;
      if (schema.contains("maximum") && v > schema["maximum"].get<double>()) v = whole.get<double>();
      return v;
    });
  }
  if (type == "boolean") return rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); });
  if (type == "null") return rc::gen::just(json(nullptr));
  if (type == "object") return object_gen(schema, root, depth);
  if (type == "array") return array_gen(schema, root, depth);
  return rc::gen::just(json(nullptr));
}

json wrong_type_for(const json& value) {
  if (value.is_string()) return 12345;
  if (value.is_number()) return "not a number";
  if (value.is_boolean()) return "true";
  if (value.is_null()) return json::array({1});
  return "x";
}

json nested(int depth) {
  json v = json::array();
  for (int i = 0; i < depth; ++i) v = json::array({v});
  return v;
}

// One mutation of a valid value: what a confused model or a hostile client sends.
rc::Gen<GeneratedArguments> mutated(const json& schema, const json& root) {
  return rc::gen::exec([&schema, &root]() -> GeneratedArguments {
    json base = *value_gen(schema, root, 0);
    const json& properties = schema.contains("properties") && schema["properties"].is_object() ? schema["properties"] : json::object();
    std::vector<std::string> present;
    if (base.is_object()) {
      for (auto it = base.begin(); it != base.end(); ++it) present.push_back(it.key());
    }
    int kind = *rc::gen::inRange(0, 9);
    auto pick = [&present]() { return present.empty() ? std::string() : *rc::gen::elementOf(present); };
    switch (kind) {
      case 0:
        if (std::string name = pick(); !name.empty()) {
          base[name] = wrong_type_for(base[name]);
          return {base, "wrong type for " + name};
        }
        break;
      case 1:
        if (schema.contains("required") && schema["required"].is_array() && !schema["required"].empty()) {
          std::string name = *rc::gen::elementOf(std::vector<std::string>(schema["required"].begin(), schema["required"].end()));
          base.erase(name);
          return {base, "missing required " + name};
        }
        break;
      case 2:
        if (std::string name = pick(); !name.empty() && properties.contains(name)) {
          const json& p = resolve(properties[name], root);
          if (p.contains("maximum")) return {(base[name] = p["maximum"].get<double>() + 1, base), "above maximum of " + name};
          if (p.contains("minimum")) return {(base[name] = p["minimum"].get<double>() - 1, base), "below minimum of " + name};
          if (p.contains("enum")) return {(base[name] = "not-in-the-enum", base), "outside the enum of " + name};
          if (p.contains("maxLength")) {
            return {(base[name] = std::string(p["maxLength"].get<std::size_t>() + 1, 'x'), base), "longer than maxLength of " + name};
          }
        }
        break;
      case 3:
        if (std::string name = pick(); !name.empty()) {
          std::size_t length = *rc::gen::inRange<std::size_t>(1024, 262145);
          base[name] = std::string(length, 'A');
          return {base, "a " + std::to_string(length / 1024) + " KiB string in " + name};
        }
        break;
      case 4:
        if (std::string name = pick(); !name.empty()) {
          base[name] = nested(*rc::gen::inRange(64, 256));
          return {base, "deeply nested arrays in " + name};
        }
        break;
      case 5:
        return {*rc::gen::elementOf(std::vector<json>{nullptr, json::array(), "arguments", 42}), "arguments not an object"};
      default:
        break;
    }
    if (base.is_object()) {
      base["unexpected_property_" + std::to_string(*rc::gen::inRange(0, 3))] = "surprise";
      return {base, "an undeclared property"};
    }
    return {json::array(), "arguments not an object"};
  });
}

}  // namespace

ArgumentFuzzer::ArgumentFuzzer(json input_schema) : schema_(std::move(input_schema)) {
  if (!schema_.is_object()) schema_ = json{{"type", "object"}};
}

ArgumentFuzzer::~ArgumentFuzzer() = default;

namespace {

rc::Gen<GeneratedArguments> generator(const json& schema, bool valid) {
  if (!valid) return mutated(schema, schema);
  return rc::gen::map(value_gen(schema, schema, 0), [](json v) { return GeneratedArguments{std::move(v), ""}; });
}

}  // namespace

GeneratedArguments ArgumentFuzzer::generate(std::uint64_t seed, int size, bool valid) const {
  return generator(schema_, valid)(rc::Random(seed), size).value();
}

GeneratedArguments ArgumentFuzzer::shrink(std::uint64_t seed, int size, bool valid,
                                          const std::function<bool(const GeneratedArguments&)>& still_fails,
                                          int max_steps) const {
  rc::Shrinkable<GeneratedArguments> current = generator(schema_, valid)(rc::Random(seed), size);
  int steps = 0;
  bool improved = true;
  while (improved && steps < max_steps) {
    improved = false;
    rc::Seq<rc::Shrinkable<GeneratedArguments>> candidates = current.shrinks();
    while (auto candidate = candidates.next()) {
      if (++steps > max_steps) break;
      if (still_fails(candidate->value())) {
        current = *candidate;
        improved = true;
        break;
      }
    }
  }
  return current.value();
}

}  // namespace mcp::harness::fuzz
