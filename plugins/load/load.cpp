// load_test: each operation under the light, normal and heavy load patterns (or one pattern
// with --pattern, or exactly the --users/--duration/--rate values given). Judged on p95, error
// rate and throughput.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace {

using namespace perf;

// What a closed model can deliver at most is users / think time; asking more of it would make a
// check that cannot pass. Expect half of that, capped by the throughput threshold.
double expected_throughput(const api::LoadPattern& p, const api::Settings& s) {
  if (s.rate_rps) return std::min(s.throughput_threshold_rps, 0.8 * *s.rate_rps);
  if (p.think_time_s <= 0) return 0;  // unbounded closed loop: throughput is the finding
  return std::min(s.throughput_threshold_rps, 0.5 * p.users / p.think_time_s);
}

// Plan seconds of a load case: the stages' when given (they make the schedule), none for an
// iteration count (the count decides, not the time).
void set_planned_seconds(api::TestCase& c, const api::LoadPattern& p, const api::Settings& s) {
  if (s.iterations) return;
  double seconds = p.duration_s;
  if (!s.stages.empty()) {
    seconds = 0;
    for (const auto& [duration, target] : s.stages) seconds += duration;
  }
  c.parameters[sdk::planned_seconds_key] = seconds;
}

class LoadTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    std::vector<api::LoadPattern> patterns;
    if (cases::has_explicit_load(s))
      patterns.push_back(cases::explicit_pattern(s));
    else if (s.pattern)
      patterns.push_back(cases::pattern_or(s, *s.pattern));
    else
      for (const char* name : {"light_load", "normal_load", "heavy_load"})
        patterns.push_back(cases::pattern_or(s, name));
    // Flow mode: one case per flow and pattern, where operations would go.
    for (const auto& flow : model.flows)
      for (const auto& p : patterns) {
        auto c = cases::make_flow_case("load_test", flow, p.name,
                                       "Load test (" + p.name + ") for flow " + flow.name);
        c.performance_config = cases::load_config(p, s);
        set_planned_seconds(c, p, s);
        cases::add_standard_checks(c, s, expected_throughput(p, s));
        out.cases.push_back(std::move(c));
      }
    for (const auto& op : model.operations)
      for (const auto& p : patterns) {
        auto c = cases::make_case("load_test", op, p.name,
                                  "Load test (" + p.name + ") for " + op.method + " " + op.path,
                                  context);
        c.performance_config = cases::load_config(p, s);
        set_planned_seconds(c, p, s);
        cases::add_standard_checks(c, s, expected_throughput(p, s));
        out.cases.push_back(std::move(c));
      }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    auto result = sdk::start_result(c);
    co_await sdk::run_phase(session, cases::phase_from_config(c, session.settings(), "load"),
                            result);
    const auto& m = result.metrics;
    result.findings.push_back(cases::finding("throughput_rps", m.throughput_rps(), "req/s",
                                             "requests per second sustained"));
    result.findings.push_back(
        cases::finding("p95_ms", m.percentile_ms(95), "ms", "95th percentile latency"));
    result.findings.push_back(
        cases::finding("error_rate_percent", m.error_rate_percent(), "%", "failed requests"));
    if (m.dropped_iterations)
      result.findings.push_back(cases::finding("dropped_iterations", double(m.dropped_iterations),
                                               "requests",
                                               "arrivals that found every connection busy"));
    cases::conclude_case(result);
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    LoadTest, "load_test", "1.0.0", "Throughput, p95 and errors under light, normal and heavy load",
    ::perf::api::trait_segments_divide)
