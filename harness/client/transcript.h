// The evidence of a check: every message exchanged, in order, with timestamps.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace mcp::harness {

struct TranscriptEntry {
  double at_ms;           // since the check started
  std::string direction;  // "send", "recv", "http", "note", "stderr"
  std::string text;
};

class Transcript {
 public:
  Transcript() : start_(std::chrono::steady_clock::now()) {}
  void add(std::string direction, std::string text);
  std::vector<TranscriptEntry> entries() const;

 private:
  static constexpr std::size_t kMaxEntries = 2000;
  static constexpr std::size_t kMaxEntryBytes = 8192;
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::vector<TranscriptEntry> entries_;
  std::size_t dropped_ = 0;
};

}  // namespace mcp::harness
