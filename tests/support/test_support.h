// Helpers for tests that run the real binaries as processes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mcp::testing {

std::string bin_dir();     // where the built programs are
std::string source_dir();  // the repository root

struct ProgramRun {
  int exit_code = -1;  // -1 when killed or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs argv to completion (killing it at the deadline) and captures both streams.
ProgramRun run_program(const std::vector<std::string>& argv,
                       std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A loopback TCP port that was free a moment ago.
int free_port();

std::string read_file(const std::string& path);
std::string temp_path(const std::string& name);

}  // namespace mcp::testing
