// scalability_test: user steps 1, 2, 4, ... N with no think time; throughput per step, scaling
// efficiency, and a Universal Scalability Law fit (σ contention, κ coherency) that predicts the
// peak throughput and the users at the peak.
#include "perf/analysis/fits.hpp"
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace {

using namespace perf;

class ScalabilityTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& options = cases::options_for(s, "scalability_test");
    const double max_users = cases::config_number(options, "max_users", std::min(64, s.max_users));
    std::vector<double> steps;
    for (double u = 1; u <= max_users; u *= 2) steps.push_back(u);
    steps = cases::number_list(options, "steps", steps);
    for (const auto& op : model.operations) {
      auto c = cases::make_case("scalability_test", op, "",
                                "Scalability of " + op.method + " " + op.path, context);
      c.performance_config = boost::json::object{
          {"step_duration_seconds", cases::config_number(options, "step_duration", 20)},
          {"think_time", 0},
          {"timeout", s.timeout_s}};
      c.parameters = boost::json::object{{"user_steps", cases::to_array(steps)}};
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    const auto steps = cases::number_list(c.parameters, "user_steps", {1, 2, 4, 8});
    const double step_s =
        s.scaled(cases::config_number(c.performance_config, "step_duration_seconds", 20));
    std::vector<analysis::Point> points;
    std::vector<std::pair<double, double>> measured_series, model_series;
    for (std::size_t i = 0; i < steps.size() && !session.stop_requested(); ++i) {
      session.progress("step " + std::to_string(i + 1) + "/" + std::to_string(steps.size()) + ": " +
                       std::to_string(int(steps[i])) + " users");
      api::Phase phase;
      phase.name = std::to_string(int(steps[i])) + " users";
      phase.requests = c.requests;
      phase.base_url = c.base_url;
      phase.users = int(steps[i]);
      phase.duration_s = step_s;
      phase.timeout_s = cases::config_number(c.performance_config, "timeout", s.timeout_s);
      const auto measured = co_await session.load(std::move(phase));
      result.metrics.append(measured.metrics);
      // Only successful requests count as throughput: errors fast-fail and would flatter it.
      const double good =
          measured.metrics.duration_s > 0
              ? double(measured.metrics.successful_requests) / measured.metrics.duration_s
              : 0;
      points.push_back({steps[i], good});
      measured_series.emplace_back(steps[i], good);
    }
    result.interrupted = session.stop_requested();
    if (points.size() < 2 || points.front().y <= 0) {
      result.verdict = "error";
      result.reason = "fewer than two steps with successful requests: nothing to compare";
      co_return result;
    }
    const auto& first = points.front();
    const auto& last = points.back();
    const double efficiency = (last.y / first.y) / (last.x / first.x);
    result.findings.push_back(cases::finding(
        "scaling_efficiency", efficiency, "",
        "throughput gain over user gain from the first to the last step (1 = linear)"));
    const auto usl = analysis::fit_usl(points);
    if (!usl) {
      result.verdict = "warning";
      result.reason =
          "scaling efficiency measured, but a USL fit needs three steps with throughput";
    } else {
      result.findings.push_back(
          cases::finding("usl_sigma", usl->sigma, "", "contention (serialized fraction)"));
      result.findings.push_back(
          cases::finding("usl_kappa", usl->kappa, "", "coherency (cross-talk) cost"));
      result.findings.push_back(cases::finding(
          "predicted_peak_rps", usl->peak_throughput, "req/s",
          usl->kappa > 0 ? "USL peak throughput" : "USL asymptote (no retrograde term)"));
      if (usl->kappa > 0)
        result.findings.push_back(
            cases::finding("peak_users", usl->peak_users, "users", "users at the predicted peak"));
      result.findings.push_back(
          cases::finding("usl_r_squared", usl->r_squared, "", "goodness of the fit"));
      for (double n = 1; n <= std::max(last.x * 2, 2.0); n *= 1.25)
        model_series.emplace_back(n, usl->throughput_at(n));
      result.verdict = efficiency >= cases::config_number(cases::options_for(s, "scalability_test"),
                                                          "min_efficiency", 0.5)
                           ? "passed"
                           : "failed";
      char reason[160];
      std::snprintf(
          reason, sizeof reason,
          "scaling efficiency %.2f from %.0f to %.0f users; USL predicts a peak of %.1f req/s",
          efficiency, first.x, last.x, usl->peak_throughput);
      result.reason = reason;
    }
    result.charts["scalability"] =
        cases::chart("Throughput by users (USL fit)", "users", "req/s",
                     {{"measured", measured_series}, {"USL model", model_series}});
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(ScalabilityTest, "scalability_test", "1.0.0",
                            "Throughput at 1, 2, 4 ... users with a Universal Scalability Law fit")
