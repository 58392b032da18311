// The comparison's rules on runs built second by second: which way is worse for each metric,
// when it cannot decide, the error rate in percentage points, unmatched cases, --max-change.
#include "perf/compare/run_comparison.hpp"
#include "perf/util/user_error.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace perf;
using namespace perf::compare;

namespace {

// A case of `seconds` whole seconds: each with `rps` requests, `errors` of them failed, and
// per-second percentiles around `p50_ms` (a little noise, seeded).
api::CaseResult case_of(const std::string& id, int seconds, double p50_ms, double rps,
                        std::uint64_t errors = 0, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 0.01 * p50_ms);
  api::CaseResult c;
  c.test_case.id = id;
  auto& m = c.metrics;
  for (int s = 1; s <= seconds; ++s) {
    api::IntervalPoint p;
    p.t_s = s;
    p.requests = std::uint64_t(rps);
    p.errors = errors;
    p.responses = p.requests;
    p.rps = rps;
    p.p50_ms = p50_ms + noise(rng);
    p.p90_ms = p.p50_ms * 1.1;
    p.p95_ms = p.p50_ms * 1.2;
    p.p99_ms = p.p50_ms * 1.5;
    m.intervals.push_back(p);
    for (std::uint64_t i = 0; i < p.requests; ++i) m.latency.record(std::uint64_t(p.p50_ms * 1000));
    m.total_requests += p.requests;
    m.failed_requests += errors;
  }
  m.successful_requests = m.total_requests - m.failed_requests;
  m.duration_s = seconds;
  return c;
}

api::RunSummary run_of(std::vector<api::CaseResult> cases) {
  api::RunSummary r;
  r.cases = std::move(cases);
  return r;
}

const MetricComparison& metric(const Comparison& c, Metric m) {
  for (const auto& x : c.cases.at(0).metrics)
    if (x.metric == m) return x;
  throw std::logic_error("no such metric");
}

std::string verdict(const Comparison& c, Metric m) {
  return std::string(verdict_name(metric(c, m).verdict));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_comparison)

BOOST_AUTO_TEST_CASE(slower_answers_are_a_latency_regression_and_fewer_a_throughput_one) {
  const auto c = compare_runs(run_of({case_of("a", 20, 20, 200, 0, 1)}),
                              run_of({case_of("a", 20, 25, 160, 0, 2)}));
  BOOST_TEST(verdict(c, Metric::p50) == "regression");
  BOOST_TEST(*metric(c, Metric::p50).change == 25.0, boost::test_tools::tolerance(0.02));
  BOOST_TEST(verdict(c, Metric::throughput) == "regression");
  BOOST_TEST(*metric(c, Metric::throughput).change == -20.0, boost::test_tools::tolerance(0.001));
  // And the other way round, improvements.
  const auto back = compare_runs(run_of({case_of("a", 20, 25, 160, 0, 2)}),
                                 run_of({case_of("a", 20, 20, 200, 0, 1)}));
  BOOST_TEST(verdict(back, Metric::p95) == "improvement");
  BOOST_TEST(verdict(back, Metric::throughput) == "improvement");
}

BOOST_AUTO_TEST_CASE(a_certain_change_below_min_effect_is_no_change) {
  // +2 % with 1 % noise over 30 seconds: certain, but under the 3 % that matters.
  const auto c = compare_runs(run_of({case_of("a", 30, 20, 200, 0, 1)}),
                              run_of({case_of("a", 30, 20.4, 200, 0, 2)}));
  BOOST_TEST(*metric(c, Metric::p50).low > 0);
  BOOST_TEST(verdict(c, Metric::p50) == "no change");
  ComparisonOptions strict;
  apply_min_effect(strict.min_effect, "p50:1%");
  BOOST_TEST(verdict(compare_runs(run_of({case_of("a", 30, 20, 200, 0, 1)}),
                                  run_of({case_of("a", 30, 20.4, 200, 0, 2)}), strict),
                     Metric::p50) == "regression");
}

