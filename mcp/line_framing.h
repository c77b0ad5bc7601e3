// Newline-delimited framing for the stdio transport. Lines are capped so that a
// peer writing one endless line cannot exhaust memory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcp {

class LineReader {
 public:
  explicit LineReader(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Appends every completed line (without "\n" or a trailing "\r") to `lines`.
  // A line longer than the cap is dropped whole and counted in oversized_lines().
  void feed(std::string_view chunk, std::vector<std::string>& lines);

  // Bytes received after the last newline (an unterminated final line).
  const std::string& partial() const { return partial_; }
  std::size_t oversized_lines() const { return oversized_lines_; }

 private:
  std::size_t max_line_bytes_;
  std::string partial_;
  bool discarding_ = false;
  std::size_t oversized_lines_ = 0;
};

}  // namespace mcp
