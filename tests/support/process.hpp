// Test support: runs the real binaries. `run` waits for a command and captures its output;
// `Process` lets a test act on what a running command prints;
// `Server` starts a server that prints "listening on URL" and stops it when it goes out of scope.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace perf::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments; environment additions as "NAME=value". Kills it after
// `timeout` and reports exit code -1 then.
// With `signal` > 0, sends it once `signal_after` has passed. To signal on an event instead
// (the run has started, a line was printed), use Process.
CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                  std::chrono::seconds timeout = std::chrono::seconds(300), int signal = 0,
                  std::chrono::milliseconds signal_after = std::chrono::milliseconds(0));

// A started command that the test watches while it runs: wait for what it prints, signal it
// then, and collect it as `run` would. Killed when it goes out of scope still running.
class Process {
 public:
  explicit Process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const { return pid_; }
  bool running();  // false once it has exited (and is reaped)
  // Waits until its standard error holds `text`: false when it exits first or `timeout` passes.
  bool wait_for_stderr(const std::string& text,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string err_so_far() const;
  void signal(int sig);
  // Waits for it to exit (killing it after `timeout`, exit code -1 then) and returns its output.
  CommandResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(300));

 private:
  int pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string out_path_, err_path_;
};

class Server {
 public:
  // Starts the program and waits (up to 10 s) for its "listening on URL" line. Environment
  // additions as "NAME=value".
  explicit Server(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  // For servers that do not say where they listen: waits until 127.0.0.1:port accepts.
  Server(const std::vector<std::string>& argv, int port);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::string& url() const { return url_; }
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  std::string url_;
};

// True when something accepts connections on 127.0.0.1:port.
bool port_open(int port);

// Paths known at build time.
std::string binary_dir();  // build/bin
std::string plugin_dir();  // build/lib/perf-agent
std::string source_dir();
std::string shared_dir();                    // ../shared next to the checkout
std::string perf_agent();                    // build/bin/perf-agent
std::string demo_api();                      // build/bin/perf-demo-api
std::string temp_dir();                      // a fresh folder for this test process
std::string slurp(const std::string& path);  // a file's whole text; "" when unreadable

}  // namespace perf::test
