#include "perf/live/live_feed.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

namespace perf::live {

namespace json = boost::json;

namespace {
// Three decimals: enough for milliseconds and rates, and short messages.
double rounded(double v) {
  return std::isfinite(v) ? std::round(v * 1000) / 1000 : 0;
}
}  // namespace

std::string status_of(const api::RunSummary& summary) {
  if (summary.interrupted) return "cancelled";
  return summary.verdict == "passed" ? "success" : "failed";
}

std::vector<Message> LiveFeed::follow(int& id, std::function<void(const Message&)> deliver) {
  std::lock_guard lock(mutex_);
  id = next_id_++;
  followers_[id] = std::move(deliver);
  std::vector<Message> out;
  out.reserve(history_.size());
  for (const auto& [message, kept] : history_) out.push_back(message);
  return out;
}

void LiveFeed::unfollow(int id) {
  std::lock_guard lock(mutex_);
  followers_.erase(id);
}

std::vector<Message> LiveFeed::history() const {
  std::lock_guard lock(mutex_);
  std::vector<Message> out;
  for (const auto& [message, kept] : history_) out.push_back(message);
  return out;
}

bool LiveFeed::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

std::optional<std::string> LiveFeed::end_status() const {
  std::lock_guard lock(mutex_);
  return ended_ ? std::optional<std::string>(end_status_text_) : std::nullopt;
}

std::size_t LiveFeed::followers() const {
  std::lock_guard lock(mutex_);
  return followers_.size();
}

void LiveFeed::publish(std::string text, bool keep_always) {
  auto message = std::make_shared<const std::string>(std::move(text));
  std::vector<std::function<void(const Message&)>> now;
  {
    std::lock_guard lock(mutex_);
    if (history_.size() >= max_history) {
      // Drop the oldest tenth of the intervals; case_done and end are few and always kept.
      std::size_t to_drop = max_history / 10;
      std::erase_if(history_, [&](const auto& entry) {
        if (entry.second || to_drop == 0) return false;
        --to_drop;
        return true;
      });
    }
    history_.emplace_back(message, keep_always);
    for (const auto& [id, deliver] : followers_) now.push_back(deliver);
  }
  for (const auto& deliver : now) deliver(message);
}

void LiveFeed::case_started(const api::TestCase& c, std::size_t, std::size_t) {
  std::lock_guard lock(mutex_);
  case_started_[c.id] = std::chrono::steady_clock::now();
}

void LiveFeed::interval(const api::Snapshot& s) {
  double t_s = s.elapsed_s;  // a case of several phases: seconds since the case started
  bool sliver = false;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = case_started_.find(s.case_id); it != case_started_.end())
      t_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second).count();
    // The closing sliver of a phase (answers in flight at its end, a fraction of a second after
    // the last whole one): its requests count, but a rate over a few milliseconds would draw a
    // burst that never happened.
    const std::string key = s.case_id + '\n' + s.phase;
    const double previous = key == last_phase_ ? last_elapsed_s_ : 0;
    last_phase_ = key;
    last_elapsed_s_ = s.elapsed_s;
    sliver = s.planned_s > 0 && s.elapsed_s >= s.planned_s && s.elapsed_s - previous < 0.5;
  }
  const auto& p = s.point;
  json::object o{
      {"type", "interval"},
      {"case", s.case_id},
      {"phase", s.phase},
      {"t_s", rounded(t_s)},
      {"requests", p.requests},
      {"rps", sliver ? json::value(nullptr) : json::value(rounded(p.rps))},
      {"errors_per_s", sliver ? json::value(nullptr) : json::value(rounded(p.errors_per_s))},
      {"active_users", rounded(p.active_users)}};
  // No answer this second: no latency (null, not 0 ms, which would read as instant).
  for (auto [key, value] : {std::pair{"p50_ms", p.p50_ms}, std::pair{"p95_ms", p.p95_ms},
                            std::pair{"p99_ms", p.p99_ms}})
    o[key] = p.responses ? json::value(rounded(value)) : json::value(nullptr);
  publish(json::serialize(o), false);
}

void LiveFeed::case_done(const api::CaseResult& r) {
  publish(json::serialize(json::object{{"type", "case_done"},
                                       {"case", r.test_case.id},
                                       {"verdict", api::to_string(r.verdict)},
                                       {"reason", r.reason},
                                       {"requests", r.metrics.total_requests}}),
          true);
}

void LiveFeed::run_finished(const api::RunSummary& summary) {
  if (!end_by_owner_) finish(status_of(summary), summary.exit_code);
}

void LiveFeed::finish(const std::string& status, int exit_code) {
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = true;
    end_status_text_ = status;
  }
  publish(
      json::serialize(json::object{{"type", "end"}, {"status", status}, {"exit_code", exit_code}}),
      true);
}

}  // namespace perf::live
