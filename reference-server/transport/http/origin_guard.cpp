#include "reference-server/transport/http/origin_guard.h"

#include <algorithm>
#include <string_view>

namespace mcp::server {

std::string hostname_of(const std::string& authority) {
  std::string host = authority;
  if (auto scheme = host.find("://"); scheme != std::string::npos) host = host.substr(scheme + 3);
  if (auto slash = host.find('/'); slash != std::string::npos) host = host.substr(0, slash);
  // Anything after the name but a ":port" of digits leaves the whole text as the name,
  // which matches no allowed host ("[::1]evil.com" is not loopback).
  auto is_port = [](std::string_view text) {
    return !text.empty() && text.size() <= 5 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos) return host;
    std::string_view rest = std::string_view(host).substr(close + 1);
    return rest.empty() || (rest.front() == ':' && is_port(rest.substr(1))) ? host.substr(0, close + 1) : host;
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    return is_port(std::string_view(host).substr(colon + 1)) ? host.substr(0, colon) : host;
  }
  return host;
}

bool is_loopback_hostname(const std::string& hostname) {
  return hostname == "localhost" || hostname == "127.0.0.1" || hostname == "[::1]";
}

bool is_loopback_address(const std::string& ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

bool origin_allowed(const std::string& origin, const std::vector<std::string>& allowed_origins) {
  if (std::find(allowed_origins.begin(), allowed_origins.end(), origin) != allowed_origins.end()) return true;
  return is_loopback_hostname(hostname_of(origin));
}

bool host_allowed(const std::string& host, const std::vector<std::string>& allowed_hosts, const std::string& bound_host) {
  std::string name = hostname_of(host);
  if (is_loopback_hostname(name)) return true;
  if (std::find(allowed_hosts.begin(), allowed_hosts.end(), name) != allowed_hosts.end()) return true;
  return !is_loopback_hostname(bound_host) && bound_host != "localhost";
}

}  // namespace mcp::server
