// A connection to a server started as a child process speaking stdio.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "harness/client/connection.h"
#include "harness/launch/subprocess.h"

namespace mcp::harness {

class StdioConnection final : public Connection {
 public:
  static StatusOr<std::unique_ptr<StdioConnection>> start(const SpawnOptions& options, Transcript& transcript);
  ~StdioConnection() override;

  Status send(const nlohmann::json& message) override;
  Status send_raw(const std::string& text) override;
  void close() override;
  std::string diagnostics() override;

  // Closes the server's stdin (EOF) without waiting; the process keeps running.
  void close_input();
  Subprocess& process() { return *process_; }
  // Lines on stdout that were not JSON at all, in order (capped).
  std::vector<std::string> stdout_noise() const;
  std::size_t oversized_lines() const { return oversized_lines_; }

 private:
  StdioConnection(std::unique_ptr<Subprocess> process, Transcript& transcript);
  void read_stdout();

  std::unique_ptr<Subprocess> process_;
  std::thread reader_;
  std::atomic<bool> reader_done_{false};
  mutable std::mutex noise_mutex_;
  std::vector<std::string> noise_;
  std::atomic<std::size_t> oversized_lines_{0};
  std::mutex write_mutex_;
};

}  // namespace mcp::harness
