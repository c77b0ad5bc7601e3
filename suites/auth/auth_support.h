// What the auth checks share: which mode the run is in, connections that carry
// exactly the credentials a check chooses, forged tokens, and the verdict for
// "this credential must be refused".
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "suites/suite_support.h"

namespace mcp::harness::suites::auth {

inline const std::string kAuthDoc = "basic/authorization.mdx";

// The run's credentials when its mode is one of `modes` ("oauth", "signed-token",
// "gateway", "static"); otherwise the skip to report.
struct AuthTarget {
  Credentials* credentials = nullptr;
  std::optional<Outcome> skip;
};
AuthTarget auth_target(CheckContext& ctx, const std::set<std::string>& modes);
// As auth_target, for checks that mint tokens: also the authorization server the harness controls.
struct MintingTarget {
  MockAuthorizationServer* as = nullptr;
  std::optional<Outcome> skip;
};
MintingTarget minting_target(CheckContext& ctx, const std::set<std::string>& modes);

// An HTTP connection sending only the headers each request names.
StatusOr<std::unique_ptr<HttpConnection>> bare_connection(CheckContext& ctx);
// An initialized session whose every request carries `headers()`.
StatusOr<McpClient> session_with(CheckContext& ctx, HeaderSource headers);

std::string initialize_body(const CheckContext& ctx);
std::string ping_body(const std::string& id);
std::map<std::string, std::string> bearer(const std::string& token);
// POSTs initialize on a fresh connection with exactly these headers.
HttpReply post_initialize(CheckContext& ctx, const std::map<std::string, std::string>& headers, const std::string& path = "");

// Claims of a token the server should accept (subject `harness-auth-check`, every scope).
nlohmann::json good_claims(CheckContext& ctx, MockAuthorizationServer& as);

// The verdict for a credential the server must refuse: 401 passes; acceptance or
// any other status fails, quoting the reply.
Outcome expect_unauthorized(const HttpReply& reply, const std::string& what);
bool accepted(const HttpReply& reply);

}  // namespace mcp::harness::suites::auth
