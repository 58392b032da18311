// E-divisive means on synthetic histories whose answer is known: a level shift at run k is found
// at run k, a flat noisy history has none, and the same input always gives the same answer.
#include "perf/compare/change_points.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

using namespace perf::compare;

namespace {

// n runs around `level`, with Gaussian noise of `sd` (a p95 from run to run), seeded.
std::vector<double> noisy(std::size_t n, double level, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, sd);
  std::vector<double> x;
  for (std::size_t i = 0; i < n; ++i) x.push_back(level + noise(rng));
  return x;
}

// Runs 1..k-1 at `before`, runs k..n at `after`.
std::vector<double> step_at(std::size_t run, std::size_t n, double before, double after, double sd,
                            std::uint64_t seed) {
  auto x = noisy(n, before, sd, seed);
  for (std::size_t i = run - 1; i < n; ++i) x[i] += after - before;
  return x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(change_points)

BOOST_AUTO_TEST_CASE(the_energy_statistic_matches_values_computed_by_hand) {
  const std::vector<double> x{0, 0, 0, 1, 1, 1};
  // At 3: between 2/(3·3)·9 = 2, within 0 and 0: Q = 3·3/6 · 2 = 3.
  BOOST_TEST(split_statistic(x, 0, 3, 6) == 3.0, boost::test_tools::tolerance(1e-12));
  // At 2: between 2/(2·4)·6 = 1.5, within left 0, right 3/6 = 0.5: Q = 2·4/6 · 1 = 4/3.
  BOOST_TEST(split_statistic(x, 0, 2, 6) == 4.0 / 3.0, boost::test_tools::tolerance(1e-12));
  // Within a part of the series: [1, 5) = {0, 0, 1, 1} at 3: between 2/4·4 = 2, Q = 4/4 · 2 = 2.
  BOOST_TEST(split_statistic(x, 1, 3, 5) == 2.0, boost::test_tools::tolerance(1e-12));
  // No difference, no energy: an arbitrary constant series.
  BOOST_TEST(split_statistic({5, 5, 5, 5}, 0, 2, 4) == 0.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(a_step_at_run_7_of_12_is_found_at_run_7) {
  // p95 from 20 ms to 23 ms (+15 %), run-to-run noise of 0.4 ms.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto points = find_change_points(step_at(7, 12, 20, 23, 0.4, seed));
    BOOST_TEST_REQUIRE(points.size() == 1u, "seed " << seed);
    BOOST_TEST(points[0].index + 1 == 7u, "seed " << seed);
    BOOST_TEST(points[0].p_value <= 0.05);
    BOOST_TEST(points[0].change_percent() > 10.0);
    BOOST_TEST(points[0].change_percent() < 20.0);
  }
}

BOOST_AUTO_TEST_CASE(a_flat_history_of_12_runs_has_no_change_point) {
  std::size_t false_alarms = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed)
    false_alarms += !find_change_points(noisy(12, 20, 0.4, seed)).empty();
  BOOST_TEST_MESSAGE("flat histories with a change point: " << false_alarms << " of 20");
  // Each test runs at 5 %: one false alarm in twenty flat histories is what that level allows.
  BOOST_TEST(false_alarms <= 1u);
}

BOOST_AUTO_TEST_CASE(the_step_is_found_wherever_it_is) {
  // Each further change point is one more test at 5 %: an extra one on a history is a false
  // alarm, and one in these seven histories is what that level allows.
  std::size_t extra = 0;
  for (std::size_t run = 4; run <= 10; ++run) {
    const auto points = find_change_points(step_at(run, 12, 100, 85, 2, run));
    const auto at = std::find_if(points.begin(), points.end(),
                                 [&](const ChangePoint& p) { return p.index + 1 == run; });
    BOOST_TEST_REQUIRE((at != points.end()), "step at run " << run);
    BOOST_TEST(at->change_percent() < 0);  // an improvement: lower latency
    extra += points.size() - 1;
  }
  BOOST_TEST(extra <= 1u);
}

BOOST_AUTO_TEST_CASE(two_steps_give_two_change_points_in_time_order) {
  auto x = step_at(9, 24, 20, 24, 0.4, 5);
  for (std::size_t i = 16; i < 24; ++i) x[i] -= 6;  // from run 17 on, better than ever: 18 ms
  const auto points = find_change_points(x);
  BOOST_TEST_REQUIRE(points.size() == 2u);
  BOOST_TEST(points[0].index + 1 == 9u);
  BOOST_TEST(points[1].index + 1 == 17u);
  BOOST_TEST(points[0].before == 20.0, boost::test_tools::tolerance(0.05));
  BOOST_TEST(points[0].after == 24.0, boost::test_tools::tolerance(0.05));
  BOOST_TEST(points[1].after == 18.0, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(one_slow_run_is_not_a_change_of_level) {
  auto x = noisy(12, 20, 0.4, 11);
  x[5] = 30;  // one run on a busy machine
  BOOST_TEST(find_change_points(x).empty());
}

BOOST_AUTO_TEST_CASE(the_same_history_gives_the_same_p_value) {
  const auto x = step_at(6, 12, 20, 21.5, 1.0, 3);
  const auto a = find_change_points(x);
  const auto b = find_change_points(x);
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i].p_value == b[i].p_value);
}

BOOST_AUTO_TEST_CASE(too_short_a_history_has_no_change_point) {
  BOOST_TEST(find_change_points({}).empty());
  BOOST_TEST(find_change_points({20, 20, 30, 30, 30}).empty());  // fewer than 3 runs a side
  BOOST_TEST(find_change_points({20, 20, 20, 30, 30, 30}).size() <= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
