// A small, deterministic, valid instance of a JSON Schema: the arguments a check sends
// when it needs "some valid call" of a tool. It follows the vocabulary tool schemas use
// (type arrays, $ref into the same document, const, enum, anyOf / oneOf / allOf,
// formats, bounds, multipleOf, prefixItems) and validates what it built before
// answering, so a check never sends arguments it believes valid that are not.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

namespace mcp {

// nullopt when no valid instance was found (a pattern it cannot satisfy, say): the
// caller skips with that reason instead of blaming the server.
std::optional<nlohmann::json> example_instance(const nlohmann::json& schema);

}  // namespace mcp
