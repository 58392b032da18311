// Ctrl-C and SIGTERM for `perf-agent run`: counted by a plain signal handler the moment they
// arrive, and acted on by a thread of their own (stop the run; a second one: quit now).
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace perf::host {

class SignalWatch {
 public:
  // `on_signal` runs on the watch's thread, once per SIGINT or SIGTERM, with how many have come
  // so far (1 for the first).
  explicit SignalWatch(std::function<void(int count)> on_signal);
  // Gives SIGINT and SIGTERM their default action back and stops the thread.
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  // Signals received so far. Counted in the handler itself, so a signal that has been delivered
  // is counted here whatever the watch's thread is doing: the exit code cannot miss it.
  static int received();

 private:
  std::function<void(int)> on_signal_;
  std::thread thread_;
};

}  // namespace perf::host
