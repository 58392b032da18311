// scalability_test: user steps 1, 2, 4, ... N with no think time; throughput per step, scaling
// efficiency, and a Universal Scalability Law fit (σ contention, κ coherency) that predicts the
// peak throughput and the users at the peak.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace {

using namespace perf;

const sdk::Options options{
    "scalability_test",
    {sdk::list_option(
         "steps",
         [](const api::Settings& s) {
           std::vector<double> steps;
           for (double u = 1; u <= std::min(64, s.max_users); u *= 2) steps.push_back(u);
           return steps;
         },
         "users of each step, no think time"),
     sdk::number_option("step_duration", 20, "seconds per step"),
     sdk::number_option(
         "min_efficiency", 0.5,
         "scaling efficiency from the first to the last step below which it fails")}};

// σ and κ to four significant digits: κ is typically 1e-4 to 1e-3, which the thousandths every
// other finding is rounded to would report as 0 beside a finite peak.
api::Finding coefficient(std::string id, double value, std::string text) {
  const double scale = value > 0 ? std::pow(10.0, 3 - std::floor(std::log10(value))) : 1;
  return {std::move(id), boost::json::value(std::round(value * scale) / scale), "",
          std::move(text)};
}

class ScalabilityTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    auto seconds = [&](const api::TestCase& c) {
      return double(options.list(c, "steps", s).size()) * options.number(c, "step_duration", s);
    };
    if (!model.flows.empty())
      return sdk::with_planned_seconds(
          sdk::plan_per_flow(model, context, options,
                             [](const api::Flow& f) { return "Scalability of flow " + f.name; }),
          seconds);
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(
            model, context, options,
            [](const api::Operation& op) { return "Scalability of " + op.method + " " + op.path; }),
        seconds);
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    std::vector<sdk::Step> steps;
    for (double users : options.list(c, "steps", s)) {
      sdk::Step step{users, std::to_string(int(users)) + " users", sdk::phase_for(c, "")};
      step.phase.users = int(users);
      step.phase.duration_s = options.number(c, "step_duration", s);
      steps.push_back(std::move(step));
    }
    const auto outcome = co_await sdk::run_steps(
        session, std::move(steps), [](const sdk::StepMeasure&) { return std::nullopt; }, result);
    std::vector<analysis::Point> points;
    std::vector<std::pair<double, double>> measured_series, model_series;
    for (const auto& step : outcome.steps) {
      // Only successful requests count as throughput: errors fast-fail and would flatter it.
      points.push_back({step.load, step.metrics.successful_rps()});
      measured_series.emplace_back(step.load, step.metrics.successful_rps());
    }
    if (points.size() < 2 || points.front().y <= 0) {
      result.verdict = api::Verdict::error;
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
      result.verdict = api::Verdict::warning;
      result.reason =
          "scaling efficiency measured, but a USL fit needs three steps with throughput";
    } else {
      result.findings.push_back(
          coefficient("usl_sigma", usl->sigma, "contention (serialized fraction)"));
      result.findings.push_back(
          coefficient("usl_kappa", usl->kappa, "coherency (cross-talk) cost"));
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
      result.verdict = efficiency >= options.number(c, "min_efficiency", s) ? api::Verdict::passed
                                                                            : api::Verdict::failed;
      char reason[160];
      if (std::isfinite(usl->peak_throughput))
        std::snprintf(
            reason, sizeof reason,
            "scaling efficiency %.2f from %.0f to %.0f users; USL predicts a peak of %.1f req/s",
            efficiency, first.x, last.x, usl->peak_throughput);
      else  // no contention, no coherency cost: linear as far as the fit can tell
        std::snprintf(reason, sizeof reason,
                      "scaling efficiency %.2f from %.0f to %.0f users; USL sees no limit (linear)",
                      efficiency, first.x, last.x);
      result.reason = reason;
    }
    result.charts["scalability"] =
        cases::chart("Throughput by users (USL fit)", "users", "req/s",
                     {{"measured", measured_series}, {"USL model", model_series}});
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    ScalabilityTest, "scalability_test", "1.0.0",
    "Throughput at 1, 2, 4 ... users with a Universal Scalability Law fit",
    ::perf::api::trait_segments_divide)
