#include "tests/support/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "tests/support/test_support.h"

namespace mcp::testing {

namespace {

namespace fs = std::filesystem;

// Debian puts initdb and pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH.
std::string find_postgres_bin() {
  for (const char* dir : {"/usr/local/bin", "/usr/bin"}) {
    if (fs::exists(fs::path(dir) / "initdb") && fs::exists(fs::path(dir) / "pg_ctl")) return dir;
  }
  std::error_code ec;
  std::string best;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "initdb") && bin.string() > best) best = bin.string();
  }
  return best;
}

}  // namespace

bool PostgresServer::run_as_owner(const std::string& program, const std::vector<std::string>& args, std::string* output) const {
  std::vector<std::string> argv;
  if (::geteuid() == 0) argv = {"runuser", "-u", "postgres", "--"};
  argv.push_back(bin_ + "/" + program);
  argv.insert(argv.end(), args.begin(), args.end());
  ProgramRun run = run_program(argv, std::chrono::seconds(60));
  if (output) *output = run.out + run.err;
  return run.exit_code == 0;
}

std::unique_ptr<PostgresServer> PostgresServer::start(std::string& error) {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->bin_ = find_postgres_bin();
  if (server->bin_.empty()) {
    error = "PostgreSQL is not installed (ci/install-deps.sh installs the postgresql package)";
    return nullptr;
  }
  server->dir_ = temp_path("pg");
  fs::create_directories(server->dir_);
  if (::geteuid() == 0) {
    const passwd* owner = ::getpwnam("postgres");
    if (!owner || ::chown(server->dir_.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      error = "running as root needs the postgres user (the postgresql package creates it)";
      return nullptr;
    }
  }
  std::string output;
  if (!server->run_as_owner("initdb", {"-D", server->dir_ + "/data", "-A", "trust", "-U", "mcp", "--no-sync", "-E", "UTF8"}, &output)) {
    error = "initdb failed: " + output;
    return nullptr;
  }
  server->port_ = free_port();
  if (!server->restart()) {
    error = "PostgreSQL did not start: " + read_file(server->dir_ + "/log");
    return nullptr;
  }
  return server;
}

PostgresServer::~PostgresServer() {
  if (running_) stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://mcp@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

bool PostgresServer::stop() {
  running_ = false;
  return run_as_owner("pg_ctl", {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
}

bool PostgresServer::restart() {
  std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                        " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200";
  running_ = run_as_owner("pg_ctl", {"-D", dir_ + "/data", "-o", options, "-l", dir_ + "/log", "-w", "start"});
  return running_;
}

std::string PostgresServer::psql(const std::string& sql, const std::string& database) const {
  ProgramRun run = run_program({"psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", uri(database), "-c", sql},
                               std::chrono::seconds(30));
  return run.exit_code == 0 ? run.out : "";
}

std::unique_ptr<BackendDatabase> BackendDatabase::create(const std::string& backend, std::string& error) {
  std::unique_ptr<BackendDatabase> database(new BackendDatabase());
  if (backend == "postgresql") {
    database->postgres_ = PostgresServer::start(error);
    if (!database->postgres_) return nullptr;
    database->target_ = database->postgres_->uri();
  } else {
    static int count = 0;
    database->target_ = temp_path("backend-" + std::to_string(++count) + ".db");
  }
  return database;
}

BackendDatabase::~BackendDatabase() {
  if (postgres_) return;
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((target_ + suffix).c_str());
}

}  // namespace mcp::testing
