// Waits for a number of tasks that may finish on other threads, without blocking a thread.
// add() and wait() are called on the waiter's executor, which must be a single-threaded
// io_context (each of our executor's contexts is); done() may be called from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace perf::engine {

class WaitGroup {
 public:
  explicit WaitGroup(boost::asio::any_io_executor waiter)
      : timer_(std::move(waiter), boost::asio::steady_timer::time_point::max()) {}

  void add(int n = 1) {
    armed_ = true;
    pending_.fetch_add(n);
  }
  void done() {
    // The release runs on the waiter's executor, so wait() cannot return (and the group cannot
    // be destroyed) before it has run.
    if (pending_.fetch_sub(1) == 1)
      boost::asio::post(timer_.get_executor(), [this] {
        released_ = true;
        timer_.cancel();
      });
  }
  boost::asio::awaitable<void> wait() {
    if (!armed_) co_return;
    while (!released_) {
      boost::system::error_code ec;
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    armed_ = released_ = false;
  }

 private:
  std::atomic<int> pending_{0};
  bool armed_ = false;
  bool released_ = false;
  boost::asio::steady_timer timer_;
};

}  // namespace perf::engine
