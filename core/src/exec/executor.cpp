#include "perf/exec/executor.hpp"

#include <algorithm>

namespace perf::exec {

Executor::Executor(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    // Each context is run by one thread and every socket is used only from its own context, so
    // the reactor needs no locks; the scheduler keeps its lock because other threads post work.
    contexts_.push_back(
        std::make_unique<boost::asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO));
    guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
  control_ = std::make_unique<boost::asio::io_context>(1);
  guards_.push_back(boost::asio::make_work_guard(*control_));
  for (auto& context : contexts_) threads_.emplace_back([c = context.get()] { c->run(); });
  threads_.emplace_back([c = control_.get()] { c->run(); });
}

Executor::~Executor() {
  stop();
}

void Executor::stop() {
  guards_.clear();
  for (auto& context : contexts_) context->stop();
  if (control_) control_->stop();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

}  // namespace perf::exec
