#define BOOST_TEST_MODULE engine_parts
#include "perf/engine/schedule.hpp"

#include <boost/test/unit_test.hpp>

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
