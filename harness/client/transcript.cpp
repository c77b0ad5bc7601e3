#include "harness/client/transcript.h"

namespace mcp::harness {

void Transcript::add(std::string direction, std::string text) {
  double at = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  if (text.size() > kMaxEntryBytes) {
    std::size_t total = text.size();
    text.resize(kMaxEntryBytes);
    text += "... (" + std::to_string(total) + " bytes in all)";
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.size() >= kMaxEntries) {
    ++dropped_;
    return;
  }
  entries_.push_back({at, std::move(direction), std::move(text)});
}

std::vector<TranscriptEntry> Transcript::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<TranscriptEntry> copy = entries_;
  if (dropped_) copy.push_back({copy.empty() ? 0 : copy.back().at_ms, "note", std::to_string(dropped_) + " further entries not kept"});
  return copy;
}

}  // namespace mcp::harness
