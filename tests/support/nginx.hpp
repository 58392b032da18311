// Test support: a private nginx (Debian nginx-light) on a free loopback port with a config the
// test writes (the server block's body), stopped when it goes out of scope.
#pragma once

#include <string>

namespace perf::test {

int free_port();

class Nginx {
 public:
  // `server_body` goes inside `server { listen 127.0.0.1:PORT[ ssl][ LISTEN]; ... }`;
  // `http_extra` into the http block (limit_req_zone, upstreams, ...); `events` into the events
  // block; `listen` after the address (`http2`). "@DIR@" in either stands for its folder (html/
  // inside it is the root).
  Nginx(const std::string& server_body, const std::string& http_extra = "", bool tls = false,
        const std::string& events = "worker_connections 1024;", const std::string& listen = "");
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  std::string url() const;
  const std::string& dir() const { return dir_; }  // its prefix: put files to serve here
  const std::string& certificate() const { return certificate_; }

 private:
  std::string dir_;
  std::string certificate_;
  int port_ = 0;
  int pid_ = -1;
  bool tls_ = false;
};

}  // namespace perf::test
