#include "harness/engine/check.h"

#include <algorithm>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace mcp::harness {

const char* level_name(Level level) {
  switch (level) {
    case Level::kMust: return "MUST";
    case Level::kShould: return "SHOULD";
    case Level::kProfile: return "PROFILE";
  }
  return "?";
}

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kSkip: return "skip";
    case Verdict::kError: return "error";
  }
  return "?";
}

Outcome skip_without_capability(const std::string& capability) {
  return skip("the server does not declare the \"" + capability + "\" capability");
}

nlohmann::json capabilities_of(const nlohmann::json& handshake_response) {
  auto result = handshake_response.find("result");
  if (result != handshake_response.end() && result->is_object()) {
    auto capabilities = result->find("capabilities");
    if (capabilities != result->end() && capabilities->is_object()) return *capabilities;
  }
  return nlohmann::json::object();
}

Outcome pass(std::string message) { return {Verdict::kPass, std::move(message), {}, {}}; }
Outcome fail(std::string message, std::string expected, std::string actual) {
  return {Verdict::kFail, std::move(message), std::move(expected), std::move(actual)};
}
Outcome skip(std::string reason) { return {Verdict::kSkip, std::move(reason), {}, {}}; }
Outcome harness_error(std::string message) { return {Verdict::kError, std::move(message), {}, {}}; }

bool CheckSpec::applies_to(unsigned transport, const std::string& version) const {
  if (!(transports & transport)) return false;
  if (!min_version.empty() && version < min_version) return false;
  if (!max_version.empty() && version > max_version) return false;
  return true;
}

void Registry::add(CheckSpec spec) {
  if (find(spec.id)) {
    std::fprintf(stderr, "duplicate check id %s\n", spec.id.c_str());
    std::abort();
  }
  checks_.push_back(std::move(spec));
}

const CheckSpec* Registry::find(const std::string& id) const {
  for (const CheckSpec& c : checks_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<const CheckSpec*> Registry::select(const std::vector<std::string>& globs) const {
  auto matches = [](const std::string& glob, const std::string& id) { return glob_match(glob, id) || glob_match(glob + ".*", id); };
  bool any_inclusion = std::any_of(globs.begin(), globs.end(), [](const std::string& g) { return g.empty() || g[0] != '!'; });
  std::vector<const CheckSpec*> out;
  for (const CheckSpec& c : checks_) {
    bool chosen = !any_inclusion;
    for (const std::string& g : globs) {
      if (!g.empty() && g[0] == '!') continue;
      chosen = chosen || matches(g, c.id);
    }
    for (const std::string& g : globs) {
      if (!g.empty() && g[0] == '!' && matches(g.substr(1), c.id)) chosen = false;  // exclusions win
    }
    if (chosen) out.push_back(&c);
  }
  return out;
}

}  // namespace mcp::harness
