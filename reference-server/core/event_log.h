// One JSON line per event on stderr (never stdout: in stdio mode stdout is the
// protocol). Observability work extends this into the full structured log.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace mcp::server {

void log_event(std::string_view level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace mcp::server
