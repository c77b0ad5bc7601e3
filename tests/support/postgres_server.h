// A private PostgreSQL server for a test: initdb into a fresh directory, started on
// a free loopback port with fsync off, stopped and deleted at the end. Uses the
// Debian packages' binaries (ci/install-deps.sh installs postgresql); as root it
// runs them as the postgres user, since PostgreSQL refuses to run as root.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mcp::testing {

class PostgresServer {
 public:
  // Null with `error` set when PostgreSQL is not installed or does not start.
  static std::unique_ptr<PostgresServer> start(std::string& error);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgresql://mcp@127.0.0.1:PORT/<database>; each test may create its own database.
  std::string uri(const std::string& database = "postgres") const;
  int port() const { return port_; }
  // Stops the server at once (clients see their connections drop) and starts it
  // again on the same port and data; false when either step fails.
  bool stop();
  bool restart();
  // Runs one SQL command through psql; its output, or "" on failure.
  std::string psql(const std::string& sql, const std::string& database = "postgres") const;

 private:
  PostgresServer() = default;
  bool run_as_owner(const std::string& program, const std::vector<std::string>& args, std::string* output = nullptr) const;

  std::string bin_;  // the directory of initdb, pg_ctl
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

// The database of a test run on each backend: "sqlite" (a file, removed at the end)
// or "postgresql" (a private server, as above).
class BackendDatabase {
 public:
  // Null with `error` set when the backend cannot be had.
  static std::unique_ptr<BackendDatabase> create(const std::string& backend, std::string& error);
  ~BackendDatabase();
  // What --db and Database::open take.
  const std::string& target() const { return target_; }

 private:
  BackendDatabase() = default;
  std::unique_ptr<PostgresServer> postgres_;
  std::string target_;
};

}  // namespace mcp::testing
