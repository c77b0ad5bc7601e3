#include "reference-server/core/catalog.h"

#include "mcp/base64.h"

namespace mcp::server {

using json = nlohmann::json;

Status ResourceCatalog::add(ResourceSpec spec) {
  if (spec.uri.empty() || !spec.read) return invalid_argument("resource needs a uri and a reader");
  for (const ResourceSpec& r : resources_) {
    if (r.uri == spec.uri) return invalid_argument("resource " + spec.uri + " is already registered");
  }
  resources_.push_back(std::move(spec));
  return ok_status();
}

Status ResourceCatalog::add_template(ResourceTemplateSpec spec) {
  if (spec.uri_template.empty() || spec.prefix.empty() || !spec.read) {
    return invalid_argument("resource template needs a template, a prefix and a reader");
  }
  templates_.push_back(std::move(spec));
  return ok_status();
}

json ResourceCatalog::listing(const ResourceSpec& spec) const {
  json entry = {{"uri", spec.uri}, {"name", spec.name}, {"mimeType", spec.mime_type}};
  if (!spec.description.empty()) entry["description"] = spec.description;
  return entry;
}

json ResourceCatalog::listing(const ResourceTemplateSpec& spec) const {
  json entry = {{"uriTemplate", spec.uri_template}, {"name", spec.name}, {"mimeType", spec.mime_type}};
  if (!spec.description.empty()) entry["description"] = spec.description;
  return entry;
}

std::optional<json> ResourceCatalog::read(const std::string& uri) const {
  auto contents = [&](const std::string& text, const std::string& mime, bool binary = false) {
    return binary ? json::array({{{"uri", uri}, {"mimeType", mime}, {"blob", base64_encode(text)}}})
                  : json::array({{{"uri", uri}, {"mimeType", mime}, {"text", text}}});
  };
  for (const ResourceSpec& r : resources_) {
    if (r.uri == uri) return contents(r.read(), r.mime_type, r.binary);
  }
  for (const ResourceTemplateSpec& t : templates_) {
    if (uri.rfind(t.prefix, 0) != 0) continue;
    if (auto text = t.read(uri)) return contents(*text, t.mime_type);
  }
  return std::nullopt;
}

const ResourceTemplateSpec* ResourceCatalog::find_template(const std::string& uri_template) const {
  for (const ResourceTemplateSpec& t : templates_) {
    if (t.uri_template == uri_template) return &t;
  }
  return nullptr;
}

json complete_from(const std::vector<std::string>& candidates, const std::string& prefix) {
  constexpr std::size_t kMaxValues = 100;
  json values = json::array();
  std::size_t total = 0;
  for (const std::string& candidate : candidates) {
    if (candidate.rfind(prefix, 0) != 0) continue;
    ++total;
    if (values.size() < kMaxValues) values.push_back(candidate);
  }
  return {{"values", values}, {"total", total}, {"hasMore", total > values.size()}};
}

Status PromptCatalog::add(PromptSpec spec) {
  if (spec.name.empty() || !spec.render) return invalid_argument("prompt needs a name and a renderer");
  if (find(spec.name)) return invalid_argument("prompt " + spec.name + " is already registered");
  prompts_.push_back(std::move(spec));
  return ok_status();
}

const PromptSpec* PromptCatalog::find(const std::string& name) const {
  for (const PromptSpec& p : prompts_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

json PromptCatalog::listing(const PromptSpec& spec) const {
  json args = json::array();
  for (const PromptArgument& a : spec.arguments) {
    args.push_back({{"name", a.name}, {"description", a.description}, {"required", a.required}});
  }
  json entry = {{"name", spec.name}, {"description", spec.description}, {"arguments", args}};
  if (!spec.title.empty()) entry["title"] = spec.title;
  return entry;
}

}  // namespace mcp::server
