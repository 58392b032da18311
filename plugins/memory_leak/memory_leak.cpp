// memory_leak_test: sustained load while the target's memory is sampled (--target-pid RSS from
// /proc, or --target-metrics process_resident_memory_bytes); a robust regression (Theil–Sen) of
// memory against cumulative requests gives memory_slope_bytes_per_request and leak_suspected.
// Without a memory source it cannot decide, and says so.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

const sdk::Options options{
    "memory_leak_test",
    {sdk::number_option(
         "users", [](const api::Settings& s) { return double(s.users.value_or(10)); },
         "users of the sustained load"),
     sdk::number_option(
         "duration", [](const api::Settings& s) { return s.duration_s.value_or(60); },
         "seconds of sustained load"),
     sdk::number_option(
         "think_time",
         [](const api::Settings& s) { return s.think_time_s_override.value_or(0.05); },
         "seconds each user pauses after a response"),
     sdk::number_option("leak_bytes_per_request", 512,
                        "memory growth per request above which a leak is suspected"),
     sdk::number_option("min_growth_mb", 4, "and at least this much growth over the run"),
     sdk::number_option("warmup", 2, "seconds of allocator warm-up left out of the fit")}};

class MemoryLeakTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(model, context, options,
                                [](const api::Operation& op) {
                                  return "Memory growth under load of " + op.method + " " + op.path;
                                }),
        [&](const api::TestCase& c) { return options.number(c, "duration", s); });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    const auto before = session.resources();
    auto phase = sdk::phase_for(c, "sustained");
    phase.users = int(options.number(c, "users", s));
    phase.duration_s = options.number(c, "duration", s);
    phase.think_time_s = options.number(c, "think_time", s);
    co_await sdk::run_phase(session, std::move(phase), result);
    // Memory against cumulative requests, after the allocator's warm-up.
    const double warmup = options.number(c, "warmup", s);
    std::vector<analysis::Point> points;
    double cumulative = 0;
    for (const auto& p : result.metrics.intervals) {
      cumulative += double(p.requests);
      if (p.t_s <= warmup || p.target_rss_mb < 0) continue;
      points.push_back({cumulative, p.target_rss_mb * 1024 * 1024});
    }
    if (points.size() < 3) {
      result.verdict = api::Verdict::warning;
      result.reason =
          before.target_error.empty() && points.empty() && !before.target_known
              ? "cannot decide: no memory source; give --target-pid PID or --target-metrics URL"
              : "cannot decide: fewer than three memory samples after the warm-up" +
                    (before.target_error.empty() ? std::string()
                                                 : " (" + before.target_error + ")");
      result.findings.push_back(cases::no_finding("leak_suspected", "", result.reason));
      co_return result;
    }
    const auto fit = analysis::theil_sen(points);
    const double growth_mb = (points.back().y - points.front().y) / (1024 * 1024);
    const double limit = options.number(c, "leak_bytes_per_request", s);
    const double min_growth = options.number(c, "min_growth_mb", s);
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
    result.verdict = suspected ? api::Verdict::failed : api::Verdict::passed;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    MemoryLeakTest, "memory_leak_test", "1.0.0",
    "Target memory against requests under load: bytes per request, leak suspicion")
