#include "progress_display.hpp"

#include "perf/plan/planned_time.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace perf::host {

void ProgressDisplay::end_bar() {
  if (bar_shown_) std::cerr << "\n";
  bar_shown_ = false;
}

void ProgressDisplay::set_plan(const std::vector<api::TestCase>& cases, double time_scale) {
  std::lock_guard lock(mutex_);
  planned_s_.clear();
  planned_left_s_ = 0;
  for (const auto& c : cases)
    if (const auto s = plan::planned_seconds(c, time_scale)) {
      planned_s_[c.id] = *s;
      planned_left_s_ += *s;
    }
}

void ProgressDisplay::case_started(const api::TestCase& c, std::size_t index, std::size_t total) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  end_bar();
  std::cerr << "[" << index << "/" << total << "] " << c.id;
  // The time left: this case's and the later ones' planned seconds (an upper bound where a case
  // may stop early).
  if (const auto it = planned_s_.find(c.id); it != planned_s_.end()) {
    std::cerr << "  (" << plan::duration_text(it->second) << "; about "
              << plan::duration_text(planned_left_s_) << " left in all)";
    planned_left_s_ = std::max(0.0, planned_left_s_ - it->second);
  }
  std::cerr << "\n";
}

void ProgressDisplay::interval(const api::Snapshot& s) {
  if (!enabled_) return;
  {
    // The closing sliver of a phase (answers still in flight at its end, a fraction of a second
    // after the last whole one) is counted in the totals but not shown: its rate over a sliver of
    // time would read as a burst after the load had stopped.
    std::lock_guard lock(mutex_);
    const std::string key = s.case_id + '\n' + s.phase;
    const double previous = key == last_phase_ ? last_elapsed_s_ : 0;
    last_phase_ = key;
    last_elapsed_s_ = s.elapsed_s;
    if (s.planned_s > 0 && s.elapsed_s >= s.planned_s && s.elapsed_s - previous < 0.5) return;
  }
  // p95 of this second's answers; "—" when none came (0.00 would read as instant).
  char p95[32];
  if (s.point.responses)
    std::snprintf(p95, sizeof p95, "%8.2f ms", s.point.p95_ms);
  else
    std::snprintf(p95, sizeof p95, "%7s\u2014   ", "");
  char text[256];
  std::snprintf(text, sizeof text,
                "  %-10.10s %6.1f/%-5.0fs  users %-5.0f %9.1f req/s  p95 %s  errors %llu",
                s.phase.c_str(), s.elapsed_s, s.planned_s, s.point.active_users, s.point.rps, p95,
                static_cast<unsigned long long>(s.total_errors));
  std::lock_guard lock(mutex_);
  if (terminal_) {
    std::string bar;
    if (s.planned_s > 0) {
      const int width = 20;
      const int filled = int(std::min(1.0, s.elapsed_s / s.planned_s) * width);
      bar = " [" + std::string(std::size_t(filled), '#') +
            std::string(std::size_t(width - filled), '.') + "]";
    }
    std::cerr << "\r\033[K" << text << bar << std::flush;
    bar_shown_ = true;
  } else {
    std::cerr << text << "\n";
  }
}

void ProgressDisplay::progress(std::string_view text) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  end_bar();
  std::cerr << "  " << text << "\n";
}

void ProgressDisplay::case_done(const api::CaseResult& r) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  end_bar();
  std::cerr << "  -> " << api::to_string(r.verdict) << (r.reason.empty() ? "" : ": " + r.reason)
            << "\n";
}

}  // namespace perf::host
