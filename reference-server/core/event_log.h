// One JSON line per event on stderr or --log-file (never stdout: in stdio mode stdout
// is the protocol), with long strings and collections cut. Every part of the server
// logs through it: auth decisions, filters, the transport, and the tool-call lines of
// observability/telemetry.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <cstdio>
#include <string>
#include <string_view>

namespace mcp::server {

void log_event(std::string_view level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

// Where log lines go (default stderr). Returns false when the file cannot be opened.
bool set_log_file(const std::string& path);
void set_log_stream(std::FILE* stream);

}  // namespace mcp::server
