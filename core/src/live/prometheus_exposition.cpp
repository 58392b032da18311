#include "perf/live/prometheus_exposition.hpp"

#include "perf/metrics/latency_histogram.hpp"

#include <charconv>
#include <sstream>

namespace perf::live {

namespace {

// A label value as the text format wants it: backslash, double quote and newline escaped.
std::string label_value(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// The shortest text that reads back as the same double ("0.0025", "30765"): the format takes
// Go's float syntax, of which this is a subset.
std::string number(double v) {
  char b[40];
  const auto [end, ec] = std::to_chars(b, b + sizeof b, v);
  return std::string(b, ec == std::errc() ? end : b);
}

std::string status_class(int status) {
  if (status >= 200 && status < 600) return std::to_string(status / 100) + "xx";
  return "error";  // 1xx never ends an exchange; anything else is not HTTP
}

}  // namespace

void PrometheusExposition::set_task_states(std::function<std::map<std::string, double>()> states) {
  std::lock_guard lock(mutex_);
  task_states_ = std::move(states);
}

void PrometheusExposition::interval_metrics(const api::Snapshot& s, const api::Metrics& interval) {
  std::lock_guard lock(mutex_);
  auto& c = cases_[s.case_id];
  for (const auto& [status, n] : interval.status_codes)
    c.requests[status_class(status)] += double(n);
  for (const auto& [kind, n] : interval.errors) c.requests["error"] += double(n);
  const auto& hdr = interval.latency.hdr();
  for (std::size_t i = 0; i < bucket_bounds_s.size(); ++i)
    c.buckets[i] += double(hdr.count_at_or_below(std::uint64_t(bucket_bounds_s[i] * 1e6)));
  c.count += double(hdr.count());
  c.sum_s += hdr.mean_us() * double(hdr.count()) / 1e6;
  c.active_users = s.point.active_users;
}

void PrometheusExposition::case_done(const api::CaseResult& r) {
  std::lock_guard lock(mutex_);
  cases_[r.test_case.id].active_users = 0;
}

std::string PrometheusExposition::text() const {
  // The task counts come from the store (a query): asked with no lock held, so a scrape never
  // makes a run's interval wait.
  std::function<std::map<std::string, double>()> task_states;
  {
    std::lock_guard lock(mutex_);
    task_states = task_states_;
  }
  const auto states = task_states ? task_states() : std::map<std::string, double>{};
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  out << "# HELP perf_agent_requests_total Requests sent, by case and outcome (status class, or "
         "error for no answer).\n# TYPE perf_agent_requests_total counter\n";
  for (const auto& [id, c] : cases_)
    for (const auto& [status, n] : c.requests)
      out << "perf_agent_requests_total{case=\"" << label_value(id) << "\",status=\"" << status
          << "\"} " << number(n) << "\n";
  out << "# HELP perf_agent_request_duration_seconds Time from sending a request to its whole "
         "answer.\n# TYPE perf_agent_request_duration_seconds histogram\n";
  for (const auto& [id, c] : cases_) {
    const std::string label = "case=\"" + label_value(id) + "\"";
    for (std::size_t i = 0; i < bucket_bounds_s.size(); ++i)
      out << "perf_agent_request_duration_seconds_bucket{" << label << ",le=\""
          << number(bucket_bounds_s[i]) << "\"} " << number(c.buckets[i]) << "\n";
    out << "perf_agent_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
        << number(c.count) << "\n"
        << "perf_agent_request_duration_seconds_sum{" << label << "} " << number(c.sum_s) << "\n"
        << "perf_agent_request_duration_seconds_count{" << label << "} " << number(c.count) << "\n";
  }
  out << "# HELP perf_agent_active_users Virtual users (closed model) or requests in flight "
         "(open model) in the last second.\n# TYPE perf_agent_active_users gauge\n";
  for (const auto& [id, c] : cases_)
    out << "perf_agent_active_users{case=\"" << label_value(id) << "\"} " << number(c.active_users)
        << "\n";
  if (task_states) {
    out << "# HELP perf_agent_tasks Tasks by state.\n# TYPE perf_agent_tasks gauge\n";
    for (const auto& [state, n] : states)
      out << "perf_agent_tasks{state=\"" << label_value(state) << "\"} " << number(n) << "\n";
  }
  return out.str();
}

}  // namespace perf::live