BOOST_AUTO_TEST_CASE(min_effect_sets_all_metrics_or_one_and_names_a_bad_value) {
  MinEffects e;
  BOOST_TEST(e[Metric::p50] == 3.0);
  BOOST_TEST(e[Metric::p95] == 10.0);
  apply_min_effect(e, "5");  // every metric but the error rate, whose unit differs
  BOOST_TEST(e[Metric::p99] == 5.0);
  BOOST_TEST(e[Metric::throughput] == 5.0);
  BOOST_TEST(e[Metric::error_rate] == 0.1);
  apply_min_effect(e, "error_rate:0.5");
  BOOST_TEST(e[Metric::error_rate] == 0.5);
  BOOST_TEST(min_effects_text(e) ==
             "p50 5 %, p95 5 %, p99 5 %, avg 5 %, throughput 5 %, error rate 0.5 pp");
  BOOST_CHECK_EXCEPTION(apply_min_effect(e, "p42:3%"), perf::UserError, [](const auto& x) {
    return std::string(x.what()).find("--min-effect 'p42:3%': unknown metric") == 0;
  });
  BOOST_CHECK_THROW(apply_min_effect(e, "p95:lots"), perf::UserError);
  MinEffects ordered;  // a bare PCT never overrides a metric's own, whatever the order given
  apply_min_effects(ordered, {"p95:5%", "2"});
  BOOST_TEST(ordered[Metric::p95] == 5.0);
  BOOST_TEST(ordered[Metric::p50] == 2.0);
}

BOOST_AUTO_TEST_CASE(fewer_than_five_seconds_cannot_decide_and_say_why) {
  const auto c =
      compare_runs(run_of({case_of("a", 4, 20, 200)}), run_of({case_of("a", 20, 30, 200)}));
  BOOST_TEST(verdict(c, Metric::p50) == "cannot decide");
  BOOST_TEST(metric(c, Metric::p50).reason.find("4 seconds") != std::string::npos);
  BOOST_TEST(!metric(c, Metric::p50).change.has_value());
}

BOOST_AUTO_TEST_CASE(errors_from_none_are_a_regression_in_percentage_points) {
  const auto c =
      compare_runs(run_of({case_of("a", 20, 20, 200, 0)}), run_of({case_of("a", 20, 20, 200, 4)}));
  const auto& e = metric(c, Metric::error_rate);
  BOOST_TEST(e.in_points);
  BOOST_TEST(*e.change == 2.0, boost::test_tools::tolerance(1e-6));  // 0 % -> 2 %
  BOOST_TEST(verdict(c, Metric::error_rate) == "regression");
}

BOOST_AUTO_TEST_CASE(cases_are_matched_by_id_and_the_rest_listed) {
  const auto c = compare_runs(run_of({case_of("a", 10, 20, 200), case_of("gone", 10, 20, 200)}),
                              run_of({case_of("new", 10, 20, 200), case_of("a", 10, 20, 200)}));
  BOOST_TEST_REQUIRE(c.cases.size() == 1u);
  BOOST_TEST(c.cases[0].id == "a");
  BOOST_TEST((c.only_in_base == std::vector<std::string>{"gone"}));
  BOOST_TEST((c.only_in_new == std::vector<std::string>{"new"}));
}

BOOST_AUTO_TEST_CASE(max_change_fails_only_significant_regressions_beyond_it) {
  const auto c = compare_runs(run_of({case_of("a", 20, 20, 200, 0, 1)}),
                              run_of({case_of("a", 20, 25, 160, 0, 2)}));
  BOOST_TEST(exceeded_limits(c, {parse_change_limit("p50:30%")}).empty());
  const auto over = exceeded_limits(c, {parse_change_limit("p50:10")});
  BOOST_TEST_REQUIRE(over.size() == 1u);
  BOOST_TEST(over[0].find("a p50: +2") != std::string::npos, over[0]);
  // Throughput fell 20 %: a regression of 20 % whatever its sign.
  BOOST_TEST(exceeded_limits(c, {parse_change_limit("throughput:15")}).size() == 1u);
  // An improvement never exceeds a limit.
  const auto back = compare_runs(run_of({case_of("a", 20, 25, 160, 0, 2)}),
                                 run_of({case_of("a", 20, 20, 200, 0, 1)}));
  BOOST_TEST(exceeded_limits(back, {parse_change_limit("p50:1")}).empty());
}

BOOST_AUTO_TEST_CASE(a_malformed_limit_names_the_flag_and_value) {
  for (const char* bad : {"p95", "p95:", "p95:-3", "p95:ten", "latency:10"}) {
    try {
      parse_change_limit(bad);
      BOOST_FAIL("accepted " << bad);
    } catch (const UserError& e) {
      BOOST_TEST(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
  BOOST_TEST(parse_change_limit("error_rate:0.5").max_change == 0.5);
}

BOOST_AUTO_TEST_SUITE_END()
