// The protocol core: lifecycle, version negotiation and the MCP methods, behind one
// entry point that every transport calls. It never touches sockets or pipes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/json_rpc.h"
#include "reference-server/core/catalog.h"
#include "reference-server/core/request_state.h"
#include "reference-server/core/session.h"
#include "reference-server/core/tool_registry.h"
#include "reference-server/filters/filter.h"
#include "reference-server/tasks/task_engine.h"

namespace mcp::server {

namespace wire {
class LegacyWire;
class PerRequestWire;
}  // namespace wire

struct ServerOptions {
  std::string name = "mcp-reference-server";
  std::string title = "MCP Reference Server";
  std::string version = "0.1.0";
  std::string instructions;
  std::size_t page_size = 3;  // small by default so that clients meet pagination
  // Empty = every revision: the legacy ones through initialize, the modern ones per request.
  std::vector<std::string> supported_versions;
  // HMAC key for input-required requestState (empty: random per process; replicas share one).
  std::string request_state_key;
};

// What a transport needs from the protocol core. McpServer is the implementation;
// fixtures wrap it to misbehave on purpose.
class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // Returns the response to send, or nullopt (notifications, responses, cancelled requests).
  virtual std::optional<nlohmann::json> handle_message(const jsonrpc::Message& message, Session& session,
                                                       Outbound& out) = 0;
  // The answer to bytes that are not a valid JSON-RPC message.
  virtual nlohmann::json reject(const jsonrpc::Rejection& rejection) {
    return jsonrpc::make_error(rejection.id, rejection.code, rejection.message);
  }
  virtual const std::vector<std::string>& supported_versions() const = 0;
  // Whether a transport may handle `message` on its reading thread: it finishes at
  // once, so nothing needs to reach it meanwhile (ToolSpec::never_blocks).
  virtual bool runs_inline(const jsonrpc::Message& message) const {
    (void)message;
    return false;
  }
  // Whether a session on `version` takes JSON-RPC batches: 2025-03-26 only.
  virtual bool accepts_batches(const std::string& version) const;
  // The tool's parameters mirrored into Mcp-Param-* headers, which HTTP checks against the body.
  // Pure, so that a handler wrapping another cannot silently drop the check.
  virtual std::vector<HeaderParameter> header_parameters(const std::string& tool) const = 0;
};

// Watches every request from arrival to response (tracing, logs, metrics). The
// scope lives on the handling thread for the whole request and may annotate the
// response (e.g. a correlation id in the result's _meta).
class RequestScope {
 public:
  virtual ~RequestScope() = default;
  virtual void finish(std::optional<nlohmann::json>& response) = 0;
  // A tool-call filter refused the call (FilterVerdict::refuse): the handler never ran.
  virtual void on_refused(std::string_view filter) { (void)filter; }
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual std::unique_ptr<RequestScope> start(const jsonrpc::Message& request, Session& session) = 0;
};

// A JSON-RPC error to send instead of a result.
struct RpcError {
  int code;
  std::string message;
  nlohmann::json data;
};
RpcError invalid_params(std::string message, nlohmann::json data = nullptr);

// The protocol core: the era-blind handlers of every method. What differs by era
// (admission, the method table, result shaping) is in wire/legacy and
// wire/rev2026_07_28; what differs by revision inside a result is protocol::Revision.
class McpServer : public MessageHandler {
 public:
  explicit McpServer(ServerOptions options = {});
  ~McpServer() override;

  ToolRegistry& tools() { return tools_; }
  ResourceCatalog& resources() { return resources_; }
  PromptCatalog& prompts() { return prompts_; }
  FilterChain& filters() { return filters_; }
  const ServerOptions& options() const { return options_; }
  void set_observer(std::shared_ptr<RequestObserver> observer) { observer_ = std::move(observer); }
  // Adds a key to the initialize result's _meta (e.g. declared limits).
  void set_initialize_meta(const std::string& key, nlohmann::json value) { initialize_meta_[key] = std::move(value); }
  // How many times each tool's handler actually ran (refused calls do not count).
  nlohmann::json execution_counts() const;
  // Where executions are counted instead of this process's map: replicas sharing a
  // store count together, so the figure is the deployment's (limits on Redis).
  struct ExecutionCounter {
    std::function<void(const std::string& tool)> add;
    std::function<nlohmann::json()> read;
  };
  void count_executions_in(ExecutionCounter counter) { shared_executions_ = std::move(counter); }

  // Handles one serialised message (one stdio line, one HTTP body). Returns the
  // response to send, or nullopt (notifications, responses, cancelled requests).
  std::optional<nlohmann::json> handle_text(std::string_view text, Session& session, Outbound& out);
  std::optional<nlohmann::json> handle_message(const jsonrpc::Message& message, Session& session,
                                               Outbound& out) override;
  const std::vector<std::string>& supported_versions() const override { return options_.supported_versions; }
  std::vector<HeaderParameter> header_parameters(const std::string& tool) const override {
    const RegisteredTool* found = tools_.find(tool);
    return found ? found->header_parameters : std::vector<HeaderParameter>{};
  }

  // True for requests a transport should run off its reading thread (they may be
  // slow, and cancellation must be able to reach them meanwhile).
  static bool is_long_running(const jsonrpc::Message& message) {
    return message.method() == "tools/call" || message.method() == "subscriptions/listen";
  }
  bool runs_inline(const jsonrpc::Message& message) const override;
  // Lets tools that allow it run as tasks (ToolContext::run_as_task), kept in `store`,
  // and resumes the tasks a previous process left working. Call once the tools are registered.
  void enable_tasks(std::shared_ptr<TaskStore> store, TaskOptions options = {});

