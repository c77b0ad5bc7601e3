#include "harness/fuzz/live_session.h"

namespace mcp::harness::fuzz {

Status LiveSession::open() {
  client_.reset();
  transcript_ = std::make_unique<Transcript>();
  context_ = std::make_unique<CheckContext>(target_, *transcript_, sink_);
  auto session = context_->session();
  if (!session.ok()) return session.status();
  client_.emplace(std::move(session).value());
  // Fuzz judges replies by its own properties; checking every message against the
  // official schema is `run`'s job and would halve the call rate here.
  client_->stop_validating();
  return ok_status();
}

std::string LiveSession::exit_description() {
  StdioConnection* stdio = client_ ? as_stdio(*client_) : nullptr;
  if (!stdio) return "";
  auto status = stdio->process().wait_for(std::chrono::milliseconds(200));
  if (!status) return "";
  if (status->signal) return "server killed by signal " + std::to_string(status->signal);
  return "server exited with code " + std::to_string(status->code);
}

}  // namespace mcp::harness::fuzz
