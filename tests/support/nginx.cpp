#include "nginx.hpp"

#include "process.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace perf::test {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

Nginx::Nginx(const std::string& server_body, const std::string& http_extra, bool tls,
             const std::string& events, const std::string& listen_options)
    : tls_(tls) {
  static int counter = 0;
  dir_ = temp_dir() + "/nginx" + std::to_string(++counter);
  std::filesystem::create_directories(dir_ + "/logs");
  port_ = free_port();
  std::string listen = "listen 127.0.0.1:" + std::to_string(port_) + (tls ? " ssl" : "") +
                       (listen_options.empty() ? "" : " " + listen_options) + ";";
  if (tls) {
    certificate_ = dir_ + "/cert.pem";
    const auto made = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                           dir_ + "/key.pem", "-out", certificate_, "-days", "2", "-subj",
                           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
    if (made.exit_code != 0)
      throw std::runtime_error("openssl could not make a certificate: " + made.err);
    listen += " ssl_certificate " + certificate_ + "; ssl_certificate_key " + dir_ + "/key.pem;";
  }
  auto expand = [&](std::string text) {
    for (auto at = text.find("@DIR@"); at != std::string::npos; at = text.find("@DIR@"))
      text.replace(at, 5, dir_);
    return text;
  };
  std::ofstream(dir_ + "/nginx.conf")
      << "worker_processes 1;\ndaemon off;\npid " << dir_ << "/nginx.pid;\nerror_log " << dir_
      << "/logs/error.log warn;\nevents { " << events << " }\nhttp {\n  access_log off;\n"
      << "  client_body_temp_path " << dir_ << "/body;\n  proxy_temp_path " << dir_ << "/proxy;\n"
      << "  fastcgi_temp_path " << dir_ << "/fastcgi;\n  uwsgi_temp_path " << dir_ << "/uwsgi;\n"
      << "  scgi_temp_path " << dir_ << "/scgi;\n"
      << expand(http_extra) << "\n  server {\n    " << listen << "\n    root " << dir_ << "/html;\n"
      << expand(server_body) << "\n  }\n}\n";
  std::filesystem::create_directories(dir_ + "/html");
  // nginx's workers run as an unprivileged user: they must be able to read what they serve.
  for (const auto& path : {temp_dir(), dir_, dir_ + "/html"})
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                  std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                  std::filesystem::perms::others_exec);
  std::vector<std::string> argv = {"/usr/sbin/nginx", "-c", dir_ + "/nginx.conf", "-p", dir_};
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, c_argv[0], nullptr, nullptr, c_argv.data(), environ) != 0)
    throw std::runtime_error("cannot start nginx (install nginx-light: scripts/setup.sh)");
  pid_ = pid;
  for (int i = 0; i < 200; ++i) {
    if (port_open(port_)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream log(dir_ + "/logs/error.log");
      std::string text((std::istreambuf_iterator<char>(log)), {});
      throw std::runtime_error("nginx exited: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("nginx did not open its port");
}

Nginx::~Nginx() {
  if (pid_ <= 0) return;
  kill(pid_, SIGQUIT);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

std::string Nginx::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

}  // namespace perf::test
