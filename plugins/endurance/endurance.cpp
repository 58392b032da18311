// endurance_test: sustained load (the endurance_test pattern, 30 minutes unless scaled) and a
// robust trend (Theil–Sen) over the per-second series: p95 and throughput drift in % per hour,
// and the target's memory trend when --target-pid or --target-metrics is given.
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
    "endurance_test",
    {sdk::number_option("max_p95_drift", 25, "p95 rise per hour (%) that counts as degradation"),
     sdk::number_option("max_throughput_drop", 25,
                        "throughput fall per hour (%) that counts as degradation"),
     sdk::number_option("max_memory_growth", 10,
                        "target memory rise per hour (%) that counts as degradation")}};

class EnduranceTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    // The load shape: the endurance_test pattern (or --users/--duration), with test_options'
    // users, duration, ramp_up and think_time over it.
    const auto& o = cases::options_for(s, "endurance_test");
    auto pattern = cases::has_explicit_load(s) ? cases::explicit_pattern(s)
                                               : cases::pattern_or(s, "endurance_test");
    pattern.users = int(cases::config_number(o, "users", pattern.users));
    pattern.duration_s = cases::config_number(o, "duration", pattern.duration_s);
    pattern.ramp_up_s = cases::config_number(o, "ramp_up", pattern.ramp_up_s);
    pattern.think_time_s = cases::config_number(o, "think_time", pattern.think_time_s);
    std::vector<api::TestCase> skeletons;
    for (const auto& flow : model.flows)  // flow mode: a case per flow, where operations would go
      skeletons.push_back(cases::make_flow_case("endurance_test", flow, pattern.name,
                                                "Endurance test for flow " + flow.name));
    for (const auto& op : model.operations)
      skeletons.push_back(cases::make_case("endurance_test", op, pattern.name,
                                           "Endurance test for " + op.method + " " + op.path,
                                           context));
    for (auto& c : skeletons) {
      c.performance_config = cases::load_config(pattern, s);
      c.parameters = options.resolve(s);
      c.parameters[sdk::planned_seconds_key] = pattern.duration_s;
      cases::add_standard_checks(c, s, 0);
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    auto phase = cases::phase_from_config(c, s, "sustained");
    const double ramp_plan_s = phase.ramp_up_s;
    const auto measured = co_await sdk::run_phase(session, std::move(phase), result);
    const double ramp_s = ramp_plan_s * measured.time_scale;
    cases::conclude_case(result);

    // Trends over the steady part (after the ramp-up), time in hours.
    std::vector<analysis::Point> p95, rps, memory;
    for (const auto& p : result.metrics.intervals) {
      if (p.t_s <= ramp_s + 1.0 || p.requests == 0) continue;
      const double h = p.t_s / 3600.0;
      if (p.responses) p95.push_back({h, p.p95_ms});  // a second with no answer has no p95
      rps.push_back({h, p.rps});
      if (p.target_rss_mb >= 0) memory.push_back({h, p.target_rss_mb});
    }
    std::vector<std::string> degraded;
    auto drift = [&](const std::vector<analysis::Point>& series, const char* id, const char* what,
                     double limit, bool rising_is_bad) {
      const auto fit = analysis::theil_sen(series);
      std::vector<double> ys;
      for (const auto& q : series) ys.push_back(q.y);
      const double level = analysis::median(ys);
      if (!fit || level <= 0) return;
      const double percent = 100.0 * fit->slope / level;
      result.findings.push_back(
          cases::finding(id, percent, "%/h", std::string(what) + " change per hour (Theil–Sen)"));
      if ((rising_is_bad && percent > limit) || (!rising_is_bad && percent < -limit)) {
        char text[128];
        std::snprintf(text, sizeof text, "%s drifts %.1f %%/h (limit %.0f)", what, percent, limit);
        degraded.push_back(text);
      }
    };
    if (p95.size() < 10) {
      if (result.verdict == api::Verdict::passed) {
        result.verdict = api::Verdict::warning;
        result.reason = "too short to see a trend: " + std::to_string(p95.size()) +
                        " steady seconds (at least 10 are needed)";
      }
      co_return result;
    }
    drift(p95, "p95_drift_percent_per_hour", "p95", options.number(c, "max_p95_drift", s), true);
    drift(rps, "throughput_drift_percent_per_hour", "throughput",
          options.number(c, "max_throughput_drop", s), false);
    if (memory.size() >= 10) {
      drift(memory, "memory_drift_percent_per_hour", "target memory",
            options.number(c, "max_memory_growth", s), true);
      if (const auto fit = analysis::theil_sen(memory))
        result.findings.push_back(
            cases::finding("memory_slope_mb_per_hour", fit->slope, "MB/h", "target RSS trend"));
    } else {
      result.findings.push_back(
          cases::no_finding("memory_drift_percent_per_hour", "%/h",
                            "not measured: give --target-pid or --target-metrics"));
    }
    std::vector<std::pair<double, double>> p95_series, rps_series;
    for (const auto& q : p95) p95_series.emplace_back(q.x * 3600, q.y);
    for (const auto& q : rps) rps_series.emplace_back(q.x * 3600, q.y);
    result.charts["endurance_trend"] = cases::chart(
        "Steady-state trend", "seconds", "value", {{"p95 ms", p95_series}, {"req/s", rps_series}});
    if (!degraded.empty() && result.verdict == api::Verdict::passed) {
      result.verdict = api::Verdict::warning;
      result.reason = "degradation: ";
      for (const auto& d : degraded) result.reason += d + "; ";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    EnduranceTest, "endurance_test", "1.0.0",
    "Sustained load with p95, throughput and memory trends per hour",
    ::perf::api::trait_segments_divide)
