#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "harness/report/reports.h"

namespace mcp::harness {

namespace {

const char* kStyle = R"css(
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:20px 28px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:20px;margin:0 0 6px}.meta{color:#57606a}
.summary{display:flex;gap:12px;margin-top:14px;flex-wrap:wrap}
.tile{padding:8px 14px;border-radius:6px;border:1px solid var(--line);background:#fff;min-width:110px}
.tile b{display:block;font-size:22px}.tile.pass b{color:var(--pass)}.tile.fail b{color:var(--fail)}
.tile.skip b{color:var(--skip)}.tile.gate b{color:var(--fail)}.tile.gate.ok b{color:var(--pass)}
main{padding:16px 28px}.filters{margin-bottom:12px}.filters button{margin-right:6px;padding:4px 10px;border:1px solid var(--line);background:#fff;border-radius:6px;cursor:pointer}
.filters button.on{background:#1f2328;color:#fff}
details{border:1px solid var(--line);border-radius:6px;margin-bottom:8px}
summary{padding:8px 12px;cursor:pointer;display:flex;gap:10px;align-items:center}
.badge{font-weight:600;font-size:12px;padding:2px 8px;border-radius:10px;color:#fff;min-width:46px;text-align:center}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.skip{background:var(--skip)}.badge.error{background:#8250df}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}.level{color:#57606a;font-size:12px}.msg{color:#57606a;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.body{padding:4px 14px 14px;border-top:1px solid var(--line)}
.kv{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;margin:8px 0}.kv div:nth-child(odd){color:#57606a}
pre{background:var(--bg);padding:8px;border-radius:6px;white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px}
table.wire{border-collapse:collapse;width:100%;margin-top:8px}table.wire td{border-top:1px solid var(--line);padding:4px 6px;vertical-align:top}
td.t{color:#57606a;white-space:nowrap;font-size:12px}td.d{font-weight:600;font-size:12px;white-space:nowrap}
table.wf{width:100%;border-collapse:collapse;font-size:12px}table.wf td{padding:2px 6px;border-top:1px solid var(--line)}
td.lane{width:55%}.bar{height:10px;background:#0969da;border-radius:2px}.bar.err{background:var(--fail)}h2.wf{font-size:16px;margin-top:24px}
details.trace summary{font-size:13px}
section.failing{border:1px solid var(--line);border-radius:6px;padding:4px 16px;margin-bottom:12px}
section.failing h3{font-size:14px;margin:10px 0 4px}section.failing ul{margin:0 0 8px;padding-left:18px}
tr.broke td{background:#ffebe9}tr.broke pre{background:#ffebe9;outline:1px solid var(--fail)}
td.d.send{color:#0969da}td.d.recv,td.d.http{color:#8250df}td.d.note{color:var(--warn)}
)css";

const char* kScript = R"js(
function show(kind){document.querySelectorAll('.filters button').forEach(b=>b.classList.toggle('on',b.dataset.k===kind));
document.querySelectorAll('details.check').forEach(d=>{d.style.display=(kind==='all'||d.dataset.s===kind)?'':'none'});}
)js";

// One trace: a row per span, indented by depth, with a bar placed on the trace's timeline.
std::string waterfall(const std::string& trace_id, std::vector<const ReceivedSpan*> list) {
  std::string out;
    std::sort(list.begin(), list.end(), [](const ReceivedSpan* a, const ReceivedSpan* b) { return a->start_unix_nano < b->start_unix_nano; });
  std::uint64_t begin = list.front()->start_unix_nano, end = begin + 1;
  for (const ReceivedSpan* s : list) end = std::max(end, s->end_unix_nano);
  std::map<std::string, int> depth;
  out += "<details class=\"trace\"><summary><span class=\"id\">trace " + xml_escape(trace_id) + "</span> &middot; " +
         std::to_string(list.size()) + " spans &middot; " + std::to_string((end - begin) / 1000) + " &micro;s</summary><table class=\"wf\">";
  for (const ReceivedSpan* s : list) {
    int d = depth.count(s->parent_span_id) ? depth[s->parent_span_id] + 1 : 0;
    depth[s->span_id] = d;
    double left = 100.0 * static_cast<double>(s->start_unix_nano - begin) / static_cast<double>(end - begin);
    double width = std::max(0.5, 100.0 * static_cast<double>(s->end_unix_nano - s->start_unix_nano) / static_cast<double>(end - begin));
    char bar[256];
    std::snprintf(bar, sizeof bar, "<div class=\"bar%s\" style=\"margin-left:%.2f%%;width:%.2f%%\"></div>",
                  s->status_code == 2 ? " err" : "", left, std::min(width, 100.0 - left));
    out += "<tr><td style=\"padding-left:" + std::to_string(8 + d * 14) + "px\">" + xml_escape(s->name) + "</td><td class=\"t\">" +
           std::to_string((s->end_unix_nano - s->start_unix_nano) / 1000) + " &micro;s</td><td class=\"lane\">" + bar +
           "</td></tr>";
  }
  out += "</table></details>";
  return out;
}

// The traces most worth a look: agent turns (several server spans) first; at most 12.
std::string waterfalls(const std::vector<ReceivedSpan>& spans) {
  std::map<std::string, std::vector<const ReceivedSpan*>> traces;
  for (const ReceivedSpan& s : spans) traces[s.trace_id].push_back(&s);
  std::vector<std::pair<std::string, std::vector<const ReceivedSpan*>>> ordered(traces.begin(), traces.end());
  auto servers = [](const std::vector<const ReceivedSpan*>& list) {
    return std::count_if(list.begin(), list.end(), [](const ReceivedSpan* s) { return s->kind == 2; });
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) { return servers(a.second) > servers(b.second); });
  if (ordered.size() > 12) ordered.resize(12);
  std::string out = "<h2 class=\"wf\">Traces (" + std::to_string(traces.size()) + " received, " + std::to_string(ordered.size()) +
                    " shown)</h2>";
  for (auto& [trace_id, list] : ordered) out += waterfall(trace_id, list);
  return out;
}

// "docs/2025-11-25/basic/lifecycle.mdx § Version Negotiation (...)" -> the page on
// modelcontextprotocol.io, or empty for references that are not spec pages.
std::string spec_url(const std::string& ref) {
  std::string path = ref.rfind("docs/", 0) == 0 ? ref.substr(5) : ref;
  std::size_t mdx = path.find(".mdx");
  if (mdx == std::string::npos || path.size() < 10 || path[4] != '-' || path[7] != '-') return "";
  std::string url = "https://modelcontextprotocol.io/specification/" + path.substr(0, mdx);
  std::size_t section = path.find(" \xC2\xA7 ", mdx);  // " § "
  if (section != std::string::npos) {
    std::string anchor;
    for (std::size_t i = section + 4; i < path.size() && path[i] != '(' && path[i] != ';'; ++i) {
      char c = path[i];
      if (c >= 'A' && c <= 'Z') anchor += static_cast<char>(c - 'A' + 'a');
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') anchor += c;
      else if (c == ' ' && !anchor.empty() && anchor.back() != '-') anchor += '-';
    }
    while (!anchor.empty() && anchor.back() == '-') anchor.pop_back();
    if (!anchor.empty()) url += "#" + anchor;
  }
  return url;
}

// Trace ids the check sent in traceparent values ("00-<32 hex>-<16 hex>-01").
std::vector<std::string> traces_sent(const CheckResult& r) {
  std::vector<std::string> ids;
  for (const TranscriptEntry& e : r.transcript) {
    if (e.direction != "send") continue;
    for (std::size_t at = 0; (at = e.text.find("\"00-", at)) != std::string::npos; at += 4) {
      std::string id = e.text.substr(at + 4, 32);
      bool hex = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
      if (hex && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}

std::string status_class(const CheckResult& r) {
  if (r.outcome.verdict == Verdict::kFail) return r.level == Level::kMust ? "fail" : "warn";
  return verdict_name(r.outcome.verdict);
}

}  // namespace

std::string render_html(const RunReport& report) {
  std::string out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  out += "<title>mcp-harness report: " + xml_escape(report.target) + "</title><style>" + kStyle + "</style></head><body>";
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2f s", report.wall_ms / 1000.0);
  out += "<header><h1>MCP harness report</h1><div class=\"meta\">" + xml_escape(report.target) +
         " &middot; protocol " + xml_escape(report.protocol_version) + " &middot; " + report.started_at + " &middot; " +
         duration + " &middot; mcp-harness " + kHarnessVersion + "</div>";
  std::size_t must_failed = report.must_failures();
  out += "<div class=\"summary\">";
  out += "<div class=\"tile gate" + std::string(must_failed ? "" : " ok") + "\"><b>" +
         (must_failed ? "FAIL" : "PASS") + "</b>CI verdict</div>";
  out += "<div class=\"tile pass\"><b>" + std::to_string(report.count(Verdict::kPass)) + "</b>passed</div>";
  out += "<div class=\"tile fail\"><b>" + std::to_string(report.count(Verdict::kFail)) + "</b>failed (" +
         std::to_string(must_failed) + " MUST)</div>";
  out += "<div class=\"tile skip\"><b>" + std::to_string(report.count(Verdict::kSkip)) + "</b>skipped</div>";
  if (std::size_t errors = report.count(Verdict::kError)) {
    out += "<div class=\"tile skip\"><b>" + std::to_string(errors) + "</b>harness errors (not the server's)</div>";
  }
  out += "</div></header><main>";
  // What to read first: every failing check by level, MUST first, each a link to its evidence.
  std::string failing;
  for (Level level : {Level::kMust, Level::kShould, Level::kProfile}) {
    std::string ids;
    for (const CheckResult& r : report.results) {
      if (r.outcome.verdict != Verdict::kFail || r.level != level) continue;
      ids += "<li><a class=\"id\" href=\"#" + xml_escape(r.spec->id) + "\">" + xml_escape(r.spec->id) + "</a> " +
             xml_escape(r.outcome.message.substr(0, 160)) + "</li>";
    }
    if (!ids.empty()) failing += "<h3>" + std::string(level_name(level)) + (level == Level::kMust ? " failures" : " warnings") + "</h3><ul>" + ids + "</ul>";
  }
  if (!failing.empty()) out += "<section class=\"failing\">" + failing + "</section>";
  out += "<div class=\"filters\"><button data-k=\"all\" class=\"on\" onclick=\"show('all')\">All</button>"
         "<button data-k=\"fail\" onclick=\"show('fail')\">Failed (MUST)</button>"
         "<button data-k=\"warn\" onclick=\"show('warn')\">Failed (SHOULD)</button>"
         "<button data-k=\"pass\" onclick=\"show('pass')\">Passed</button>"
         "<button data-k=\"skip\" onclick=\"show('skip')\">Skipped</button></div>";
  for (const CheckResult& r : report.results) {
    std::string cls = status_class(r);
    std::string label = cls == "warn" ? "WARN" : cls == "fail" ? "FAIL" : cls == "pass" ? "PASS" : cls == "error" ? "ERROR" : "SKIP";
    bool open = (r.outcome.verdict == Verdict::kFail && r.level == Level::kMust) || r.outcome.verdict == Verdict::kError;
    out += "<details class=\"check\" data-s=\"" + cls + "\" id=\"" + xml_escape(r.spec->id) + "\"" +
           (open ? " open" : "") + "><summary><span class=\"badge " + cls + "\">" + label +
           "</span><span class=\"id\">" + xml_escape(r.spec->id) + "</span><span class=\"level\">" +
           level_name(r.level) + "</span><span class=\"msg\">" + xml_escape(r.outcome.message) +
           "</span></summary><div class=\"body\"><div class=\"kv\">";
    out += "<div>Requirement</div><div>" + xml_escape(r.spec->requirement) + "</div>";
    std::string url = spec_url(r.spec->spec_ref);
    out += "<div>Spec</div><div>" +
           (url.empty() ? xml_escape(r.spec->spec_ref)
                        : "<a href=\"" + xml_escape(url) + "\">" + xml_escape(r.spec->spec_ref) + "</a>") +
           "</div>";
    if (!r.outcome.message.empty()) out += "<div>Result</div><div>" + xml_escape(r.outcome.message) + "</div>";
    if (!r.outcome.expected.empty()) out += "<div>Expected</div><div><pre>" + xml_escape(r.outcome.expected) + "</pre></div>";
    if (!r.outcome.actual.empty()) out += "<div>Actual</div><div><pre>" + xml_escape(r.outcome.actual) + "</pre></div>";
    char took[32];
    std::snprintf(took, sizeof took, "%.1f ms", r.duration_ms);
    out += std::string("<div>Duration</div><div>") + took + "</div></div>";
    if (!r.transcript.empty()) {
      out += "<table class=\"wire\">";
      for (std::size_t i = 0; i < r.transcript.size(); ++i) {
        const TranscriptEntry& e = r.transcript[i];
        // The message that broke the schema is the one right before the note that says so.
        bool broke = i + 1 < r.transcript.size() && r.transcript[i + 1].direction == "note" &&
                     r.transcript[i + 1].text.rfind("schema violation", 0) == 0;
        char at[32];
        std::snprintf(at, sizeof at, "%.1f ms", e.at_ms);
        out += std::string("<tr") + (broke ? " class=\"broke\"" : "") + "><td class=\"t\">" + at + "</td><td class=\"d " +
               xml_escape(e.direction) + "\">" + xml_escape(e.direction) + "</td><td><pre>" + xml_escape(e.text) +
               "</pre></td></tr>";
      }
      out += "</table>";
    }
    for (const std::string& trace_id : traces_sent(r)) {
      std::vector<const ReceivedSpan*> spans;
      for (const ReceivedSpan& span : report.spans) {
        if (span.trace_id == trace_id) spans.push_back(&span);
      }
      if (!spans.empty()) out += waterfall(trace_id, spans);
    }
    out += "</div></details>";
  }
  if (!report.spans.empty()) out += waterfalls(report.spans);
  out += std::string("</main><script>") + kScript + "</script></body></html>\n";
  return out;
}

}  // namespace mcp::harness
