// connection_pool_test: raises the number of concurrent keep-alive connections step by step (each
// a user that always has a request out) until connects fail, connections are reset, or latency
// jumps: the last step that held is max_connections. Also the cost of a new connection per
// request against reusing one (new_connection_cost_ms).
#include "perf/analysis/fits.hpp"
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

class ConnectionPoolTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& o = cases::options_for(s, "connection_pool_test");
    for (const auto& op : model.operations) {
      auto c = cases::make_case("connection_pool_test", op, "",
                                "Connection limits of " + op.method + " " + op.path, context);
      c.performance_config = boost::json::object{
          {"step_duration_seconds", cases::config_number(o, "step_duration", 5)},
          {"timeout", cases::config_number(o, "timeout", std::min(s.timeout_s, 10.0))}};
      c.parameters = boost::json::object{
          {"connection_steps",
           cases::to_array(cases::number_list(o, "steps", {10, 25, 50, 100, 200, 400, 800}))},
          {"latency_jump", cases::config_number(o, "latency_jump", 5)},
          {"probes", cases::config_number(o, "probes", 20)}};
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    char text[200];
    // New connection per request against a reused one.
    const int probes = int(cases::config_number(c.parameters, "probes", 20));
    std::vector<double> fresh, reused;
    api::ProbeOptions keep, fresh_options;
    keep.capture_body_bytes = fresh_options.capture_body_bytes = 0;
    fresh_options.new_connection = true;
    co_await session.send(c.requests.front(), keep);  // opens the kept connection
    for (int i = 0; i < probes && !session.stop_requested(); ++i) {
      const auto a = co_await session.send(c.requests.front(), fresh_options);
      const auto b = co_await session.send(c.requests.front(), keep);
      if (a.ok()) fresh.push_back(a.timing.total_ms);
      if (b.ok() && b.reused_connection) reused.push_back(b.timing.total_ms);
    }
    if (!fresh.empty() && !reused.empty())
      result.findings.push_back(cases::finding(
          "new_connection_cost_ms", analysis::median(fresh) - analysis::median(reused), "ms",
          "median extra time of a request on a new connection"));
    else
      result.findings.push_back({"new_connection_cost_ms", nullptr, "ms",
                                 "could not compare new and reused connections"});

    const auto steps = cases::number_list(c.parameters, "connection_steps", {10, 25, 50});
    const double jump = cases::config_number(c.parameters, "latency_jump", 5);
    std::optional<double> held, broke;
    double first_p95 = 0;
    std::string why;
    std::vector<std::pair<double, double>> p95_series, error_series;
    for (double n : steps) {
      if (session.stop_requested()) break;
      session.progress(std::to_string(int(n)) + " connections");
      api::Phase phase;
      phase.name = std::to_string(int(n)) + " connections";
      phase.users = int(n);
      phase.ramp_up_s = 0;
      phase.duration_s =
          s.scaled(cases::config_number(c.performance_config, "step_duration_seconds", 5));
      // Connections past a server's limit often wait in its accept queue without an answer: a
      // timeout shorter than the step makes them count instead of vanishing at the step's end.
      phase.timeout_s = std::min(cases::config_number(c.performance_config, "timeout", 10),
                                 std::max(0.2, phase.duration_s / 3));
      phase.requests = c.requests;
      phase.base_url = c.base_url;
      const auto measured = co_await session.load(std::move(phase));
      const auto& m = measured.metrics;
      result.metrics.append(m);
      double connection_errors = 0;
      for (const char* kind : {"connect_refused", "connect_timeout", "reset", "request_timeout"})
        if (auto it = m.errors.find(kind); it != m.errors.end())
          connection_errors += double(it->second);
      // Kept-alive connections the server closed to make room are retried (and succeed), but
      // they are the sign of a server out of connections.
      connection_errors += double(m.retried_requests);
      const double share =
          m.total_requests ? 100.0 * connection_errors / double(m.total_requests) : 100.0;
      const double p95 = m.percentile_ms(95);
      if (first_p95 == 0) first_p95 = std::max(p95, 1.0);
      p95_series.emplace_back(n, p95);
      error_series.emplace_back(n, share);
      if (share > 1.0) {
        std::snprintf(text, sizeof text,
                      "%.1f %% of requests failed to connect, were reset, timed out or had their "
                      "kept-alive connection closed at %.0f connections",
                      share, n);
        why = text;
      } else if (p95 > first_p95 * jump) {
        std::snprintf(text, sizeof text,
                      "p95 jumped to %.1f ms at %.0f connections (%.1f ms at the first step)", p95,
                      n, first_p95);
        why = text;
      }
      if (!why.empty()) {
        broke = n;
        break;
      }
      held = n;
    }
    result.charts["connections"] =
        cases::chart("Connections", "connections", "value",
                     {{"p95 ms", p95_series}, {"connection errors %", error_series}});
    result.interrupted = session.stop_requested();
    if (held)
      result.findings.push_back(
          cases::finding("max_connections", *held, "connections",
                         broke ? "last step that held: " + why : "held every step"));
    else
      result.findings.push_back(
          {"max_connections", nullptr, "connections", "the first step already failed: " + why});
    if (result.metrics.total_requests == 0) {
      result.verdict = "error";
      result.reason = "no request was sent";
    } else if (!held) {
      result.verdict = "failed";
      result.reason =
          "could not hold even " + std::to_string(int(steps.front())) + " connections: " + why;
    } else {
      result.verdict = "passed";
      result.reason = broke ? "connection limit found: " + why
                            : "held " + std::to_string(int(*held)) + " connections";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    ConnectionPoolTest, "connection_pool_test", "1.0.0",
    "Concurrent connections until connects fail or latency jumps; new-connection cost")
