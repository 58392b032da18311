#include "perf/monitor/resource_monitor.hpp"

#include "perf/http/connection.hpp"
#include "perf/monitor/process_stats.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <sstream>

namespace perf::monitor {

namespace asio = boost::asio;

std::optional<double> prometheus_value(std::string_view text, std::string_view metric) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, metric.size()) != metric) continue;
    std::string_view rest = line.substr(metric.size());
    if (!rest.empty() && rest.front() == '{') {
      const auto close = rest.find('}');
      if (close == std::string_view::npos) continue;
      rest = rest.substr(close + 1);
    }
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t')) continue;
    std::istringstream in{std::string(rest)};
    double value = 0;
    if (in >> value) return value;
  }
  return std::nullopt;
}

ResourceMonitor::ResourceMonitor(asio::io_context::executor_type executor, MonitorOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      running_(std::make_shared<std::atomic<bool>>(false)) {
  if (!options_.target_metrics_url.empty())
    metrics_target_ = http::Target::make(options_.target_metrics_url, {});
  last_cpu_s_ = read_own_stats().cpu_seconds;
  last_time_ = std::chrono::steady_clock::now();
}

ResourceMonitor::~ResourceMonitor() {
  stop();
}

std::string ResourceMonitor::target_description() const {
  if (options_.target_pid) return "pid " + std::to_string(*options_.target_pid);
  if (!options_.target_metrics_url.empty()) return options_.target_metrics_url;
  return "";
}

void ResourceMonitor::start() {
  if (running_->exchange(true)) return;
  asio::co_spawn(executor_, loop(), asio::detached);
}

void ResourceMonitor::stop() {
  running_->store(false);
}

asio::awaitable<void> ResourceMonitor::loop() {
  auto running = running_;
  asio::steady_timer timer(executor_);
  boost::system::error_code ec;
  while (running->load()) {
    co_await sample_once();
    timer.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
        std::chrono::duration<double>(options_.interval_s)));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> ResourceMonitor::sample_once() {
  api::ResourceSample s;
  const auto own = read_own_stats();
  const auto now = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(now - last_time_).count();
  s.agent_cpu_percent = wall > 0 ? 100.0 * (own.cpu_seconds - last_cpu_s_) / wall : 0;
  last_cpu_s_ = own.cpu_seconds;
  last_time_ = now;
  s.agent_rss_mb = own.rss_mb;
  s.agent_peak_rss_mb = own.peak_rss_mb;
  if (options_.target_pid) {
    std::string error;
    if (auto t = read_process_stats(*options_.target_pid, &error)) {
      s.target_known = true;
      s.target_rss_mb = t->rss_mb;
      s.target_cpu_seconds = t->cpu_seconds;
    } else {
      s.target_error = error;
    }
  } else if (metrics_target_) {
    http::Connection connection(executor_, metrics_target_);
    api::RequestSpec get;
    get.target = metrics_target_->url.path.empty() ? "/" : "";
    auto prepared = http::PreparedRequest::make(get, metrics_target_->url, false);
    http::Outcome outcome;
    http::Capture capture;
    capture.body_cap = 4 << 20;
    asio::steady_timer guard(executor_);
    guard.expires_after(std::chrono::seconds(5));
    auto alive = std::make_shared<bool>(true);
    guard.async_wait([&connection, alive](boost::system::error_code ec) {
      if (!ec && *alive) connection.abort(true);
    });
    co_await connection.exchange(prepared, outcome, &capture);
    *alive = false;
    guard.cancel();
    if (outcome.status == 200) {
      auto rss = prometheus_value(capture.body, "process_resident_memory_bytes");
      auto cpu = prometheus_value(capture.body, "process_cpu_seconds_total");
      if (rss) {
        s.target_known = true;
        s.target_rss_mb = *rss / (1024.0 * 1024.0);
        s.target_cpu_seconds = cpu.value_or(0);
      } else {
        s.target_error = options_.target_metrics_url + " has no process_resident_memory_bytes";
      }
    } else {
      s.target_error = options_.target_metrics_url + ": " +
                       (outcome.status ? "HTTP " + std::to_string(outcome.status)
                                       : std::string(http::to_string(outcome.error)));
    }
  }
  std::lock_guard lock(mutex_);
  latest_ = s;
}

api::ResourceSample ResourceMonitor::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

double ResourceMonitor::target_rss_mb() const {
  std::lock_guard lock(mutex_);
  return latest_.target_known ? latest_.target_rss_mb : -1;
}

}  // namespace perf::monitor
