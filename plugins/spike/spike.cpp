// spike_test: baseline → spike → recovery in one continuous run. Measures errors and p95 during
// the spike, and how long after it p95 takes to come back within a tolerance of the baseline
// (recovery_time_s), or says it did not recover.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace {

using namespace perf;

const sdk::Options options{
    "spike_test",
    {sdk::number_option(
         "baseline_users",
         [](const api::Settings& s) {
           return double(std::max(1, cases::pattern_or(s, "spike_test").users / 10));
         },
         "users before and after the spike"),
     sdk::number_option(
         "spike_users",
         [](const api::Settings& s) { return double(cases::pattern_or(s, "spike_test").users); },
         "users at the top of the spike"),
     sdk::number_option("baseline_duration", 30, "seconds at the baseline before the spike"),
     sdk::number_option(
         "spike_duration",
         [](const api::Settings& s) { return cases::pattern_or(s, "spike_test").duration_s; },
         "seconds at the top of the spike"),
     sdk::number_option(
         "ramp_up",
         [](const api::Settings& s) { return cases::pattern_or(s, "spike_test").ramp_up_s; },
         "seconds from the baseline to the spike"),
     sdk::number_option("recovery_duration", 60, "seconds back at the baseline after the spike"),
     sdk::number_option(
         "think_time",
         [](const api::Settings& s) { return cases::pattern_or(s, "spike_test").think_time_s; },
         "seconds each user pauses after a response"),
     sdk::number_option("recovery_tolerance", 0.5,
                        "recovered when p95 is within this fraction above the baseline's")}};

class SpikeTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    auto seconds = [&](const api::TestCase& c) {
      return options.number(c, "baseline_duration", s) + options.number(c, "ramp_up", s) +
             options.number(c, "spike_duration", s) + options.number(c, "recovery_duration", s);
    };
    if (!model.flows.empty())
      return sdk::with_planned_seconds(
          sdk::plan_per_flow(model, context, options,
                             [](const api::Flow& f) { return "Spike test for flow " + f.name; }),
          seconds);
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(
            model, context, options,
            [](const api::Operation& op) { return "Spike test for " + op.method + " " + op.path; }),
        seconds);
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    auto option = [&](const char* name) { return options.number(c, name, s); };
    const double base = option("baseline_users"), spike = option("spike_users");
    const double baseline_s = option("baseline_duration"), spike_s = option("spike_duration"),
                 recovery_s = option("recovery_duration");
    // At least a tenth of a second of ramp once scaled, so the spike is a ramp, not a jump.
    const double ramp_s = std::max(0.1 / s.time_scale, option("ramp_up"));
    const double tolerance = option("recovery_tolerance");
    auto phase = sdk::phase_for(c, "spike");
    phase.think_time_s = option("think_time");
    phase.stages = {{0.01, base},     {baseline_s, base}, {ramp_s, spike},
                    {spike_s, spike}, {0.01, base},       {recovery_s, base}};
    const auto measured = co_await sdk::run_phase(session, std::move(phase), result);
    // The intervals are in run seconds: the plan's boundaries scaled the same way.
    const double scale = measured.time_scale;
    const double spike_start = baseline_s * scale,
                 spike_end = (baseline_s + ramp_s + spike_s) * scale, recovery_start = spike_end;
    const auto& points = result.metrics.intervals;

    std::vector<double> baseline_p95;
    std::uint64_t spike_requests = 0, spike_errors = 0;
    double spike_p95 = 0;
    for (const auto& p : points) {
      if (p.t_s <= spike_start && p.responses > 0) baseline_p95.push_back(p.p95_ms);
      if (p.t_s > spike_start && p.t_s <= spike_end + 0.5) {
        spike_requests += p.requests;
        spike_errors += p.errors;
        spike_p95 = std::max(spike_p95, p.p95_ms);
      }
    }
    const double base_p95 = analysis::median(baseline_p95);
    const double spike_error_rate =
        spike_requests ? 100.0 * double(spike_errors) / double(spike_requests) : 0;
    // Recovered at the start of the first recovery interval whose p95 is back within the
    // tolerance of the baseline (1 ms of slack for very fast endpoints) with errors under the
    // limit.
    std::optional<double> recovery_time;
    double previous_t = 0;
    for (const auto& p : points) {
      const double start = previous_t;
      previous_t = p.t_s;
      // The second that straddles the end of the spike counts: if it is already good, recovery
      // took no measurable time.
      if (p.t_s <= recovery_start + 1e-6 || p.requests == 0) continue;
      const double errors = 100.0 * double(p.errors) / double(p.requests);
      if (p.p95_ms <= base_p95 * (1 + tolerance) + 1.0 && errors <= s.error_threshold_percent) {
        recovery_time = std::max(0.0, start - recovery_start);
        break;
      }
    }
    result.findings.push_back(cases::finding("baseline_p95_ms", base_p95, "ms",
                                             "median per-second p95 before the spike"));
    result.findings.push_back(
        cases::finding("spike_p95_ms", spike_p95, "ms", "worst per-second p95 during the spike"));
    result.findings.push_back(cases::finding("spike_error_rate", spike_error_rate, "%",
                                             "failed requests during the spike"));
    if (recovery_time)
      result.findings.push_back(
          cases::finding("recovery_time_s", *recovery_time, "s",
                         "after the spike until p95 was back near the baseline (1 s resolution)"));
    else
      result.findings.push_back(
          cases::no_finding("recovery_time_s", "s", "did not recover within the recovery phase"));
    std::vector<std::pair<double, double>> p95_series, err_series, users_series;
    for (const auto& p : points) {
      p95_series.emplace_back(p.t_s, p.p95_ms);
      err_series.emplace_back(p.t_s, p.errors_per_s);
      users_series.emplace_back(p.t_s, p.target);
    }
    result.charts["spike_phases"] =
        cases::chart("Spike phases", "seconds", "value",
                     {{"users", users_series}, {"p95 ms", p95_series}, {"errors/s", err_series}});
    char reason[200];
    if (result.metrics.total_requests == 0 || baseline_p95.empty()) {
      result.verdict = api::Verdict::error;
      result.reason = "no baseline measured (is the baseline phase at least a second long?)";
    } else if (!recovery_time) {
      result.verdict = api::Verdict::failed;
      std::snprintf(reason, sizeof reason,
                    "did not recover: p95 stayed above %.1f ms after the spike",
                    base_p95 * (1 + tolerance));
      result.reason = reason;
    } else if (spike_error_rate > s.error_threshold_percent) {
      result.verdict = api::Verdict::failed;
      std::snprintf(reason, sizeof reason,
                    "%.1f %% errors during the spike (limit %.1f %%); recovered in %.1f s",
                    spike_error_rate, s.error_threshold_percent, *recovery_time);
      result.reason = reason;
    } else {
      result.verdict = api::Verdict::passed;
      std::snprintf(reason, sizeof reason,
                    "held the spike (%.1f %% errors) and recovered in %.1f s", spike_error_rate,
                    *recovery_time);
      result.reason = reason;
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    SpikeTest, "spike_test", "1.0.0",
    "Baseline, sudden spike, recovery: errors in the spike and time to recover",
    ::perf::api::trait_segments_divide)
