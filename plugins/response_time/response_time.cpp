// response_time: the baseline latency of each operation: 1 user, 10 sequential requests, judged
// on p95 and errors against performance_response_threshold and performance_error_threshold.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

namespace {

using namespace perf;

class ResponseTime final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    for (const auto& op : model.operations) {
      auto c = cases::make_case("response_time", op, "",
                                "Response time baseline for " + op.method + " " + op.path, context);
      c.performance_config = boost::json::object{{"concurrent_users", 1},
                                                 {"iterations", 10},
                                                 {"duration_seconds", 60},
                                                 {"think_time", 0},
                                                 {"timeout", s.timeout_s}};
      cases::add_standard_checks(c, s, 0);
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    auto result = sdk::start_result(c);
    auto phase = cases::phase_from_config(c, session.settings(), "baseline");
    // The duration only bounds a slow endpoint; the iteration count decides.
    phase.duration_s = std::max(phase.duration_s, 1.0 / session.settings().time_scale);
    co_await sdk::run_phase(session, std::move(phase), result);
    const auto& m = result.metrics;
    // Latency findings only from answers: with none, 0 ms would read as instant.
    if (m.latency.count()) {
      result.findings.push_back(
          cases::finding("min_ms", m.latency.min_us() / 1000.0, "ms", "fastest response"));
      result.findings.push_back(
          cases::finding("avg_ms", m.latency.mean_us() / 1000.0, "ms", "mean response time"));
      result.findings.push_back(
          cases::finding("p95_ms", m.percentile_ms(95), "ms", "95th percentile"));
      result.findings.push_back(
          cases::finding("max_ms", m.latency.max_us() / 1000.0, "ms", "slowest response"));
    }
    if (m.error_latency.count())
      result.findings.push_back(cases::finding("failed_avg_ms", m.error_latency.mean_us() / 1000.0,
                                               "ms", "mean time until a request failed"));
    cases::conclude_case(result);
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    ResponseTime, "response_time", "1.0.0",
    "Baseline latency of each operation: 1 user, 10 sequential requests",
    ::perf::api::trait_segments_divide)
