#include "harness/engine/profile.h"

#include <fstream>
#include <regex>

namespace mcp::harness {

StatusOr<Profile> load_profile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return not_found("cannot read profile " + path);
  nlohmann::json parsed = nlohmann::json::parse(file, nullptr, false);
  if (!parsed.is_object()) return invalid_argument(path + " is not a JSON object");
  Profile profile;
  for (const auto& [section, values] : parsed.items()) {
    if (section == "limits" && values.is_object()) {
      for (const auto& [key, value] : values.items()) {
        if (key == "declaration_key" && value.is_string()) profile.limits.declaration_key = value;
        else if (key == "declared" && value.is_object()) profile.limits.declared = value;
        else if (key == "refusal_meta_key" && value.is_string()) profile.limits.refusal_meta_key = value;
        else if (key == "refusal_pointer" && value.is_string()) profile.limits.refusal_pointer = value;
        else if (key == "refusal_error_code" && value.is_number_integer()) profile.limits.refusal_error_code = value;
        else if (key == "refusal_text_pattern" && value.is_string()) {
          try {
            std::regex check(value.get<std::string>());
          } catch (const std::regex_error&) {
            return invalid_argument(path + ": limits.refusal_text_pattern is not a valid regular expression");
          }
          profile.limits.refusal_text_pattern = value;
        }
        else if (key == "max_calls" && value.is_number_integer()) profile.limits.max_calls = value;
        else return invalid_argument(path + ": unknown or mistyped setting limits." + key);
      }
      continue;
    }
    if (section == "observability" && values.is_object()) {
      for (const auto& [key, value] : values.items()) {
        if (key == "exports_traces" && value.is_boolean()) profile.observability.exports_traces = value;
        else if (key == "correlation_key" && value.is_string()) profile.observability.correlation_key = value;
        else return invalid_argument(path + ": unknown or mistyped setting observability." + key);
      }
      continue;
    }
    if (section == "tools" && values.is_object()) {
      for (const auto& [key, value] : values.items()) {
        if (key != "callable" || !value.is_string()) return invalid_argument(path + ": unknown or mistyped setting tools." + key);
        auto policy = ToolCallPolicy::parse(value.get<std::string>());
        if (!policy.ok()) return invalid_argument(path + ": tools.callable: " + policy.status().message());
        profile.tools.callable = *policy;
      }
      continue;
    }
    if (section == "auth" && values.is_object()) {
      for (const auto& [key, value] : values.items()) {
        if (key == "scopes" && value.is_string()) profile.auth.scopes = value;
        else if (key == "scoped_tool" && value.is_string()) profile.auth.scoped_tool = value;
        else if (key == "scoped_tool_scope" && value.is_string()) profile.auth.scoped_tool_scope = value;
        else if (key == "leeway_seconds" && value.is_number_integer() && value >= 0 && value <= 300) profile.auth.leeway_seconds = value;
        else if (key == "jwks_refresh_seconds" && value.is_number_integer() && value >= 0 && value <= 300) profile.auth.jwks_refresh_seconds = value;
        else return invalid_argument(path + ": unknown or mistyped setting auth." + key);
      }
      continue;
    }
    if (section != "versioning" || !values.is_object()) return invalid_argument(path + ": unknown section \"" + section + "\"");
    for (const auto& [key, value] : values.items()) {
      if (!value.is_string()) return invalid_argument(path + ": versioning." + key + " must be a string");
      std::string text = value;
      if (key == "name_pattern") {
        try {
          std::regex re(text);
          if (re.mark_count() != 2) return invalid_argument(path + ": name_pattern needs two groups (base, version)");
        } catch (const std::regex_error&) {
          return invalid_argument(path + ": name_pattern is not a valid regular expression");
        }
        profile.versioning.name_pattern = text;
      } else if (key == "lifecycle_key") {
        profile.versioning.lifecycle_key = text;
      } else if (key == "deprecation_key") {
        profile.versioning.deprecation_key = text;
      } else if (key == "retired_code") {
        profile.versioning.retired_code = text;
      } else {
        return invalid_argument(path + ": unknown setting versioning." + key);
      }
    }
  }
  return profile;
}

}  // namespace mcp::harness
