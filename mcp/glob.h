// Shell-style globs with '*' and '?', for check ids and tool names.
#pragma once

#include <string>

namespace mcp {

bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace mcp
