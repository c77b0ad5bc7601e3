// Report formats: JSON (machine-readable, stable field names), JUnit XML (CI
// test tabs), a self-contained HTML page (people), and the console (progress).
#pragma once

#include <cstdio>
#include <string>

#include "harness/engine/runner.h"
#include "mcp/status.h"

namespace mcp::harness {

inline constexpr const char* kHarnessVersion = "0.1.0";

std::string render_json(const RunReport& report);
std::string render_junit(const RunReport& report);
std::string render_html(const RunReport& report);
Status write_text_file(const std::string& path, const std::string& content);

std::string xml_escape(const std::string& text);

class ConsoleReporter {
 public:
  enum class Verbosity { kQuiet, kNormal, kVerbose };
  ConsoleReporter(std::FILE* out, bool color, Verbosity verbosity) : out_(out), color_(color), verbosity_(verbosity) {}
  RunObserver observer();
  void summary(const RunReport& report);

 private:
  std::string paint(const char* code, const std::string& text) const;
  std::FILE* out_;
  bool color_;
  Verbosity verbosity_;
  std::size_t finished_ = 0;  // checks finish out of order under --jobs: progress counts them
};

}  // namespace mcp::harness
