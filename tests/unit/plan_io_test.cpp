#include "perf/plan/plan_io.hpp"
#include "perf/util/user_error.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(plan_io)

BOOST_AUTO_TEST_CASE(plans_round_trip_through_their_file) {
  perf::plan::Plan plan;
  plan.tool = "perf-agent test";
  perf::api::TestCase c;
  c.id = "load_test:GET:/api/users:normal_load";
  c.test_type = "load_test";
  c.endpoint = "/api/users";
  c.method = "GET";
  c.performance_config = json::object{{"concurrent_users", 10}, {"duration_seconds", 120}};
  c.assertions.push_back({"throughput", "greater_than", 100, "fast enough", {}, {}});
  c.performance_thresholds = json::object{{"p95_response_time_ms", 3000}};
  c.base_url = "http://127.0.0.1:8080";
  c.requests.push_back({"GET", "/api/users?page=1", {{"Accept", "application/json"}}, ""});
  plan.test_cases.push_back(c);
  plan.skipped.push_back({"", "POST", "/api/users", "unsafe"});
  const auto path = perf::test::temp_dir() + "/plan.json";
  perf::plan::write_plan(plan, path);
  const auto back = perf::plan::read_plan(path);
  BOOST_REQUIRE(back.test_cases.size() == 1u);
  const auto& b = back.test_cases[0];
  BOOST_TEST(b.id == c.id);
  BOOST_TEST(b.performance_config == c.performance_config);
  BOOST_TEST(b.assertions.at(0).value == 100.0);
  BOOST_TEST(b.requests.at(0).headers.at(0).second == "application/json");
  BOOST_TEST(back.skipped.at(0).reason == "unsafe");
}

BOOST_AUTO_TEST_CASE(an_invalid_plan_names_the_json_pointer) {
  const auto doc = json::parse(R"({"test_cases":[{"id":"a","test_type":"load_test","requests":[]},
                                                  {"id":"b","test_type":"x","requests":[{"method":"GET"}]}]})");
  try {
    perf::plan::plan_from_json(doc, "p.json");
    BOOST_FAIL("accepted an invalid plan");
  } catch (const perf::UserError& e) {
    BOOST_TEST(std::string(e.what()) == "p.json: /test_cases/0/requests: must not be empty");
  }
}

BOOST_AUTO_TEST_SUITE_END()
