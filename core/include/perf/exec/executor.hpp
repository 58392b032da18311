// The shared executor: N load threads, one io_context each (the wrk model), plus one control
// thread for cases, harvests, the metrics bus and signals, so that bookkeeping never delays a
// load thread. A connection lives on one load context for its whole life.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <vector>

namespace perf::exec {

class Executor {
 public:
  // threads <= 0: one load thread per hardware thread.
  explicit Executor(int threads);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  ~Executor();

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t index) { return *contexts_.at(index); }
  // Where cases, harvests and observers run: its own thread, not a load thread.
  boost::asio::io_context& control() { return *control_; }
  // Stops every context and joins the threads; idempotent.
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::unique_ptr<boost::asio::io_context> control_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace perf::exec
