// rate_limit_test: finds an operation's rate limit. After a quiet pause (the run's pre-flight
// request must not count against the limiter), a burst of back-to-back probes finds the first 429
// and reads the rate-limit headers; after waiting as told (Retry-After), one more probe checks
// recovery; then open-model steps of growing rate find where 429s start, and one step well past
// that rate measures the sustained accepted rate.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace {

using namespace perf;

std::optional<double> number_header(const api::Exchange& e, std::string_view name) {
  const std::string v = e.header(name);
  if (v.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    return d;
  } catch (...) {
    return std::nullopt;
  }
}

const sdk::Options options{
    "rate_limit_test",
    {sdk::number_option("burst_requests", 200, "back-to-back requests of the burst"),
     sdk::list_option("rate_steps", std::vector<double>{5, 10, 20, 50, 100, 200, 500, 1000},
                      "offered requests per second of each step"),
     sdk::number_option("step_duration", 5, "seconds per rate"),
     sdk::number_option("max_retry_wait", 60,
                        "longest Retry-After it waits before the recovery probe"),
     sdk::number_option("settle_s", 1,
                        "quiet seconds before the burst and before the steps, so that earlier "
                        "requests do not count against the limiter (not time-scaled)"),
     sdk::number_option("overload_factor", 5,
                        "the sustained rate is measured offering this many times the rate where "
                        "429s started (at most the highest of rate_steps): far past the limit, a "
                        "limiter passes its own rate")}};

// One open-model step of `rate` requests per second, for step_duration seconds.
sdk::Step open_step(const api::TestCase& c, const api::Settings& s, double rate,
                    const std::string& label) {
  sdk::Step step{rate, label + std::to_string(int(rate)) + " req/s", sdk::phase_for(c, "")};
  step.phase.name = std::to_string(int(rate)) + " req/s";
  step.phase.model = api::LoadModel::open;
  step.phase.rate_rps = rate;
  step.phase.duration_s = options.number(c, "step_duration", s);
  return step;
}

class RateLimitTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    const auto& s = context.settings;
    // The burst is a count of requests; the rate steps are timed, each with its settling pause.
    return sdk::with_planned_seconds(
        sdk::plan_per_operation(model, context, options,
                                [](const api::Operation& op) {
                                  return "Rate limiting of " + op.method + " " + op.path;
                                }),
        [&](const api::TestCase& c) {
          return double(options.list(c, "rate_steps", s).size()) *
                 (options.number(c, "step_duration", s) + options.number(c, "settle_s", s));
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    std::vector<std::string> problems;
    char text[200];

    // 1. A burst of back-to-back requests: where does the first 429 come, what do headers say?
    // A limiter without a burst allowance refuses a request that comes right after another, such
    // as the run's pre-flight: wait first.
    const double settle = options.number(c, "settle_s", s);
    co_await session.sleep(settle);
    const int burst = int(options.number(c, "burst_requests", s));
    std::optional<int> first_429;
    api::Exchange limited, last_ok;
    bool saw_headers = false;
    std::vector<double> remaining_seen;
    api::ProbeOptions probe;
    probe.capture_body_bytes = 0;
    for (int i = 0; i < burst && !session.stop_requested(); ++i) {
      const auto e = co_await session.send(c.requests.front(), probe);
      if (!e.ok()) {
        sdk::decide(result, api::Verdict::error,
                    "request failed: " + e.error + " " + e.error_detail);
        co_return result;
      }
      for (const char* h : {"RateLimit-Remaining", "X-RateLimit-Remaining"})
        if (auto r = number_header(e, h)) remaining_seen.push_back(*r), saw_headers = true;
      if (e.status == 429) {
        first_429 = i;
        limited = e;
        break;
      }
      last_ok = e;
    }

    // 2. Recovery: wait as told and try again; then let the limiter settle before the steps.
    const auto retry_after = first_429 ? number_header(limited, "Retry-After") : std::nullopt;
    bool recovered = true;
    if (first_429) {
      const double wait =
          std::min(retry_after.value_or(1.0), options.number(c, "max_retry_wait", s));
      co_await session.sleep(wait + 0.1);
      const auto again = co_await session.send(c.requests.front(), probe);
      recovered = again.ok() && again.status < 400;
      co_await session.sleep(settle);
    }

    // 3. Growing rates: where 429s take a real share of the answers.
    std::vector<sdk::Step> steps;
    for (double rate : options.list(c, "rate_steps", s))
      steps.push_back(open_step(c, s, rate, "offering "));
    const auto outcome = co_await sdk::run_steps(
        session, std::move(steps),
        [](const sdk::StepMeasure& step) -> std::optional<std::string> {
          const auto& m = step.metrics;
          if (m.total_requests && double(m.count_of_status(429)) / double(m.total_requests) > 0.1)
            return "more than 10 % answered 429";
          return std::nullopt;
        },
        result);
    std::optional<double> observed_limit;
    std::vector<std::pair<double, double>> accepted_series, limited_series;
    auto chart_step = [&](const sdk::StepMeasure& step) {
      const auto& m = step.metrics;
      const double rejected = double(m.count_of_status(429));
      accepted_series.emplace_back(step.load, m.successful_rps());
      limited_series.emplace_back(step.load, m.duration_s > 0 ? rejected / m.duration_s : 0);
    };
    for (const auto& step : outcome.steps) chart_step(step);
    if (outcome.broke_at && !session.stop_requested()) {
      // Where 429s start, a limiter without burst already refuses requests that come a little
      // early (arrivals jitter): the accepted rate there is below the limit. Far past it, a
      // leaky bucket or a window passes its own rate. So measure there, right away, while any
      // burst allowance is still used up.
      // Never above the highest rate the user allowed in rate_steps (a cap that protects the
      // target), but at least the rate that broke.
      const auto allowed = options.list(c, "rate_steps", s);
      const double broke = outcome.steps[*outcome.broke_at].load;
      const double highest =
          allowed.empty() ? broke : *std::max_element(allowed.begin(), allowed.end());
      const double rate = std::max(
          broke, std::min(highest, broke * std::max(1.0, options.number(c, "overload_factor", s))));
      std::vector<sdk::Step> one;
      one.push_back(open_step(c, s, rate, "sustained rate at "));
      const auto sustained = co_await sdk::run_steps(
          session, std::move(one), [](const sdk::StepMeasure&) { return std::nullopt; }, result);
      if (!sustained.steps.empty() && sustained.steps.front().metrics.total_requests) {
        chart_step(sustained.steps.front());
        observed_limit = sustained.steps.front().metrics.successful_rps();
      } else {
        observed_limit = outcome.steps[*outcome.broke_at].metrics.successful_rps();
      }
    }
    result.charts["rate_limit"] =
        cases::chart("Accepted and limited by offered rate", "offered req/s", "req/s",
                     {{"accepted", accepted_series}, {"429", limited_series}});

    if (!first_429 && !observed_limit) {
      result.findings.push_back(cases::no_finding("observed_limit_rps", "req/s",
                                                  "no limit found up to the highest rate offered"));
      result.findings.push_back(
          cases::no_finding("first_429_after_requests", "requests", "no 429 in the burst"));
      result.verdict = api::Verdict::passed;
      result.reason =
          "no limit found: no 429 up to " +
          std::to_string(int(accepted_series.empty() ? 0 : accepted_series.back().first)) +
          " req/s";
      co_return result;
    }
    if (observed_limit)
      result.findings.push_back(cases::finding("observed_limit_rps", *observed_limit, "req/s",
                                               "sustained accepted rate while limited"));
    else
      result.findings.push_back(cases::no_finding(
          "observed_limit_rps", "req/s", "429s only in the burst, none at the rates offered"));
    if (first_429)
      result.findings.push_back(
          cases::finding("first_429_after_requests", *first_429, "requests",
                         "back-to-back requests accepted before the first 429"));
    else
      result.findings.push_back(
          cases::no_finding("first_429_after_requests", "requests", "no 429 in the burst"));

    // 4. What the limited response says, and whether it is consistent with what happened.
    if (first_429) {
      if (retry_after) {
        result.findings.push_back(
            cases::finding("retry_after_s", *retry_after, "s", "Retry-After of the first 429"));
        if (*retry_after <= 0)
          problems.push_back("Retry-After is not a positive number of seconds");
      } else {
        result.findings.push_back(
            cases::no_finding("retry_after_s", "s", "the 429 carried no Retry-After"));
        problems.push_back("429 without Retry-After");
      }
      const auto limit = number_header(limited, "RateLimit-Limit")
                             ? number_header(limited, "RateLimit-Limit")
                             : number_header(limited, "X-RateLimit-Limit");
      const auto remaining = number_header(limited, "RateLimit-Remaining")
                                 ? number_header(limited, "RateLimit-Remaining")
                                 : number_header(limited, "X-RateLimit-Remaining");
      const bool any_header = limit || remaining || saw_headers;
      result.findings.push_back(cases::finding("ratelimit_headers", any_header ? 1 : 0, "",
                                               any_header
                                                   ? "RateLimit-* or X-RateLimit-* headers present"
                                                   : "no RateLimit-* or X-RateLimit-* headers"));
      if (remaining && *remaining > 0) {
        std::snprintf(text, sizeof text, "429 while the headers said %.0f requests remain",
                      *remaining);
        problems.push_back(text);
      }
      if (limit && *first_429 > 0 &&
          (*first_429 > *limit * 1.5 + 2 || *first_429 < *limit * 0.5 - 2)) {
        std::snprintf(text, sizeof text,
                      "the limit header says %.0f but the first 429 came after %d requests", *limit,
                      *first_429);
        problems.push_back(text);
      }
    }

    if (first_429) {
      result.findings.push_back(cases::finding("recovered_after_wait", recovered ? 1 : 0, "",
                                               recovered ? "accepted again after waiting as told"
                                                         : "still refused after waiting as told"));
      if (!recovered) problems.push_back("still limited after waiting Retry-After");
    }
    if (problems.empty()) {
      result.verdict = api::Verdict::passed;
      result.reason = "limit found and announced consistently";
    } else {
      result.verdict = api::Verdict::warning;
      result.reason = "limit found, but: ";
      for (const auto& p : problems) result.reason += p + "; ";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    RateLimitTest, "rate_limit_test", "1.0.0",
    "Finds the rate limit, checks 429 headers (Retry-After, RateLimit-*) and recovery")
