// The shared executor: N threads, one io_context each (the wrk model). Every plugin and the
// load engine run on it; a connection lives on one context for its whole life.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace perf::exec {

class Executor {
 public:
  // threads <= 0: one per hardware thread.
  explicit Executor(int threads);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  ~Executor();

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t index) { return *contexts_.at(index); }
  // Where cases and the engine's bookkeeping run.
  boost::asio::io_context& control() { return *contexts_.front(); }
  // Stops every context and joins the threads; idempotent.
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace perf::exec
