// timeout_test: load with the client timeout and count how slow answers end: client timeouts by
// kind, 504 Gateway Timeout and 408 Request Timeout from the server; latency relative to the
// timeout; and whether the agent went on (timed-out connections are replaced).
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
    "timeout_test",
    {sdk::number_option("users", 5, "users sending without pause"),
     sdk::number_option("duration", 30, "seconds of load"),
     sdk::number_option(
         "client_timeout", [](const api::Settings& s) { return s.timeout_s; },
         "seconds before the client gives up on a request")}};

class TimeoutTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(model, context, options,
                                [](const api::Operation& op) {
                                  return "Timeout handling of " + op.method + " " + op.path;
                                }),
        [&](const api::TestCase& c) { return options.number(c, "duration", s); });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    auto phase = sdk::phase_for(c, "timeouts");
    phase.users = int(options.number(c, "users", s));
    phase.duration_s = options.number(c, "duration", s);
    phase.timeout_s = options.number(c, "client_timeout", s);
    const double timeout_s = phase.timeout_s;
    co_await sdk::run_phase(session, std::move(phase), result);
    const auto& m = result.metrics;
    auto count = [&](const char* kind) { return double(m.count_of_error(kind)); };
    auto status = [&](int code) { return double(m.count_of_status(code)); };
    const double timeouts = count("request_timeout") + count("connect_timeout");
    const double gateway = status(504), request_timeout = status(408);
    result.findings.push_back(
        cases::finding("timeouts", timeouts, "requests", "client timeouts (request and connect)"));
    result.findings.push_back(cases::finding("request_timeouts", count("request_timeout"),
                                             "requests", "no full answer within the timeout"));
    result.findings.push_back(cases::finding("connect_timeouts", count("connect_timeout"),
                                             "requests", "no connection within the timeout"));
    result.findings.push_back(
        cases::finding("gateway_timeouts", gateway, "responses", "504 Gateway Timeout"));
    result.findings.push_back(
        cases::finding("request_timeout_408", request_timeout, "responses", "408 Request Timeout"));
    if (m.latency.count())
      result.findings.push_back(
          cases::finding("p95_of_timeout", m.percentile_ms(95) / (timeout_s * 1000.0), "",
                         "p95 of answered requests as a fraction of the timeout"));
    else
      result.findings.push_back(cases::no_finding("p95_of_timeout", "", "no request was answered"));
    // How long the requests that got no answer took: at least the timeout for timeouts; far
    // longer means the client's own timeout is not kept (a stalled generator, a slow connect).
    if (m.error_latency.count()) {
      result.findings.push_back(
          cases::finding("failed_avg_ms", m.error_latency.mean_us() / 1000.0, "ms",
                         "mean time until a request failed without an answer"));
      result.findings.push_back(cases::finding("failed_max_ms", m.error_latency.max_us() / 1000.0,
                                               "ms", "longest time until a request failed"));
    }
    result.findings.push_back(cases::finding("timeout_s", timeout_s, "s", "client timeout used"));
    if (m.total_requests == 0) {
      result.verdict = api::Verdict::error;
      result.reason = "no request completed or timed out";
      co_return result;
    }
    const double bad = 100.0 * (timeouts + gateway + request_timeout) / double(m.total_requests);
    char text[200];
    std::snprintf(
        text, sizeof text,
        "%.0f client timeouts, %.0f gateway timeouts (504), %.0f 408s in %llu requests (%.1f %%)",
        timeouts, gateway, request_timeout, static_cast<unsigned long long>(m.total_requests), bad);
    result.reason = text;
    result.verdict = bad > s.error_threshold_percent ? api::Verdict::failed : api::Verdict::passed;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    TimeoutTest, "timeout_test", "1.0.0",
    "Client timeouts, 504 and 408 under load, latency against the timeout",
    ::perf::api::trait_segments_divide)
