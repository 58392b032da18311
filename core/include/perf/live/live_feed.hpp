// The live stream of a run (DESIGN §10.3): bus events as the JSON messages the WebSocket sends,
// `interval` once a second per running case, `case_done`, `end`, kept in order so that a client
// joining late gets the series so far first. Followers are called under no lock of the run: the
// bus publishes on the run's control thread, and a follower only queues the message.
#pragma once

#include "perf/run/metrics_bus.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace perf::live {

using Message = std::shared_ptr<const std::string>;

class LiveFeed final : public run::RunObserver {
 public:
  // How many messages the history keeps (the oldest intervals go first; case_done and end stay):
  // about an hour of ten cases at one a second.
  static constexpr std::size_t max_history = 40000;

  // A follower gets every message from now on, on the thread that publishes it; it must not
  // block. Returns the history so far, taken atomically with the subscription: nothing is
  // missed or seen twice.
  std::vector<Message> follow(int& id, std::function<void(const Message&)> deliver);
  void unfollow(int id);

  std::vector<Message> history() const;
  bool ended() const;
  std::optional<std::string> end_status() const;  // the `end` message's status, once sent
  std::size_t followers() const;
  // The owner ends the stream with finish() (the service: with the task's own status, which
  // only it knows); run_finished() then publishes no `end`.
  void end_by_owner() { end_by_owner_ = true; }
  // Publishes `end` with `status` unless one was sent: also ends a stream whose run never
  // finished (an unreachable target, a run that threw), so no client waits forever.
  void finish(const std::string& status, int exit_code);

  void case_started(const api::TestCase& c, std::size_t index, std::size_t total) override;
  void interval(const api::Snapshot& s) override;
  void case_done(const api::CaseResult& r) override;
  void run_finished(const api::RunSummary& summary) override;

 private:
  void publish(std::string text, bool keep_always);
  mutable std::mutex mutex_;
  std::vector<std::pair<Message, bool>> history_;  // (message, kept when trimming)
  std::map<int, std::function<void(const Message&)>> followers_;
  int next_id_ = 1;
  bool ended_ = false;
  std::string end_status_text_;
  std::map<std::string, std::chrono::steady_clock::time_point> case_started_;
  bool end_by_owner_ = false;
  std::string last_phase_;  // case id and phase of the last interval
  double last_elapsed_s_ = 0;
};

// "success" for a passed run, "cancelled" for an interrupted one, else "failed".
std::string status_of(const api::RunSummary& summary);

}  // namespace perf::live
