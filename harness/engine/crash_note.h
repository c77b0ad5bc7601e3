// When the harness itself crashes (a signal, not an exception), it still says so: which
// check was running and how far the run got, on stderr and, when a JSON report was
// asked for, as a small JSON report at that path. A harness fault is never a verdict
// on the server, and a CI log must show what happened instead of a bare exit 139.
#pragma once

#include <cstddef>
#include <string>

namespace mcp::harness {

// Installs the handlers (on an alternate stack, so that a stack overflow is caught too).
void install_crash_note(const std::string& report_json_path);
// Records the check about to run; `index` of `total`, with `failed` failures so far.
void note_running_check(const std::string& id, std::size_t index, std::size_t total, std::size_t failed);

}  // namespace mcp::harness
