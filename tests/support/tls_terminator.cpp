#include "tests/support/tls_terminator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/test_support.h"

namespace mcp::testing {

namespace {

// A P-256 key and a one-day self-signed certificate naming 127.0.0.1 and localhost.
bool make_self_signed(SSL_CTX* ctx, const std::string& pem_path) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  bool ok = key && cert;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mcp-harness test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      ok = ok && ext && X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    ok = ok && X509_sign(cert, key, EVP_sha256()) > 0;
    ok = ok && SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
    if (FILE* f = std::fopen(pem_path.c_str(), "w")) {
      ok = ok && PEM_write_X509(f, cert) == 1;
      std::fclose(f);
    } else {
      ok = false;
    }
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

// Each relayed chunk goes out at once: Nagle's wait on small writes would add
// ~40 ms to every request (a delayed ACK on the other side).
void set_nodelay(int fd) {
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

// The upstream may still be starting (the harness's --launch): retry for a while, as a
// gateway in front of a starting backend would.
int connect_upstream(int port) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      set_nodelay(fd);
      return fd;
    }
    if (fd >= 0) ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

// Copies bytes both ways until either side closes or `stopping` is set.
void relay(SSL* ssl, int client_fd, int upstream_fd, const std::atomic<bool>& stopping) {
  char buffer[16384];
  while (!stopping) {
    if (SSL_pending(ssl) == 0) {
      pollfd fds[2] = {{client_fd, POLLIN, 0}, {upstream_fd, POLLIN, 0}};
      if (::poll(fds, 2, 200) < 0) return;
      if (fds[1].revents) {
        ssize_t n = ::recv(upstream_fd, buffer, sizeof buffer, 0);
        if (n <= 0 || SSL_write(ssl, buffer, static_cast<int>(n)) <= 0) return;
      }
      if (!(fds[0].revents)) continue;
    }
    int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n <= 0) return;
    if (::send(upstream_fd, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) return;
  }
}

}  // namespace

struct TlsTerminator::Impl {
  SSL_CTX* ctx = nullptr;
  int listen_fd = -1;
  int port = 0;
  int upstream_port = 0;
  std::string cert_file;
  std::atomic<bool> stopping{false};
  std::thread acceptor;
  std::mutex mutex;
  std::vector<std::thread> connections;

  void serve(int client_fd) {
    // A client that stops mid-handshake or mid-record must not hold the test's end.
    timeval patience{2, 0};
    ::setsockopt(client_fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    set_nodelay(client_fd);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, client_fd);
    int upstream_fd = -1;
    // A client that refuses the certificate ends the handshake: nothing to relay.
    if (SSL_accept(ssl) == 1 && (upstream_fd = connect_upstream(upstream_port)) >= 0) {
      relay(ssl, client_fd, upstream_fd, stopping);
      SSL_shutdown(ssl);
    }
    if (upstream_fd >= 0) ::close(upstream_fd);
    SSL_free(ssl);
    ::close(client_fd);
  }
};

std::unique_ptr<TlsTerminator> TlsTerminator::start(int upstream_port) {
  ::signal(SIGPIPE, SIG_IGN);  // SSL_write to a client that left must not end the test
  std::unique_ptr<TlsTerminator> t(new TlsTerminator());
  t->impl_ = std::make_unique<Impl>();
  Impl& impl = *t->impl_;
  impl.upstream_port = upstream_port;
  impl.ctx = SSL_CTX_new(TLS_server_method());
  impl.cert_file = temp_path("tls-terminator-cert.pem");
  if (!impl.ctx || !make_self_signed(impl.ctx, impl.cert_file)) {
    std::cerr << "TlsTerminator: could not make a certificate\n";
    return nullptr;
  }
  impl.listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(impl.listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(impl.listen_fd, 64) != 0 ||
      ::getsockname(impl.listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::cerr << "TlsTerminator: could not listen\n";
    return nullptr;
  }
  impl.port = ntohs(address.sin_port);
  impl.acceptor = std::thread([&impl] {
    while (!impl.stopping) {
      pollfd pfd{impl.listen_fd, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      int client_fd = ::accept(impl.listen_fd, nullptr, nullptr);
      if (client_fd < 0) continue;
      std::lock_guard<std::mutex> lock(impl.mutex);
      impl.connections.emplace_back([&impl, client_fd] { impl.serve(client_fd); });
    }
  });
  return t;
}

TlsTerminator::~TlsTerminator() {
  if (!impl_) return;
  impl_->stopping = true;
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  for (std::thread& connection : impl_->connections) connection.join();
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
  SSL_CTX_free(impl_->ctx);
  std::remove(impl_->cert_file.c_str());
}

int TlsTerminator::port() const { return impl_->port; }
const std::string& TlsTerminator::certificate_file() const { return impl_->cert_file; }

}  // namespace mcp::testing
