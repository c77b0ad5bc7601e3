// DNS-rebinding protection: which Origin and Host headers a server accepts. Loopback
// names are always allowed; others only when the operator lists them.
#pragma once

#include <string>
#include <vector>

namespace mcp::server {

// The hostname of a Host header or an origin's authority, without port or brackets.
std::string hostname_of(const std::string& authority);
bool is_loopback_hostname(const std::string& hostname);
// A peer IP address (as the socket reports it) in 127.0.0.0/8 or ::1.
bool is_loopback_address(const std::string& ip);

bool origin_allowed(const std::string& origin, const std::vector<std::string>& allowed_origins);
// `bound_host` is the address the server listens on: bound beyond loopback, Host
// filtering is the operator's reverse proxy's job.
bool host_allowed(const std::string& host, const std::vector<std::string>& allowed_hosts, const std::string& bound_host);

}  // namespace mcp::server
