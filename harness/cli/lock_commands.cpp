// mcp-harness snapshot (a server's tools into a lock file) and diff (the changes
// between two lock files, classified additive or breaking).
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/engine/runner.h"
#include "harness/engine/verify.h"
#include "harness/report/reports.h"
#include "harness/versioning/lockfile.h"
#include "harness/versioning/schema_diff.h"

namespace mcp::harness::cli {

int snapshot(const TargetArgs& args, const std::vector<std::string>& command, const std::string& output) {
  ReadyTarget ready = prepare_target(args, command);
  if (ready.exit_code != kExitPassed) return ready.exit_code;
  Transcript transcript;
  ViolationSink violations;
  CheckContext context(ready.config, transcript, violations);
  auto session = context.session();
  if (!session.ok()) return usage_error(session.status().message());
  auto walk = walk_list(*session, "tools/list", "tools");
  if (!walk.ok()) {
    std::cerr << "mcp-harness: listing tools failed: " << walk.status().message() << "\n";
    return kExitChecksFailed;
  }
  std::string text = render_lock(make_lock(walk->items));
  if (output.empty() || output == "-") {
    std::cout << text;
  } else if (mcp::Status written = write_text_file(output, text); !written.ok()) {
    return usage_error(written.message());
  } else if (!args.quiet) {
    std::cerr << "wrote " << walk->items.size() << " tools to " << output << "\n";
  }
  return kExitPassed;
}

int diff(const std::string& before_path, const std::string& after_path, const std::string& format, std::string today) {
  auto before = load_lock(before_path);
  if (!before.ok()) return usage_error(before.status().message());
  auto after = load_lock(after_path);
  if (!after.ok()) return usage_error(after.status().message());
  if (today.empty()) today = iso8601_now().substr(0, 10);
  auto changes = diff_locks(*before, *after, today);
  if (format == "json") std::cout << render_changes_json(changes).dump(2) << "\n";
  else if (format == "text") std::cout << render_changes_text(changes);
  else return usage_error("unknown --format " + format + " (use text or json)");
  return has_breaking(changes) ? kExitChecksFailed : kExitPassed;
}

}  // namespace mcp::harness::cli
