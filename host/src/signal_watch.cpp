#include "signal_watch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace perf::host {

namespace {

// The self-pipe: the handler writes the signal's number, the watch's thread reads it. Made once
// and never closed: a handler still running in another thread as the watch ends must not write
// into a descriptor reused for something else.
int pipe_ends[2] = {-1, -1};
std::atomic<int> signal_count{0};

void on_signal(int sig) {
  const int saved = errno;
  signal_count.fetch_add(1);  // lock-free: safe in a handler
  const char byte = char(sig);
  [[maybe_unused]] const auto written = ::write(pipe_ends[1], &byte, 1);
  errno = saved;
}

void set_handler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes under way go on rather than fail with EINTR
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

SignalWatch::SignalWatch(std::function<void(int)> on_signal_callback)
    : on_signal_(std::move(on_signal_callback)) {
  if (pipe_ends[0] < 0 && ::pipe2(pipe_ends, O_CLOEXEC) != 0)
    throw std::runtime_error("cannot watch for signals: pipe2 failed");
  // Never block the handler: when the thread lags, the count still holds every signal.
  ::fcntl(pipe_ends[1], F_SETFL, O_NONBLOCK);
  thread_ = std::thread([this] {
    for (;;) {
      char byte = 0;
      const auto n = ::read(pipe_ends[0], &byte, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || byte == 0) return;  // 0: the destructor's stop byte
      on_signal_(signal_count.load());
    }
  });
  set_handler(&on_signal);
}

SignalWatch::~SignalWatch() {
  set_handler(SIG_DFL);
  const char stop = 0;
  // The pipe is non-blocking on this end; 64 KiB of unread signals is not a case to handle.
  while (::write(pipe_ends[1], &stop, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

int SignalWatch::received() {
  return signal_count.load();
}

}  // namespace perf::host
