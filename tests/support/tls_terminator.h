// A TLS front for a plain-HTTP server, as a gateway or ingress puts one in staging:
// it accepts TLS on a loopback port with a fresh self-signed certificate (for
// 127.0.0.1 and localhost) and passes the bytes to and from the upstream port. Tests
// use it to run the harness against https:// with a real handshake and real OpenSSL.
#pragma once

#include <memory>
#include <string>

namespace mcp::testing {

class TlsTerminator {
 public:
  // Listens on a free loopback port; nullptr (with the reason on stderr) on failure.
  // Each connection waits up to 10 s for the upstream to listen.
  static std::unique_ptr<TlsTerminator> start(int upstream_port);
  ~TlsTerminator();
  TlsTerminator(const TlsTerminator&) = delete;
  TlsTerminator& operator=(const TlsTerminator&) = delete;

  int port() const;
  // The self-signed certificate, PEM, in a file (what --ca-cert trusts).
  const std::string& certificate_file() const;

 private:
  TlsTerminator() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcp::testing
