// stress_test: steps of growing load until the operation breaks: the first step whose error rate
// passes performance_error_threshold, whose p95 passes performance_response_threshold, or whose
// throughput stops rising while the load still grows (the knee). Stops once broken.
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace {

using namespace perf;

std::string fmt(const char* format, double a, double b = 0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, format, a, b);
  return buffer;
}

class StressTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& options = cases::options_for(s, "stress_test");
    const auto pattern = cases::pattern_or(s, "stress_test");
    // Users double from the pattern's 50 up to performance_max_users (1000): 50, 100, ... 1000.
    std::vector<double> steps;
    for (double u = pattern.users; u < s.max_users; u *= 2) steps.push_back(u);
    steps.push_back(s.max_users);
    steps = cases::number_list(options, "steps", steps);
    const auto rate_steps = cases::number_list(options, "rate_steps", {});
    const double step_s = cases::config_number(options, "step_duration", 30);
    for (const auto& op : model.operations) {
      auto c = cases::make_case("stress_test", op, "",
                                "Stress test for " + op.method + " " + op.path, context);
      c.performance_config = boost::json::object{
          {"step_duration_seconds", step_s},
          {"think_time", cases::config_number(options, "think_time", pattern.think_time_s)},
          {"timeout", s.timeout_s}};
      c.parameters =
          boost::json::object{{"user_steps", cases::to_array(steps)},
                              {"rate_steps", cases::to_array(rate_steps)},
                              {"knee_growth", cases::config_number(options, "knee_growth", 1.1)}};
      c.performance_thresholds = boost::json::object{};
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    const auto rates = cases::number_list(c.parameters, "rate_steps", {});
    const bool open = !rates.empty();
    const auto steps =
        open ? rates : cases::number_list(c.parameters, "user_steps", {50, 100, 200});
    const double knee_growth = cases::config_number(c.parameters, "knee_growth", 1.1);
    const double step_s =
        s.scaled(cases::config_number(c.performance_config, "step_duration_seconds", 30));
    std::vector<std::pair<double, double>> rps_series, p95_series, error_series;
    double max_sustainable = 0, previous_rps = 0, previous_load = 0;
    std::optional<double> breaking_point;
    std::string why;
    for (std::size_t i = 0; i < steps.size() && !session.stop_requested(); ++i) {
      const double load = steps[i];
      session.progress(
          fmt(open ? "step %.0f: %.0f req/s" : "step %.0f: %.0f users", double(i + 1), load));
      api::Phase phase;
      phase.name = "step " + std::to_string(i + 1);
      phase.requests = c.requests;
      phase.base_url = c.base_url;
      phase.duration_s = step_s;
      phase.timeout_s = cases::config_number(c.performance_config, "timeout", s.timeout_s);
      if (open) {
        phase.model = api::LoadModel::open;
        phase.rate_rps = load;
        phase.max_connections = s.max_connections;
      } else {
        phase.users = int(load);
        phase.think_time_s = cases::config_number(c.performance_config, "think_time", 0.2);
      }
      const auto measured = co_await session.load(std::move(phase));
      const auto& m = measured.metrics;
      result.metrics.append(m);
      const double rps = m.throughput_rps(), p95 = m.percentile_ms(95),
                   errors = m.error_rate_percent();
      // Successful responses: a broken step answers errors fast, which is no throughput.
      rps_series.emplace_back(load,
                              m.duration_s > 0 ? double(m.successful_requests) / m.duration_s : 0);
      p95_series.emplace_back(load, p95);
      error_series.emplace_back(load, errors);
      if (errors > s.error_threshold_percent)
        why = fmt("error rate %.1f %% passed the %.1f %% limit", errors, s.error_threshold_percent);
      else if (p95 > s.response_threshold_ms)
        why = fmt("p95 %.1f ms passed the %.0f ms limit", p95, s.response_threshold_ms);
      else if (i > 0 && load >= previous_load * 1.5 && rps < previous_rps * knee_growth)
        why = fmt("throughput stopped rising (%.1f req/s after %.1f)", rps, previous_rps);
      if (!why.empty()) {
        breaking_point = load;
        break;
      }
      max_sustainable = std::max(max_sustainable, rps);
      previous_rps = rps;
      previous_load = load;
    }
    const std::string unit = open ? "req/s offered" : "users";
    if (breaking_point) {
      result.findings.push_back(cases::finding("breaking_point_users", *breaking_point, unit,
                                               "first step that broke: " + why));
    } else {
      result.findings.push_back(
          {"breaking_point_users", nullptr, unit,
           fmt("did not break up to %.0f", steps.empty() ? 0 : steps.back())});
    }
    result.findings.push_back(cases::finding("max_sustainable_rps", max_sustainable, "req/s",
                                             "highest throughput of a step that held"));
    result.charts["stress_steps"] = cases::chart(
        "Stress steps", open ? "offered req/s" : "users", "value",
        {{"ok req/s", rps_series}, {"p95 ms", p95_series}, {"errors %", error_series}});
    result.interrupted = session.stop_requested();
    if (result.metrics.total_requests == 0) {
      result.verdict = "error";
      result.reason = "no request was sent";
    } else if (breaking_point && steps.size() && *breaking_point == steps.front()) {
      result.verdict = "failed";
      result.reason =
          "broke at the first step (" + fmt("%.0f", *breaking_point) + " " + unit + "): " + why;
    } else {
      result.verdict = "passed";
      result.reason = breaking_point ? "breaking point found at " + fmt("%.0f", *breaking_point) +
                                           " " + unit + ": " + why
                                     : "held every step";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    StressTest, "stress_test", "1.0.0",
    "Steps of growing load until errors, latency or a throughput knee break it")
