#include "real_servers.hpp"

#include "nginx.hpp"  // free_port
#include "process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace perf::test {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

// The body of a chunked HTTP/1.1 message (extensions and trailers ignored).
std::string unchunk(const std::string& raw) {
  std::string out;
  std::size_t at = 0;
  while (at < raw.size()) {
    const auto line_end = raw.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const std::size_t size = std::stoul(raw.substr(at, line_end - at), nullptr, 16);
    if (size == 0) break;
    out += raw.substr(line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  return out;
}

std::string fresh_dir(const std::string& stem) {
  static int counter = 0;
  const auto dir = temp_dir() + "/" + stem + std::to_string(++counter);
  std::filesystem::create_directories(dir);
  return dir;
}

void require_file(const std::string& path, const std::string& package) {
  if (!std::filesystem::exists(path))
    throw std::runtime_error(path + " is missing: install the Debian package " + package +
                             " (scripts/setup.sh does)");
}

// Two different free loopback ports.
std::pair<int, int> two_free_ports() {
  const int a = free_port();
  int b = free_port();
  while (b == a) b = free_port();
  return {a, b};
}

}  // namespace

HttpAnswer loopback_http(int port, const std::string& method, const std::string& target,
                         const std::string& body, const std::vector<std::string>& headers,
                         std::chrono::milliseconds timeout) {
  HttpAnswer answer;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return answer;
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(std::uint16_t(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return answer;
  }
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  for (const auto& h : headers) request += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return answer;
    }
    sent += std::size_t(n);
  }
  std::string raw;
  char buffer[16384];
  for (;;) {
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // closed (Connection: close), or timed out
    raw.append(buffer, std::size_t(n));
  }
  ::close(fd);
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) return answer;
  answer.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  const auto head = lower(raw.substr(0, head_end));
  const auto rest = raw.substr(head_end + 4);
  answer.body = head.find("transfer-encoding: chunked") != std::string::npos ? unchunk(rest) : rest;
  return answer;
}

Daemon::Daemon(const std::vector<std::string>& argv, const std::vector<std::string>& env_add,
               const std::string& dir) {
  const std::string out_path = dir + "/stdout";
  err_path_ = dir + "/stderr";
  // Everything the child needs is made before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (std::none_of(env_add.begin(), env_add.end(),
                     [&](const std::string& a) { return a.substr(0, a.find('=')) == name; }))
      env.push_back(entry);
  }
  env.insert(env.end(), env_add.begin(), env_add.end());
  std::vector<char*> c_argv, c_env;
  std::vector<std::string> args = argv;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  for (auto& e : env) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0 || err < 0) throw std::runtime_error("cannot open files in " + dir);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // Dies with the test process, whatever ends it (a crash, ctest's timeout, SIGKILL).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::setpgid(0, 0);  // Ctrl-C on the test's terminal reaches the test, which stops us
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  ::close(in);
  ::close(out);
  ::close(err);
  if (pid_ < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
}

Daemon::~Daemon() {
  stop();
}

bool Daemon::running() {
  int status = 0;
  if (!reaped_ && ::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

bool Daemon::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const bool gone = !running();
    if (slurp(err_path_).find(text) != std::string::npos) return true;
    if (gone || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Daemon::err() const {
  return slurp(err_path_);
}

void Daemon::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }
}

Etcd::Etcd() {
  require_file(program, "etcd-server");
  dir_ = fresh_dir("etcd");
  const auto [client, peer] = two_free_ports();
  port_ = client;
  const std::string client_url = "http://127.0.0.1:" + std::to_string(client);
  const std::string peer_url = "http://127.0.0.1:" + std::to_string(peer);
  daemon_ = std::make_unique<Daemon>(std::vector<std::string>{program,
                                                              "--name",
                                                              "perf",
                                                              "--data-dir",
                                                              dir_ + "/data",
                                                              "--listen-client-urls",
                                                              client_url,
                                                              "--advertise-client-urls",
                                                              client_url,
                                                              "--listen-peer-urls",
                                                              peer_url,
                                                              "--initial-advertise-peer-urls",
                                                              peer_url,
                                                              "--initial-cluster",
                                                              "perf=" + peer_url,
                                                              "--initial-cluster-state",
                                                              "new",
                                                              "--logger",
                                                              "zap",
                                                              "--log-level",
                                                              "error"},
                                     std::vector<std::string>{}, dir_);
  // The event: /health answers {"health":"true"} (a leader was elected and the gateway serves).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto health = loopback_http(port_, "GET", "/health", "", {}, std::chrono::seconds(2));
    if (health.status == 200 && health.body.find("\"health\":\"true\"") != std::string::npos)
      return;
    if (!daemon_->running())
      throw std::runtime_error("etcd exited before it was healthy: " + daemon_->err());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("etcd did not become healthy in 30 s: " + daemon_->err());
}

Etcd::~Etcd() {
  daemon_->stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_ + "/data", ignored);
}

std::string Etcd::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

HttpAnswer Etcd::post(const std::string& path, const std::string& json) const {
  return loopback_http(port_, "POST", path, json, {"Content-Type: application/json"});
}

JupyterServer::JupyterServer(const std::string& token, void (*prepare_root)(const std::string&))
    : token_(token) {
  require_file(python, "python3");
  require_file(packaged_spec, "python3-jupyter-server");
  dir_ = fresh_dir("jupyter");
  root_ = dir_ + "/root";
  const std::string home = dir_ + "/home";
  std::filesystem::create_directories(root_);
  std::filesystem::create_directories(home);
  if (prepare_root) prepare_root(root_);
  port_ = free_port();
  daemon_ = std::make_unique<Daemon>(
      std::vector<std::string>{python, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
                               "--port=" + std::to_string(port_), "--ServerApp.port_retries=0",
                               "--no-browser", "--ServerApp.token=" + token,
                               "--ServerApp.root_dir=" + root_, "--allow-root",
                               // DELETE removes the file instead of moving it to HOME's trash
                               "--FileContentsManager.delete_to_trash=False"},
      std::vector<std::string>{"HOME=" + home, "JUPYTER_CONFIG_DIR=" + home + "/config",
                               "JUPYTER_DATA_DIR=" + home + "/data",
                               "JUPYTER_RUNTIME_DIR=" + home + "/runtime", "PYTHONNOUSERSITE=1"},
      dir_);
  // The event: it prints "Jupyter Server 1.23.3 is running at:" once it listens.
  if (!daemon_->wait_for_stderr("is running at", std::chrono::seconds(45)))
    throw std::runtime_error("jupyter_server did not start: " + daemon_->err());
  const auto status = request("GET", "/api/status");
  if (status.status != 200)
    throw std::runtime_error("jupyter_server /api/status answered " +
                             std::to_string(status.status) + ": " + status.body);
}

std::string JupyterServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

HttpAnswer JupyterServer::request(const std::string& method, const std::string& target,
                                  const std::string& body) const {
  std::vector<std::string> headers = {authorization()};
  if (!body.empty()) headers.push_back("Content-Type: application/json");
  return loopback_http(port_, method, target, body, headers);
}

void gunzip(const std::string& from, const std::string& to) {
  const auto r = run({"gzip", "-dc", from}, {}, std::chrono::seconds(30));
  if (r.exit_code != 0 || r.out.empty())
    throw std::runtime_error("gzip -dc " + from + " failed: " + r.err);
  std::ofstream(to, std::ios::binary) << r.out;
}

}  // namespace perf::test
