// connection_pool_test: raises the number of concurrent keep-alive connections step by step (each
// a user that always has a request out) until connects fail, connections are reset, or latency
// jumps: the last step that held is max_connections. Also the cost of a new connection per
// request against reusing one (new_connection_cost_ms).
#include "perf/analysis/fits.hpp"
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
    "connection_pool_test",
    {sdk::list_option("steps", std::vector<double>{10, 25, 50, 100, 200, 400, 800},
                      "concurrent connections of each step"),
     sdk::number_option("step_duration", 5, "seconds per step"),
     sdk::number_option(
         "timeout", [](const api::Settings& s) { return std::min(s.timeout_s, 10.0); },
         "request timeout in seconds (at most a third of a step)"),
     sdk::number_option("latency_jump", 5,
                        "a step breaks when its p95 grows this many times more than its "
                        "connections did since the first step"),
     sdk::number_option("probes", 20, "request pairs comparing new and reused connections")}};

// The share (%) of requests that could not connect, were reset, timed out or had their
// kept-alive connection closed by the server (retried: a sign of a server out of connections).
double connection_error_share(const api::Metrics& m) {
  double errors = double(m.retried_requests);
  for (const char* kind : {"connect_refused", "connect_timeout", "reset", "request_timeout"})
    errors += double(m.count_of_error(kind));
  return m.total_requests ? 100.0 * errors / double(m.total_requests) : 100.0;
}

// A step breaks when more than 1 % of its requests could not connect, were reset, timed out or
// had their kept-alive connection closed, or when p95 jumps against the first step. Each
// connection always has a request out, so a busy server's latency grows with the connections
// (Little's law: 3× the connections, 3× the queue): only growth beyond that share counts as a
// jump, not the queueing every step adds.
struct ConnectionLimit {
  double jump;
  double first_p95 = 0;
  double first_load = 0;
  std::optional<std::string> operator()(const sdk::StepMeasure& step) {
    const auto& m = step.metrics;
    const double share = connection_error_share(m);
    const double p95 = m.percentile_ms(95);
    if (first_p95 == 0) first_p95 = std::max(p95, 1.0), first_load = std::max(step.load, 1.0);
    const double allowed = first_p95 * jump * std::max(1.0, step.load / first_load);
    char text[200];
    if (share > 1.0) {
      std::snprintf(text, sizeof text,
                    "%.1f %% of requests failed to connect, were reset, timed out or had their "
                    "kept-alive connection closed at %.0f connections",
                    share, step.load);
      return text;
    }
    if (p95 > allowed) {
      std::snprintf(text, sizeof text,
                    "p95 jumped to %.1f ms at %.0f connections (%.1f ms at %.0f; at most %.1f "
                    "expected from queueing alone)",
                    p95, step.load, first_p95, first_load, allowed / jump);
      return text;
    }
    return std::nullopt;
  }
};

class ConnectionPoolTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(model, context, options,
                                [](const api::Operation& op) {
                                  return "Connection limits of " + op.method + " " + op.path;
                                }),
        [&](const api::TestCase& c) {
          return double(options.list(c, "steps", s).size()) * options.number(c, "step_duration", s);
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    // New connection per request against a reused one.
    const int probes = int(options.number(c, "probes", s));
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
      result.findings.push_back(cases::no_finding("new_connection_cost_ms", "ms",
                                                  "could not compare new and reused connections"));

    const auto loads = options.list(c, "steps", s);
    const double step_s = options.number(c, "step_duration", s);
    std::vector<sdk::Step> steps;
    for (double n : loads) {
      sdk::Step step{n, std::to_string(int(n)) + " connections", sdk::phase_for(c, "")};
      step.phase.users = int(n);
      step.phase.duration_s = step_s;
      // Connections past a server's limit often wait in its accept queue without an answer: a
      // timeout shorter than the step (as run) makes them count instead of vanishing at its end.
      step.phase.timeout_s =
          std::min(options.number(c, "timeout", s), std::max(0.2, s.time_scale * step_s / 3));
      steps.push_back(std::move(step));
    }
    const auto outcome = co_await sdk::run_steps(
        session, std::move(steps), ConnectionLimit{options.number(c, "latency_jump", s)}, result);
    std::vector<std::pair<double, double>> p95_series, error_series;
    for (const auto& step : outcome.steps) {
      p95_series.emplace_back(step.load, step.metrics.percentile_ms(95));
      error_series.emplace_back(step.load, connection_error_share(step.metrics));
    }
    result.charts["connections"] =
        cases::chart("Connections", "connections", "value",
                     {{"p95 ms", p95_series}, {"connection errors %", error_series}});
    const auto* held = outcome.last_held();
    const std::string& why = outcome.why;
    if (held)
      result.findings.push_back(
          cases::finding("max_connections", held->load, "connections",
                         outcome.broke_at ? "last step that held: " + why : "held every step"));
    else
      result.findings.push_back(cases::no_finding("max_connections", "connections",
                                                  "the first step already failed: " + why));
    if (result.metrics.total_requests == 0) {
      sdk::decide(result, api::Verdict::error, "no request was sent");
    } else if (!held) {
      sdk::decide(
          result, api::Verdict::failed,
          "could not hold even " + std::to_string(int(loads.front())) + " connections: " + why);
    } else {
      sdk::decide(result, api::Verdict::passed,
                  outcome.broke_at ? "connection limit found: " + why
                                   : "held " + std::to_string(int(held->load)) + " connections");
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    ConnectionPoolTest, "connection_pool_test", "1.0.0",
    "Concurrent connections until connects fail or latency jumps; new-connection cost")
