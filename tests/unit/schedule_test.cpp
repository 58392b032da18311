#define BOOST_TEST_MODULE engine_parts
#include "perf/engine/schedule.hpp"
#include "perf/engine/arrivals.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using perf::engine::Schedule;

BOOST_AUTO_TEST_SUITE(schedule)

BOOST_AUTO_TEST_CASE(constant_users_ramp_linearly_then_hold) {
  const auto s = Schedule::constant(10, 60, 20);
  BOOST_TEST(s.value_at(0) == 0.0);
  BOOST_TEST(s.value_at(10) == 5.0);
  BOOST_TEST(s.value_at(30) == 10.0);
  BOOST_TEST(s.duration_s() == 60.0);
  BOOST_TEST(s.peak() == 10.0);
}

BOOST_AUTO_TEST_CASE(the_nth_user_starts_when_the_ramp_passes_it) {
  const auto s = Schedule::constant(10, 60, 20);
  // User 4 (the fifth) runs once more than 4 users are wanted: just after 8 s.
  BOOST_TEST(s.first_time_above(4, 0) == 8.0, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(s.first_time_above(0, 0) == 0.0, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(s.first_time_above(10, 0) == Schedule::never);
}

BOOST_AUTO_TEST_CASE(stages_go_up_and_down) {
  const auto s = Schedule::staged({{10, 100}, {10, 100}, {10, 0}, {10, 50}});
  BOOST_TEST(s.value_at(5) == 50.0);
  BOOST_TEST(s.value_at(15) == 100.0);
  BOOST_TEST(s.value_at(25) == 50.0);
  BOOST_TEST(s.value_at(35) == 25.0);
  BOOST_TEST(s.duration_s() == 40.0);
  // After ramping down to 0 at 30 s, more than 10 are wanted again 2 s into the last stage.
  BOOST_TEST(s.first_time_above(10, 28) == 28.0,
             boost::test_tools::tolerance(1e-3));  // 20 wanted at 28 s
  BOOST_TEST(s.first_time_above(10, 29.5) == 32.0, boost::test_tools::tolerance(1e-3));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(arrivals)

using perf::engine::ArrivalProcess;
using perf::engine::Arrivals;
using perf::engine::Schedule;

BOOST_AUTO_TEST_CASE(a_constant_rate_spaces_arrivals_exactly) {
  const auto s = Schedule::constant(200, 10);
  Arrivals a(s, ArrivalProcess::uniform, 1);
  for (int k = 0; k < 1000; ++k)
    BOOST_TEST(a.next() == k / 200.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_ramp_offers_the_area_under_it) {
  // 0 -> 100 req/s over 10 s, then 100 for 10 s: 500 + 1000 arrivals.
  const auto s = Schedule::staged({{10, 100}, {10, 100}});
  Arrivals a(s, ArrivalProcess::uniform, 1);
  int by_10 = 0, by_20 = 0;
  for (double t = a.next(); t < 20; t = a.next()) {
    by_10 += t < 10;
    ++by_20;
  }
  BOOST_TEST(std::abs(by_10 - 500) <= 1, by_10);
  BOOST_TEST(std::abs(by_20 - 1500) <= 1, by_20);
  // Half the ramp's arrivals come in its last 2.93 s (area grows with t squared).
  BOOST_TEST(s.time_after_area(0, 250) == std::sqrt(50.0), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_falling_ramp_and_a_pause_are_followed) {
  // 100 -> 0 over 2 s (area 100), 0 for 1 s, then 50 held: the 101st arrival waits for it.
  const auto s = Schedule::staged({{2, 0}, {1, 0}, {0.001, 50}, {5, 50}}, 100);
  BOOST_TEST(s.time_after_area(0, 100) == 2.0, boost::test_tools::tolerance(1e-6));
  const double resumed = s.time_after_area(0, 101);
  BOOST_TEST(resumed > 3.0);
  BOOST_TEST(resumed < 3.03);
  BOOST_TEST(Schedule::staged({{1, 0}}, 0).time_after_area(0, 1) == Schedule::never);
}

BOOST_AUTO_TEST_CASE(threads_taking_turns_interleave_to_one_even_sequence) {
  // As run_open does: each of three threads walks its own Arrivals (same seed) and keeps the
  // arrivals k with k % 3 == its index. Together they must give the whole sequence, each
  // arrival once, and a single thread's share must be every third one.
  const auto s = Schedule::staged({{2, 300}, {3, 300}});
  for (auto process : {ArrivalProcess::uniform, ArrivalProcess::poisson}) {
    std::vector<double> whole, merged;
    Arrivals reference(s, process, 7);
    for (double t = reference.next(); t < 5; t = reference.next()) whole.push_back(t);
    std::vector<std::vector<double>> kept(3);
    for (std::size_t thread = 0; thread < 3; ++thread) {
      Arrivals own(s, process, 7);
      std::uint64_t k = 0;
      for (double t = own.next(); t < 5; t = own.next(), ++k)
        if (k % 3 == thread) kept[thread].push_back(t);
    }
    for (const auto& share : kept) merged.insert(merged.end(), share.begin(), share.end());
    std::sort(merged.begin(), merged.end());
    BOOST_TEST(merged == whole, boost::test_tools::per_element());
    BOOST_TEST(kept[0].size() - kept[2].size() <= 1u);
    BOOST_TEST(kept[1].front() == whole[1]);
  }
}

BOOST_AUTO_TEST_CASE(poisson_gaps_have_the_rates_mean_and_a_cv_near_one) {
  const auto s = Schedule::constant(1000, 100);
  Arrivals a(s, ArrivalProcess::poisson, 42);
  double previous = a.next(), sum = 0, squares = 0;
  const int n = 20000;
  std::vector<double> gaps;
  for (int k = 0; k < n; ++k) {
    const double t = a.next();
    gaps.push_back(t - previous);
    previous = t;
  }
  for (double g : gaps) sum += g;
  const double mean = sum / n;
  for (double g : gaps) squares += (g - mean) * (g - mean);
  BOOST_TEST(mean == 0.001, boost::test_tools::tolerance(0.03));
  BOOST_TEST(std::sqrt(squares / n) / mean == 1.0, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_SUITE_END()
