// How long a plan takes (perf/plan/planned_time.hpp): the sum of the cases' planned seconds after
// --time-scale, the test types that take most of it, and the words `plan` and `run` print.
#include "perf/plan/planned_time.hpp"

#include <boost/test/unit_test.hpp>

using namespace perf;

namespace {
api::TestCase timed(std::string type, double seconds) {
  api::TestCase c;
  c.id = type + ":" + std::to_string(seconds);
  c.test_type = std::move(type);
  c.parameters["planned_seconds"] = seconds;
  return c;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(planned_time)

BOOST_AUTO_TEST_CASE(durations_read_as_people_say_them) {
  BOOST_TEST(plan::duration_text(45) == "45 s");
  BOOST_TEST(plan::duration_text(200) == "3 min 20 s");
  BOOST_TEST(plan::duration_text(180) == "3 min");
  BOOST_TEST(plan::duration_text(5520) == "1 h 32 min");
  BOOST_TEST(plan::duration_text(3600) == "1 h");
  BOOST_TEST(plan::duration_text(0.3) == "under 1 s");
}

BOOST_AUTO_TEST_CASE(a_plan_sums_its_timed_cases_and_names_the_longest_types) {
  std::vector<api::TestCase> cases{timed("endurance_test", 1800), timed("endurance_test", 1800),
                                   timed("load_test", 60), timed("stress_test", 180)};
  api::TestCase counted;  // a fixed number of requests: no planned seconds
  counted.test_type = "response_time";
  cases.push_back(counted);
  const auto p = plan::planned_time(cases, 1.0);
  BOOST_TEST(p.seconds == 3840.0);
  BOOST_TEST(p.cases == 5u);
  BOOST_TEST(p.untimed_cases == 1u);
  BOOST_TEST_REQUIRE(p.by_type.size() == 3u);
  BOOST_TEST(p.by_type[0].test_type == "endurance_test");
  BOOST_TEST(plan::planned_time_text(p) ==
             "planned 1 h 4 min for 5 cases (1 of them send a fixed number of requests, not "
             "counted), of which endurance_test 2 \u00d7 up to 30 min; shorten with --tests or "
             "--time-scale");
}

BOOST_AUTO_TEST_CASE(time_scale_shortens_it_and_a_short_plan_gets_no_advice) {
  const auto p = plan::planned_time({timed("load_test", 60), timed("spike_test", 160)}, 0.1);
  BOOST_TEST(p.seconds == 22.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(plan::planned_time_text(p) ==
             "planned 22 s for 2 cases, of which spike_test 1 \u00d7 16 s, load_test 1 \u00d7 6 s");
}

BOOST_AUTO_TEST_CASE(a_negative_or_malformed_planned_time_is_not_counted) {
  auto bad = timed("x", -5);
  auto text = timed("y", 1);
  text.parameters["planned_seconds"] = "soon";
  BOOST_TEST(!plan::planned_seconds(bad, 1).has_value());
  BOOST_TEST(!plan::planned_seconds(text, 1).has_value());
  BOOST_TEST(plan::planned_time({bad, text}, 1).untimed_cases == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
