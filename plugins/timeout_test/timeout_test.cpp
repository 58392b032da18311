// timeout_test: load with the client timeout and count how slow answers end: client timeouts by
// kind, 504 Gateway Timeout and 408 Request Timeout from the server; latency relative to the
// timeout; and whether the agent went on (timed-out connections are replaced).
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

class TimeoutTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& o = cases::options_for(s, "timeout_test");
    for (const auto& op : model.operations) {
      auto c = cases::make_case("timeout_test", op, "",
                                "Timeout handling of " + op.method + " " + op.path, context);
      c.performance_config =
          boost::json::object{{"concurrent_users", cases::config_number(o, "users", 5)},
                              {"duration_seconds", cases::config_number(o, "duration", 30)},
                              {"think_time", 0},
                              {"timeout", cases::config_number(o, "client_timeout", s.timeout_s)}};
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    auto phase = cases::phase_from_config(c, s, "timeouts");
    const double timeout_s = phase.timeout_s;
    auto measured = co_await session.load(std::move(phase));
    result.metrics = std::move(measured.metrics);
    result.interrupted = measured.interrupted;
    const auto& m = result.metrics;
    auto count = [&](const char* kind) {
      auto it = m.errors.find(kind);
      return it == m.errors.end() ? 0.0 : double(it->second);
    };
    auto status = [&](int code) {
      auto it = m.status_codes.find(code);
      return it == m.status_codes.end() ? 0.0 : double(it->second);
    };
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
    result.findings.push_back(
        cases::finding("p95_of_timeout", m.percentile_ms(95) / (timeout_s * 1000.0), "",
                       "p95 of answered requests as a fraction of the timeout"));
    result.findings.push_back(cases::finding("timeout_s", timeout_s, "s", "client timeout used"));
    if (m.total_requests == 0) {
      result.verdict = "error";
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
    result.verdict = bad > s.error_threshold_percent ? "failed" : "passed";
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(TimeoutTest, "timeout_test", "1.0.0",
                            "Client timeouts, 504 and 408 under load, latency against the timeout")
