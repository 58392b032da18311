// memory_leak_test: sustained load while the target's memory is sampled (--target-pid RSS from
// /proc, or --target-metrics process_resident_memory_bytes); a robust regression (Theil–Sen) of
// memory against cumulative requests gives memory_slope_bytes_per_request and leak_suspected.
// Without a memory source it cannot decide, and says so.
#include "perf/analysis/fits.hpp"
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

class MemoryLeakTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& o = cases::options_for(s, "memory_leak_test");
    for (const auto& op : model.operations) {
      auto c =
          cases::make_case("memory_leak_test", op, "",
                           "Memory growth under load of " + op.method + " " + op.path, context);
      c.performance_config = boost::json::object{
          {"concurrent_users", cases::config_number(o, "users", s.users.value_or(10))},
          {"duration_seconds", cases::config_number(o, "duration", s.duration_s.value_or(60))},
          {"think_time",
           cases::config_number(o, "think_time", s.think_time_s_override.value_or(0.05))},
          {"timeout", s.timeout_s}};
      c.parameters = boost::json::object{
          {"leak_bytes_per_request", cases::config_number(o, "leak_bytes_per_request", 512)},
          {"min_growth_mb", cases::config_number(o, "min_growth_mb", 4)},
          {"warmup_seconds", cases::config_number(o, "warmup", 2)}};
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    const auto before = session.resources();
    auto phase = cases::phase_from_config(c, s, "sustained");
    auto measured = co_await session.load(std::move(phase));
    result.metrics = std::move(measured.metrics);
    result.interrupted = measured.interrupted;
    // Memory against cumulative requests, after the allocator's warm-up.
    const double warmup = cases::config_number(c.parameters, "warmup_seconds", 2);
    std::vector<analysis::Point> points;
    double cumulative = 0;
    for (const auto& p : result.metrics.intervals) {
      cumulative += double(p.requests);
      if (p.t_s <= warmup || p.target_rss_mb < 0) continue;
      points.push_back({cumulative, p.target_rss_mb * 1024 * 1024});
    }
    if (points.size() < 3) {
      result.verdict = "warning";
      result.reason =
          before.target_error.empty() && points.empty() && !before.target_known
              ? "cannot decide: no memory source; give --target-pid PID or --target-metrics URL"
              : "cannot decide: fewer than three memory samples after the warm-up" +
                    (before.target_error.empty() ? std::string()
                                                 : " (" + before.target_error + ")");
      result.findings.push_back({"leak_suspected", nullptr, "", result.reason});
      co_return result;
    }
    const auto fit = analysis::theil_sen(points);
    const double growth_mb = (points.back().y - points.front().y) / (1024 * 1024);
    const double limit = cases::config_number(c.parameters, "leak_bytes_per_request", 512);
    const double min_growth = cases::config_number(c.parameters, "min_growth_mb", 4);
    const bool suspected = fit && fit->slope > limit && growth_mb > min_growth;
    result.findings.push_back(cases::finding("memory_slope_bytes_per_request", fit ? fit->slope : 0,
                                             "bytes",
                                             "target memory growth per request (Theil–Sen)"));
    result.findings.push_back(
        cases::finding("memory_growth_mb", growth_mb, "MB", "target memory change over the run"));
    result.findings.push_back(cases::finding(
        "leak_suspected", suspected ? 1 : 0, "",
        suspected ? "memory grows with every request" : "no growth per request beyond the limit"));
    std::vector<std::pair<double, double>> series;
    for (const auto& q : points) series.emplace_back(q.x, q.y / (1024 * 1024));
    result.charts["memory_by_requests"] =
        cases::chart("Target memory by requests", "requests", "MB", {{"RSS MB", series}});
    char reason[200];
    std::snprintf(reason, sizeof reason,
                  "%.0f bytes per request (limit %.0f), %.1f MB growth over %.0f requests",
                  fit ? fit->slope : 0, limit, growth_mb, cumulative);
    result.reason = std::string(suspected ? "leak suspected: " : "") + reason;
    result.verdict = suspected ? "failed" : "passed";
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    MemoryLeakTest, "memory_leak_test", "1.0.0",
    "Target memory against requests under load: bytes per request, leak suspicion")