  // The modern-era revisions this server speaks per request (a subset of supported_versions()).
  std::vector<std::string> per_request_versions() const { return versions_of_era(true); }

 private:
  friend class wire::LegacyWire;
  friend class wire::PerRequestWire;
  using Outcome = std::variant<nlohmann::json, RpcError>;
  struct Request {
    const nlohmann::json& id;
    const nlohmann::json& params;
    Session& session;
    Outbound& out;
    const CancelFlag& cancelled;
    RequestScope* scope;  // the observer's view of this request, if any
  };
  using Method = std::function<Outcome(const Request&)>;
  using MethodTable = std::map<std::string, Method, std::less<>>;

  // Methods of both eras; each wire adds its own.
  MethodTable shared_methods();
  Outcome ping(const Request& r);
  Outcome list_tools(const Request& r);
  Outcome call_tool(const Request& r);
  Outcome list_resources(const Request& r);
  Outcome list_resource_templates(const Request& r);
  Outcome read_resource(const Request& r);
  Outcome list_prompts(const Request& r);
  Outcome get_prompt(const Request& r);
  Outcome set_log_level(const Request& r);
  Outcome subscribe(const Request& r);
  Outcome unsubscribe(const Request& r);
  Outcome complete(const Request& r);
  nlohmann::json server_info(const std::string& version) const;
  // The supported versions of one era: modern (per request) or legacy (initialize).
  std::vector<std::string> versions_of_era(bool modern) const;
  bool offers_completions() const;
  void handle_notification(const jsonrpc::Message& message, Session& session);
  // Runs one method with `state` as the request's session and `connection` tracking it
  // for cancellation; nullopt when it was cancelled.
  std::optional<Outcome> run_method(const Method& method, const jsonrpc::Message& request, Session& state,
                                    Session& connection, Outbound& out, RequestScope* scope);
  static nlohmann::json respond(const nlohmann::json& id, Outcome outcome);

  nlohmann::json tool_listing(const RegisteredTool& tool, std::string_view version) const;
  nlohmann::json capabilities(const std::string& version) const;
  Outcome invoke_tool(const RegisteredTool& tool, const nlohmann::json& arguments, const Request& r);
  // What a handler needs from the client answers for it, whatever it returned: `result`
  // becomes an InputRequiredResult with sealed requestState, or the -32021 error is returned.
  // Runs the handler; an exception becomes a tool error (its text goes to the log only).
  nlohmann::json run_handler(const RegisteredTool& tool, ToolContext& context);
  // A result that claims success must match the tool's outputSchema.
  void check_output(const RegisteredTool& tool, nlohmann::json& result) const;
  // A tool result as `protocol_version` knows it: revisions before 2025-06-18 have no structuredContent.
  static void shape_for_revision(nlohmann::json& result, const std::string& protocol_version);
  // How this call may become a task: not at all, as the 2026-07-28 extension, or as a
  // 2025-11-25 task-augmented request (params.task).
  enum class TaskAsk { kNone, kExtension, kAugmented };
  TaskAsk task_ask(const Request& r) const;
  // Why this call cannot run at all: a task-only tool without a task, or (2025-11-25) a
  // task asked of a tool that never runs as one.
  std::optional<RpcError> task_refusal(const RegisteredTool& tool, TaskAsk ask, const Request& r) const;
  // The call's handler chose to run as a task: create it and answer CreateTaskResult.
  Outcome start_task(const RegisteredTool& tool, const nlohmann::json& arguments, const ToolContext& context,
                     const Request& r, TaskAsk ask);
  // TaskExecutor: one run of a task's handler.
  void execute_task(TaskRecord& task, const CancelFlag& cancelled);
  std::optional<RpcError> settle_client_input(const ToolContext& context, const Request& r, const std::string& method,
                                              const std::string& name, const nlohmann::json& arguments,
                                              nlohmann::json& result) const;

  ServerOptions options_;
  ToolRegistry tools_;
  ResourceCatalog resources_;
  PromptCatalog prompts_;
  FilterChain filters_;
  nlohmann::json initialize_meta_ = nlohmann::json::object();
  std::shared_ptr<RequestObserver> observer_;
  RequestStateSealer request_state_;
  mutable std::mutex executions_mutex_;
  std::map<std::string, long long> executions_;
  ExecutionCounter shared_executions_;
  std::unique_ptr<wire::LegacyWire> legacy_wire_;
  std::unique_ptr<wire::PerRequestWire> per_request_wire_;
  std::unique_ptr<TaskEngine> tasks_;  // last: its workers stop before the rest goes
};

// Whether the request's clientCapabilities declare the tasks extension (2026-07-28).
bool declares_tasks_extension(const Session& session);
// "This request needs the tasks extension" (-32021), as SEP-2663 words the data.
RpcError tasks_extension_required(const std::string& what);

// Opaque pagination cursors: clients must treat them as opaque, the server must
// reject ones it did not mint (-32602).
std::string encode_cursor(std::string_view list, std::size_t offset);
std::optional<std::size_t> decode_cursor(std::string_view list, const std::string& cursor);

}  // namespace mcp::server
