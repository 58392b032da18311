// stress_test: steps of growing load until the operation breaks: the first step whose error rate
// passes performance_error_threshold, whose p95 passes performance_response_threshold, or whose
// throughput stops rising while the load still grows (the knee). Stops once broken.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

std::string fmt(const char* format, double a, double b = 0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, format, a, b);
  return buffer;
}

// Users double from the stress_test pattern's 50 up to performance_max_users: 50, 100, ... 1000.
std::vector<double> default_user_steps(const api::Settings& s) {
  std::vector<double> steps;
  for (double u = cases::pattern_or(s, "stress_test").users; u < s.max_users; u *= 2)
    steps.push_back(u);
  steps.push_back(s.max_users);
  return steps;
}

const sdk::Options options{
    "stress_test",
    {sdk::list_option("steps", default_user_steps, "users of each step (closed model)"),
     sdk::list_option("rate_steps", std::vector<double>{},
                      "requests per second of each step (open model); replaces steps when given"),
     sdk::number_option("step_duration", 30, "seconds per step"),
     sdk::number_option(
         "think_time",
         [](const api::Settings& s) { return cases::pattern_or(s, "stress_test").think_time_s; },
         "seconds each user pauses after a response"),
     sdk::number_option("knee_growth", 1.1,
                        "a step whose load grew by half must raise throughput by this factor")}};

// The judge of one step against the last step that held.
struct Knee {
  const api::Settings& settings;
  double knee_growth;
  double previous_rps = 0, previous_load = 0;
  std::optional<std::string> operator()(const sdk::StepMeasure& step) {
    const auto& m = step.metrics;
    const double rps = m.throughput_rps(), p95 = m.percentile_ms(95),
                 errors = m.error_rate_percent();
    if (errors > settings.error_threshold_percent)
      return fmt("error rate %.1f %% passed the %.1f %% limit", errors,
                 settings.error_threshold_percent);
    if (p95 > settings.response_threshold_ms)
      return fmt("p95 %.1f ms passed the %.0f ms limit", p95, settings.response_threshold_ms);
    if (step.index > 0 && step.load >= previous_load * 1.5 && rps < previous_rps * knee_growth)
      return fmt("throughput stopped rising (%.1f req/s after %.1f)", rps, previous_rps);
    previous_rps = rps;
    previous_load = step.load;
    return std::nullopt;
  }
};

class StressTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    // Every step, at most: the run stops at the breaking point.
    auto seconds = [&](const api::TestCase& c) {
      const auto rates = options.list(c, "rate_steps", s);
      const auto steps = rates.empty() ? options.list(c, "steps", s).size() : rates.size();
      return double(steps) * options.number(c, "step_duration", s);
    };
    if (!model.flows.empty())
      return sdk::with_planned_seconds(
          sdk::plan_per_flow(model, context, options,
                             [](const api::Flow& f) { return "Stress test for flow " + f.name; }),
          seconds);
    return sdk::with_planned_seconds(sdk::plan_per_operation(model, context, options,
                                                             [](const api::Operation& op) {
                                                               return "Stress test for " +
                                                                      op.method + " " + op.path;
                                                             }),
                                     seconds);
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    const auto rates = options.list(c, "rate_steps", s);
    const bool open = !rates.empty();
    const auto loads = open ? rates : options.list(c, "steps", s);
    std::vector<sdk::Step> steps;
    for (double load : loads) {
      sdk::Step step{load, fmt(open ? "%.0f req/s" : "%.0f users", load), sdk::phase_for(c, "")};
      step.phase.duration_s = options.number(c, "step_duration", s);
      if (open) {
        step.phase.model = api::LoadModel::open;
        step.phase.rate_rps = load;
        step.phase.max_connections = s.max_connections;
      } else {
        step.phase.users = int(load);
        step.phase.think_time_s = options.number(c, "think_time", s);
      }
      steps.push_back(std::move(step));
    }
    const auto outcome = co_await sdk::run_steps(
        session, std::move(steps), Knee{s, options.number(c, "knee_growth", s)}, result);
    std::vector<std::pair<double, double>> rps_series, p95_series, error_series;
    double max_sustainable = 0;
    for (const auto& step : outcome.steps) {
      const auto& m = step.metrics;
      // Successful responses: a broken step answers errors fast, which is no throughput.
      rps_series.emplace_back(step.load, m.successful_rps());
      p95_series.emplace_back(step.load, m.percentile_ms(95));
      error_series.emplace_back(step.load, m.error_rate_percent());
      if (!outcome.broke_at || step.index < *outcome.broke_at)
        max_sustainable = std::max(max_sustainable, m.throughput_rps());
    }
    const std::string unit = open ? "req/s offered" : "users";
    if (outcome.broke_at) {
      const double load = outcome.steps[*outcome.broke_at].load;
      result.findings.push_back(cases::finding("breaking_point_users", load, unit,
                                               "first step that broke: " + outcome.why));
    } else {
      result.findings.push_back(cases::no_finding(
          "breaking_point_users", unit,
          fmt("did not break up to %.0f", outcome.steps.empty() ? 0 : outcome.steps.back().load)));
    }
    result.findings.push_back(cases::finding("max_sustainable_rps", max_sustainable, "req/s",
                                             "highest throughput of a step that held"));
    result.charts["stress_steps"] = cases::chart(
        "Stress steps", open ? "offered req/s" : "users", "value",
        {{"ok req/s", rps_series}, {"p95 ms", p95_series}, {"errors %", error_series}});
    if (result.metrics.total_requests == 0) {
      sdk::decide(result, api::Verdict::error, "no request was sent");
    } else if (outcome.broke_at && *outcome.broke_at == 0) {
      sdk::decide(result, api::Verdict::failed,
                  "broke at the first step (" + fmt("%.0f", loads.front()) + " " + unit +
                      "): " + outcome.why);
    } else if (outcome.broke_at) {
      sdk::decide(result, api::Verdict::passed,
                  "breaking point found at " + fmt("%.0f", outcome.steps[*outcome.broke_at].load) +
                      " " + unit + ": " + outcome.why);
    } else {
      sdk::decide(result, api::Verdict::passed, "held every step");
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    StressTest, "stress_test", "1.0.0",
    "Steps of growing load until errors, latency or a throughput knee break it",
    ::perf::api::trait_segments_divide)
