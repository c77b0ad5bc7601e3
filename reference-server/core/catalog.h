// Resources and prompts: small, real catalogues with the same registration style as tools.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcp/status.h"

namespace mcp::server {

class ToolContext;

struct ResourceSpec {
  std::string uri;
  std::string name;
  std::string description;
  std::string mime_type = "text/plain";
  std::function<std::string()> read;
  bool binary = false;  // read() returns bytes, served base64-encoded as a blob
};

// A family of resources under one URI template; `prefix` is the literal part
// before the first variable, and `read` returns nullopt for URIs it does not know.
struct ResourceTemplateSpec {
  std::string uri_template;
  std::string prefix;
  std::string name;
  std::string description;
  std::string mime_type = "text/plain";
  std::function<std::optional<std::string>(const std::string& uri)> read;
  // completion/complete: candidate values per template variable.
  std::map<std::string, std::vector<std::string>> completions;
};

class ResourceCatalog {
 public:
  Status add(ResourceSpec spec);
  Status add_template(ResourceTemplateSpec spec);
  nlohmann::json listing(const ResourceSpec& spec) const;
  nlohmann::json listing(const ResourceTemplateSpec& spec) const;
  const std::vector<ResourceSpec>& resources() const { return resources_; }
  const std::vector<ResourceTemplateSpec>& templates() const { return templates_; }
  // ReadResourceResult contents, or nullopt when no resource has this URI.
  std::optional<nlohmann::json> read(const std::string& uri) const;
  const ResourceTemplateSpec* find_template(const std::string& uri_template) const;

 private:
  std::vector<ResourceSpec> resources_;
  std::vector<ResourceTemplateSpec> templates_;
};

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
  std::vector<std::string> completions;  // candidate values for completion/complete
};

struct PromptSpec {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // Returns the prompt's messages for validated arguments (all required present). The
  // context asks the client for input as a tool's does (ToolContext::ask_client).
  std::function<nlohmann::json(const nlohmann::json& arguments, ToolContext& context)> render;
};

class PromptCatalog {
 public:
  Status add(PromptSpec spec);
  const std::vector<PromptSpec>& all() const { return prompts_; }
  const PromptSpec* find(const std::string& name) const;
  nlohmann::json listing(const PromptSpec& spec) const;

 private:
  std::vector<PromptSpec> prompts_;
};

// completion/complete: the candidates starting with `prefix`, at most 100 as the spec
// allows, with the total and whether more were left out.
nlohmann::json complete_from(const std::vector<std::string>& candidates, const std::string& prefix);

}  // namespace mcp::server
