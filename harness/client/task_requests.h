// Asking a server to run a tools/call as a task, in either era, and reading the task
// it created: 2026-07-28 declares the tasks extension in the request's _meta and the
// server decides per call (a result with resultType "task"); 2025-11-25 adds
// params.task (a result whose "task" is the created task).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/client/mcp_client.h"

namespace mcp::harness {

inline constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";

// tools/call params for `tool` that ask for a task. `modern_meta` is the request's
// _meta on 2026-07-28 (it must declare kTasksExtension); 2025-11-25 ignores it.
nlohmann::json task_call_params(const McpClient& client, const nlohmann::json& tool, const nlohmann::json& arguments,
                                const nlohmann::json& modern_meta);
// The task a tools/call result created, or null when the call was answered directly.
nlohmann::json created_task(const McpClient& client, const nlohmann::json& result);

}  // namespace mcp::harness
