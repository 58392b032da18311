// Test support for the real servers of tests/integration/real_servers_test.cpp: etcd
// (Debian etcd-server) and Jupyter Server (Debian python3-jupyter-server), each on free loopback
// ports with its state in a fresh temporary folder, started by the test and stopped when it goes
// out of scope (SIGTERM, then SIGKILL), and killed with the test process if that dies first
// (PR_SET_PDEATHSIG), so a failing or timed-out test leaves no server behind.
// tests/fixtures/real-servers/README.md says where each spec comes from.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace perf::test {

struct HttpAnswer {
  int status = 0;  // 0: nothing answered (refused, reset, timed out)
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port on its own connection (Connection: close). `headers`
// are "Name: value" lines. Used to wait for a server and to prepare its state, never for load.
HttpAnswer loopback_http(int port, const std::string& method, const std::string& target,
                         const std::string& body = "", const std::vector<std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// A server process of the test: standard output and error go to files in `dir`.
class Daemon {
 public:
  Daemon(const std::vector<std::string>& argv, const std::vector<std::string>& env_add,
         const std::string& dir);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  bool running();
  // Waits until its standard error holds `text`: false when it exits first or time runs out.
  bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout);
  std::string err() const;
  // SIGTERM, then SIGKILL when it has not exited after `grace`.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  bool reaped_ = false;
  std::string err_path_;
};

// etcd 3.4 (/usr/bin/etcd) as a one-member cluster, waited for until GET /health says
// {"health":"true"} (it has a leader and serves).
class Etcd {
 public:
  static constexpr const char* program = "/usr/bin/etcd";
  static constexpr const char* swagger_gz =
      "/usr/share/doc/etcd-server/dev-guide/apispec/swagger/rpc.swagger.json.gz";

  Etcd();
  ~Etcd();  // stops it and removes its data (the WAL alone preallocates 64 MB)
  int port() const { return port_; }
  std::string url() const;
  HttpAnswer post(const std::string& path, const std::string& json) const;
  Daemon& process() { return *daemon_; }

 private:
  int port_ = 0;
  std::string dir_;
  std::unique_ptr<Daemon> daemon_;
};

// Jupyter Server 1.23 (`/usr/bin/python3 -m jupyter_server`, the Debian interpreter: a `python3`
// earlier on PATH may lack the package) with token authentication, its root_dir, HOME and Jupyter
// config/data/runtime folders in a temporary folder; waited for until it prints "is running at"
// and GET /api/status answers 200 with the token.
class JupyterServer {
 public:
  static constexpr const char* python = "/usr/bin/python3";
  static constexpr const char* packaged_spec =
      "/usr/lib/python3/dist-packages/jupyter_server/services/api/api.yaml";

  // `prepare_root` runs on the empty root_dir before the server starts.
  explicit JupyterServer(const std::string& token,
                         void (*prepare_root)(const std::string& root) = nullptr);
  int port() const { return port_; }
  std::string url() const;
  const std::string& root_dir() const { return root_; }
  const std::string& token() const { return token_; }
  std::string authorization() const { return "Authorization: token " + token_; }
  HttpAnswer request(const std::string& method, const std::string& target,
                     const std::string& body = "") const;
  Daemon& process() { return *daemon_; }

 private:
  int port_ = 0;
  std::string token_, dir_, root_;
  std::unique_ptr<Daemon> daemon_;
};

// Decompresses a .gz file (gzip -dc) to `to`; throws when it cannot.
void gunzip(const std::string& from, const std::string& to);

}  // namespace perf::test
