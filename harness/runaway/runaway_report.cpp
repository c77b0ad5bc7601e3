#include <cstdio>

#include "harness/report/reports.h"
#include "harness/runaway/runaway.h"

namespace mcp::harness {

using json = nlohmann::json;

std::string render_runaway_csv(const RunawayReport& report) {
  std::string out = "scenario,second,calls,accepted,refused,errors,p50_ms,p99_ms\n";
  char line[256];
  for (const ScenarioResult& s : report.scenarios) {
    for (const TimelineRow& r : s.timeline) {
      std::snprintf(line, sizeof line, "%s,%d,%d,%d,%d,%d,%.3f,%.3f\n", s.name.c_str(), r.second, r.calls, r.accepted,
                    r.refused, r.errors, r.p50_ms, r.p99_ms);
      out += line;
    }
  }
  return out;
}

json render_runaway_json(const RunawayReport& report) {
  json scenarios = json::array();
  for (const ScenarioResult& s : report.scenarios) {
    json timeline = json::array();
    for (const TimelineRow& r : s.timeline) {
      timeline.push_back({{"second", r.second}, {"calls", r.calls}, {"accepted", r.accepted}, {"refused", r.refused},
                          {"errors", r.errors}, {"p50_ms", r.p50_ms}, {"p99_ms", r.p99_ms}});
    }
    scenarios.push_back({{"name", s.name}, {"description", s.description}, {"id", s.verdict_id},
                         {"status", verdict_name(s.verdict.verdict)}, {"message", s.verdict.message},
                         {"seconds", s.seconds}, {"calls", s.events.size()}, {"timeline", timeline}});
  }
  return {{"tool", "mcp-harness runaway"}, {"target", report.target}, {"driven_tool", report.tool},
          {"seed", report.seed}, {"passed", report.passed()}, {"scenarios", scenarios}};
}

namespace {

// Stacked bars per second: accepted (green), refused (amber), errors (red); p99 latency as a line.
std::string timeline_svg(const std::vector<TimelineRow>& rows) {
  const int width = 640, height = 180, left = 48, bottom = 24, top = 10;
  int peak = 1;
  double peak_latency = 1;
  for (const TimelineRow& r : rows) {
    peak = std::max(peak, r.calls);
    peak_latency = std::max(peak_latency, r.p99_ms);
  }
  double slot = rows.empty() ? 1 : static_cast<double>(width - left - 10) / static_cast<double>(rows.size());
  double scale = static_cast<double>(height - bottom - top) / peak;
  char buf[512];
  std::string svg = "<svg viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                    "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"calls per second\">";
  std::snprintf(buf, sizeof buf, "<text x=\"4\" y=\"%d\" font-size=\"10\" fill=\"#57606a\">%d/s</text>", top + 8, peak);
  svg += buf;
  std::string p99_line;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TimelineRow& r = rows[i];
    double x = left + static_cast<double>(i) * slot + 2, w = std::max(1.0, slot - 4);
    double y = height - bottom;
    const std::pair<int, const char*> parts[] = {{r.accepted, "#1a7f37"}, {r.refused, "#d4a72c"}, {r.errors, "#cf222e"}};
    for (const auto& [n, colour] : parts) {
      double h = n * scale;
      y -= h;
      std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>second %d: %d</title></rect>",
                    x, y, w, h, colour, r.second, n);
      svg += buf;
    }
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#57606a\" text-anchor=\"middle\">%d</text>",
                  x + w / 2, height - 8, r.second);
    svg += buf;
    double ly = height - bottom - (r.p99_ms / peak_latency) * (height - bottom - top);
    std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", p99_line.empty() ? "" : " ", x + w / 2, ly);
    p99_line += buf;
  }
  if (!p99_line.empty()) svg += "<polyline points=\"" + p99_line + "\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\"/>";
  svg += "</svg>";
  return svg;
}

}  // namespace

std::string render_runaway_html(const RunawayReport& report) {
  std::string out =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mcp-harness runaway: " + xml_escape(report.target) +
      "</title><style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}h1{font-size:20px}"
      "section{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:12px 0}"
      ".pass{color:#1a7f37}.fail{color:#cf222e}.skip{color:#6e7781}table{border-collapse:collapse;font-size:12px;margin-top:8px}"
      "td,th{border-top:1px solid #d0d7de;padding:2px 8px;text-align:right}.legend span{margin-right:12px}</style></head><body>";
  out += "<h1>Runaway-agent simulation</h1><p>" + xml_escape(report.target) + " &middot; tool <code>" + xml_escape(report.tool) +
         "</code> &middot; seed " + std::to_string(report.seed) + " &middot; <b class=\"" +
         std::string(report.passed() ? "pass\">PASSED" : "fail\">FAILED") + "</b></p>";
  out += "<p class=\"legend\"><span style=\"color:#1a7f37\">&#9632; accepted</span><span style=\"color:#d4a72c\">&#9632; refused</span>"
         "<span style=\"color:#cf222e\">&#9632; errors</span><span style=\"color:#0969da\">&#9472; p99 latency</span></p>";
  for (const ScenarioResult& s : report.scenarios) {
    std::string status = verdict_name(s.verdict.verdict);
    out += "<section id=\"" + xml_escape(s.name) + "\"><h2>" + xml_escape(s.name) + " <small class=\"" + status + "\">" + status +
           "</small></h2><p>" + xml_escape(s.description) + "<br><code>" + xml_escape(s.verdict_id) + "</code>: " +
           xml_escape(s.verdict.message) + "</p>" + timeline_svg(s.timeline);
    out += "<table><tr><th>second</th><th>calls</th><th>accepted</th><th>refused</th><th>errors</th><th>p50 ms</th><th>p99 ms</th></tr>";
    char row[256];
    for (const TimelineRow& r : s.timeline) {
      std::snprintf(row, sizeof row, "<tr><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td><td>%.2f</td></tr>",
                    r.second, r.calls, r.accepted, r.refused, r.errors, r.p50_ms, r.p99_ms);
      out += row;
    }
    out += "</table></section>";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace mcp::harness
