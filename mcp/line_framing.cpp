#include "mcp/line_framing.h"

namespace mcp {

void LineReader::feed(std::string_view chunk, std::vector<std::string>& lines) {
  while (!chunk.empty()) {
    std::size_t newline = chunk.find('\n');
    std::string_view piece = chunk.substr(0, newline);
    if (!discarding_) {
      if (partial_.size() + piece.size() > max_line_bytes_) {
        discarding_ = true;
        ++oversized_lines_;
        partial_.clear();
        partial_.shrink_to_fit();
      } else {
        partial_.append(piece);
      }
    }
    if (newline == std::string_view::npos) return;
    if (!discarding_) {
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      lines.push_back(std::move(partial_));
    }
    partial_.clear();
    discarding_ = false;
    chunk.remove_prefix(newline + 1);
  }
}

}  // namespace mcp
