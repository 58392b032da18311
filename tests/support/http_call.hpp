// Test support for the service: one HTTP/1.1 request to a loopback URL (Beast, synchronous, a
// connection per call), and a loopback server that counts what it is sent so a test can wait
// for load to arrive instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace perf::test {

struct HttpReply {
  int status = 0;  // 0: no response (connection refused or reset)
  std::map<std::string, std::string> headers;
  std::string body;
};

// `base_url` "http://127.0.0.1:PORT"; `token` "" sends no Authorization header.
HttpReply http_call(const std::string& base_url, const std::string& method,
                    const std::string& target, const std::string& token = "",
                    const std::string& body = "");

// Sends `bytes` as they are (a malformed or truncated request) and returns what came back
// before the server closed the connection ("" for nothing).
std::string raw_exchange(const std::string& base_url, const std::string& bytes);

// Answers every request with 200 "ok" on 127.0.0.1 (a thread per connection) and counts them.
class CountingServer {
 public:
  CountingServer();
  ~CountingServer();
  CountingServer(const CountingServer&) = delete;
  CountingServer& operator=(const CountingServer&) = delete;

  const std::string& url() const { return url_; }
  std::uint64_t requests() const;
  // True once `n` requests have been answered; false when `timeout` passes first.
  bool wait_for_requests(std::uint64_t n, std::chrono::milliseconds timeout);

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::string url_;
  std::thread acceptor_;
};

}  // namespace perf::test
