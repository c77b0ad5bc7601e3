// What a tool is to the server: a spec (name, schemas, annotations), and a handler
// that receives validated arguments and a context for progress, logging and
// cancellation. Handlers stay unaware of transports and protocol revisions.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <variant>
#include <vector>
#include <nlohmann/json.hpp>
#include <string>

#include "mcp/status.h"
#include "reference-server/core/session.h"
#include "reference-server/tasks/task.h"

namespace mcp::server {

struct ToolSpec {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema = {{"type", "object"}, {"additionalProperties", false}};
  nlohmann::json output_schema;  // null when the tool returns unstructured content only
  nlohmann::json annotations;    // null or a ToolAnnotations object
  nlohmann::json meta;           // null or the tool's _meta
  // Whether calls may run as tasks (ToolContext::run_as_task); kRequired refuses
  // clients that cannot take a task (-32021).
  TaskSupport task_support = TaskSupport::kForbidden;
  // The handler returns at once and never waits (no I/O, no client questions, no
  // progress, no task): the stdio transport then runs its calls on the reading
  // thread, saving two thread hand-offs per call. Cancellation cannot reach such a
  // call, and needs not. Leave false when in doubt.
  bool never_blocks = false;
};

// A JSON-RPC error a handler ends its call with (ToolContext::fail).
struct ToolFailure {
  int code;
  std::string message;
};

// One question for the client: `key` names it in inputRequests and in the answers.
struct ClientQuestion {
  std::string key;
  std::string method;  // elicitation/create, sampling/createMessage or roots/list
  nlohmann::json params;
};

// Modern era (2026-07-28): a server cannot send the client requests; ask_client
// records InputRequired and returns an error, and the call answers with an
// InputRequiredResult naming what it needs, whatever the handler returned. The client
// retries with the answers, and the handler runs again from the start, this time
// finding them (multi round-trip requests, basic/patterns/mrtr.mdx).
struct InputRequired {
  nlohmann::json requests;  // inputRequests: key -> {method, params}, the questions not yet answered
  nlohmann::json answered;  // the answers the handler used so far, carried in requestState
  // requestState: `answered`, sealed by the server and bound to the request (core/request_state.h).
  nlohmann::json result(const std::string& request_state) const;
};
// ask_client for a capability the request's clientCapabilities did not declare (-32021).
struct MissingClientCapability {
  std::string capability;
};
// What a modern-era call needs from the client before it can finish.
using ClientInputNeeded = std::variant<InputRequired, MissingClientCapability>;


class ToolContext {
 public:
  ToolContext(const nlohmann::json& arguments, const nlohmann::json& progress_token, CancelFlag cancelled,
              Session& session, Outbound& out)
      : arguments_(arguments), progress_token_(progress_token), cancelled_(std::move(cancelled)),
        session_(session), out_(out) {}

  const nlohmann::json& arguments() const { return arguments_; }
  // notifications/cancelled arrived, or (2026-07-28) the client closed the response stream.
  bool cancelled() const;
  Session& session() const { return session_; }

  // Sends notifications/progress when the caller asked for it; progress only increases.
  void report_progress(double progress, double total, const std::string& message = {});
  // Sends notifications/message when the client set a level at or below `level`.
  void log(const std::string& level, const nlohmann::json& data);
  // True when the client declared `capability` (e.g. "sampling", "elicitation") in initialize.
  bool client_supports(const std::string& capability) const;
  // Sends a request to the client (sampling/createMessage, elicitation/create, roots/list)
  // on the call's stream and waits for its result; errors, timeouts and cancellation as a
  // Status. In the modern era it returns the answer the retry carries; otherwise it
  // records what the call needs (client_input_needed) and returns an error the handler
  // just passes on. Once something is needed, every later question returns the same error.
  // Its questions are keyed "input-1", "input-2", ... in the order asked.
  StatusOr<nlohmann::json> ask_client(const std::string& method, nlohmann::json params,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Several questions at once, under keys the tool chooses (unique within the call):
  // the answers as {key: result}. In the modern era the unanswered ones go out together
  // in one InputRequiredResult; otherwise they are sent one after another.
  StatusOr<nlohmann::json> ask_client_all(std::vector<ClientQuestion> questions,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Set by ask_client in the modern era: the server answers with it instead of the
  // handler's result (a handler cannot lose it by catching or ignoring an error).
  const std::optional<ClientInputNeeded>& client_input_needed() const { return needed_; }

  // Tasks. A tool whose ToolSpec::task_support allows it calls run_as_task() where its
  // long work begins. True when this call may become a task (the request can take
  // one): the handler returns at once, the server answers with CreateTaskResult, and
  // runs the handler again from the start as the task, where run_as_task() returns
  // false and the work goes on. False otherwise: the call runs to its end in the request.
  // Questions asked before it are answered in the request (multi round-trip); after
  // it, inside the task (input_required, then tasks/update).
  bool run_as_task();
  enum class TaskMode { kNone, kMayBecomeTask, kInTask };
  void set_task_mode(TaskMode mode) { task_mode_ = mode; }
  bool became_task() const { return became_task_; }
  // The answers this call's questions found so far (they travel into its task).
  const nlohmann::json& answers_used() const { return used_answers_; }
  // Ends the call with a JSON-RPC error instead of a result (a fault the model cannot
  // act on); a task ends failed with it.
  void fail(int code, std::string message) { failure_ = ToolFailure{code, std::move(message)}; }
  const std::optional<ToolFailure>& failure() const { return failure_; }

 private:
  const nlohmann::json& arguments_;
  nlohmann::json progress_token_;
  CancelFlag cancelled_;
  Session& session_;
  Outbound& out_;
  double last_progress_ = -1;
  int questions_asked_ = 0;
  nlohmann::json used_answers_ = nlohmann::json::object();  // the retry's answers the handler asked for
  std::optional<ClientInputNeeded> needed_;
  TaskMode task_mode_ = TaskMode::kNone;
  bool became_task_ = false;
  std::optional<ToolFailure> failure_;

  Status waiting_for_client() const;  // the error ask_client returns while needed_ is set
};

// A CallToolResult. Build with text_result / structured_result / error_result.
using ToolResult = nlohmann::json;
using ToolHandler = std::function<ToolResult(ToolContext&)>;

ToolResult text_result(const std::string& text);
// structuredContent plus its serialisation as a text block, as the spec recommends.
ToolResult structured_result(const nlohmann::json& structured);
ToolResult error_result(const std::string& text, const nlohmann::json& structured = nullptr);

// RFC 5424 severities used by the logging utility: "debug" -> 0 ... "emergency" -> 7; -1 if unknown.
int log_severity(const std::string& level);

}  // namespace mcp::server
