#include "process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace perf::test {

namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> environment_with(const std::vector<std::string>& additions) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& a : additions)
      if (entry.substr(0, entry.find('=')) == a.substr(0, a.find('='))) replaced = true;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), additions.begin(), additions.end());
  return env;
}

pid_t spawn(std::vector<std::string> argv, const std::vector<std::string>& env_add,
            const std::string& out_path, const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  auto env = environment_with(env_add);
  auto c_argv = c_strings(argv);
  auto c_env = c_strings(env);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(std::uint16_t(port));
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return open;
}

std::string temp_dir() {
  static const std::string dir = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "perf-agent-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
  }();
  return dir;
}

CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  std::chrono::seconds timeout, int signal,
                  std::chrono::milliseconds signal_after) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Process process(argv, env);
  if (signal > 0) {
    const auto signal_at = std::chrono::steady_clock::now() + signal_after;
    while (std::chrono::steady_clock::now() < signal_at && process.running())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    process.signal(signal);  // nothing once it has exited
  }
  return process.wait(std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now()));
}

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  static int counter = 0;
  const std::string base = temp_dir() + "/cmd" + std::to_string(++counter);
  out_path_ = base + ".out";
  err_path_ = base + ".err";
  pid_ = spawn(argv, env, out_path_, err_path_);
}

Process::~Process() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
}

bool Process::running() {
  if (!reaped_ && waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

bool Process::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Checked once more after it exits: what it printed last still counts.
    const bool gone = !running();
    if (!text.empty() && slurp(err_path_).find(text) != std::string::npos) return true;
    if (gone || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string Process::err_so_far() const {
  return slurp(err_path_);
}

void Process::signal(int sig) {
  if (running()) kill(pid_, sig);
}

CommandResult Process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  CommandResult result;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      result.out = slurp(out_path_);
      result.err = slurp(err_path_) + "\n(killed after timeout)";
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  result.out = slurp(out_path_);
  result.err = slurp(err_path_);
  return result;
}

Server::Server(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  static int counter = 0;
  const std::string base = temp_dir() + "/server" + std::to_string(++counter);
  pid_ = spawn(argv, env, base + ".out", base + ".err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = slurp(base + ".out");
    const auto at = out.find("listening on ");
    const auto end = out.find('\n', at);
    if (at != std::string::npos && end != std::string::npos) {
      url_ = out.substr(at + 13, end - at - 13);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server " + argv[0] + " exited: " + slurp(base + ".err"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("server " + argv[0] + " did not say where it listens");
}

Server::Server(const std::vector<std::string>& argv, int port) {
  static int counter = 0;
  const std::string base = temp_dir() + "/waited" + std::to_string(++counter);
  pid_ = spawn(argv, {}, base + ".out", base + ".err");
  url_ = "http://127.0.0.1:" + std::to_string(port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (port_open(port)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server " + argv[0] + " exited: " + slurp(base + ".err") +
                               slurp(base + ".out"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("server " + argv[0] + " did not open port " + std::to_string(port));
}

Server::~Server() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

std::string binary_dir() {
  return PERF_AGENT_BINARY_DIR "/bin";
}
std::string plugin_dir() {
  return PERF_AGENT_BINARY_DIR "/lib/perf-agent";
}
std::string source_dir() {
  return PERF_AGENT_SOURCE_DIR;
}
std::string shared_dir() {
  return PERF_AGENT_SOURCE_DIR "/../shared";
}
std::string perf_agent() {
  return binary_dir() + "/perf-agent";
}
std::string demo_api() {
  return binary_dir() + "/perf-demo-api";
}

}  // namespace perf::test
