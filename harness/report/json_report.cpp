#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/report/reports.h"

namespace mcp::harness {

using json = nlohmann::json;

std::string render_json(const RunReport& report) {
  json checks = json::array();
  for (const CheckResult& r : report.results) {
    json transcript = json::array();
    for (const TranscriptEntry& e : r.transcript) {
      transcript.push_back({{"at_ms", e.at_ms}, {"direction", e.direction}, {"text", e.text}});
    }
    json check = {{"id", r.spec->id},
                  {"level", level_name(r.level)},
                  {"status", verdict_name(r.outcome.verdict)},
                  {"message", r.outcome.message},
                  {"requirement", r.spec->requirement},
                  {"spec", r.spec->spec_ref},
                  {"duration_ms", r.duration_ms},
                  {"transcript", transcript}};
    if (!r.outcome.expected.empty()) check["expected"] = r.outcome.expected;
    if (!r.outcome.actual.empty()) check["actual"] = r.outcome.actual;
    checks.push_back(std::move(check));
  }
  json out = {{"tool", "mcp-harness"},
              {"version", kHarnessVersion},
              {"target", report.target},
              {"transport", report.transport},
              {"protocol_version", report.protocol_version},
              {"started_at", report.started_at},
              {"duration_ms", report.wall_ms},
              {"summary",
               {{"passed", report.count(Verdict::kPass)},
                {"failed", report.count(Verdict::kFail)},
                {"skipped", report.count(Verdict::kSkip)},
                {"harness_errors", report.count(Verdict::kError)},
                {"must_failed", report.must_failures()},
                {"should_failed", report.failures_at(Level::kShould)},
                {"profile_failed", report.failures_at(Level::kProfile)},
                {"skipped_without_callable_tool", report.skipped_without_callable_tool()},
                {"total", report.results.size()}}},
              {"tool_policy", report.tool_policy},
              {"checks", checks}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status write_text_file(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return unavailable("cannot write " + path);
  file << content;
  file.close();
  if (!file) return unavailable("failed writing " + path);
  return ok_status();
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0 (nor useful in HTML).
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "\\x" + std::to_string(c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string render_junit(const RunReport& report) {
  std::string suite_name = "mcp-harness (" + report.transport + ")";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", report.wall_ms / 1000.0);
  // A failed test case is a MUST failure: SHOULD and PROFILE failures are warnings, reported
  // in the case's system-out, so that a green pipeline shows no red test (docs/guide.md).
  std::string counts = "tests=\"" + std::to_string(report.results.size()) + "\" failures=\"" +
                       std::to_string(report.must_failures()) + "\" errors=\"" + std::to_string(report.count(Verdict::kError)) +
                       "\" skipped=\"" + std::to_string(report.count(Verdict::kSkip)) + "\"";
  out += "<testsuites name=\"mcp-harness\" " + counts + " time=\"" + time + "\">\n";
  out += "  <testsuite name=\"" + xml_escape(suite_name) + "\" " + counts + " timestamp=\"" + report.started_at +
         "\" time=\"" + time + "\">\n";
  for (const CheckResult& r : report.results) {
    std::snprintf(time, sizeof time, "%.3f", r.duration_ms / 1000.0);
    std::string area = r.spec->id.substr(0, r.spec->id.find('.'));
    out += "    <testcase classname=\"" + xml_escape(area) + "\" name=\"" + xml_escape(r.spec->id) + " [" +
           level_name(r.level) + "]\" time=\"" + time + "\">\n";
    std::string evidence = r.spec->requirement + "\nexpected: " + r.outcome.expected + "\nactual: " + r.outcome.actual +
                           "\nspec: " + r.spec->spec_ref;
    if (r.outcome.verdict == Verdict::kFail && r.level == Level::kMust) {
      out += "      <failure message=\"" + xml_escape(r.outcome.message) + "\" type=\"MUST\">" + xml_escape(evidence) +
             "</failure>\n";
    } else if (r.outcome.verdict == Verdict::kFail) {
      out += "      <system-out>" + xml_escape(std::string("WARNING (") + level_name(r.level) + "): " + r.outcome.message +
                                               "\n" + evidence) +
             "</system-out>\n";
    } else if (r.outcome.verdict == Verdict::kSkip) {
      out += "      <skipped message=\"" + xml_escape(r.outcome.message) + "\"/>\n";
    } else if (r.outcome.verdict == Verdict::kError) {
      // JUnit's <error> is "the test could not run as written": the harness's fault, not the server's.
      out += "      <error message=\"" + xml_escape(r.outcome.message) + "\" type=\"harness\"/>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace mcp::harness
