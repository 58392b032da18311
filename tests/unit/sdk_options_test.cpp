// The SDK's typed options: one default per option, the config file's value at plan time, the
// plan's value at run time, and a typo in an option name caught as the bug it is.
#define BOOST_TEST_MODULE sdk_options
#include "perf/sdk/options.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <stdexcept>

namespace {

namespace json = boost::json;
using namespace perf;

const sdk::Options options{
    "demo_test",
    {sdk::number_option("step_duration", 30, "seconds per step"),
     sdk::number_option(
         "users", [](const api::Settings& s) { return double(s.max_users) / 10; },
         "depends on the settings"),
     sdk::list_option("steps", std::vector<double>{1, 2, 4}, "users of each step")}};

api::Settings settings_with(json::object demo_options) {
  api::Settings s;
  s.max_users = 200;
  s.test_options["demo_test"] = std::move(demo_options);
  return s;
}

api::TestCase case_with(json::object parameters) {
  api::TestCase c;
  c.parameters = std::move(parameters);
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sdk_options)

BOOST_AUTO_TEST_CASE(planning_takes_the_config_files_values_and_defaults_for_the_rest) {
  const auto resolved = options.resolve(settings_with({{"step_duration", 5}}));
  BOOST_TEST(resolved.at("step_duration").to_number<double>() == 5.0);
  BOOST_TEST(resolved.at("users").to_number<double>() == 20.0);  // 200 / 10, from the settings
  BOOST_TEST(json::serialize(resolved.at("steps")) == "[1E0,2E0,4E0]");
}

BOOST_AUTO_TEST_CASE(a_malformed_config_value_falls_back_to_the_default) {
  const auto resolved =
      options.resolve(settings_with({{"step_duration", "soon"}, {"steps", json::array{1, "x"}}}));
  BOOST_TEST(resolved.at("step_duration").to_number<double>() == 30.0);
  BOOST_TEST(resolved.at("steps").as_array().size() == 3u);
}

BOOST_AUTO_TEST_CASE(running_reads_the_plans_value_not_the_default) {
  const api::Settings s = settings_with({});
  const auto c = case_with({{"step_duration", 7}, {"steps", json::array{10, 20}}});
  BOOST_TEST(options.number(c, "step_duration", s) == 7.0);
  BOOST_TEST(options.list(c, "steps", s) == (std::vector<double>{10, 20}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_older_plan_without_an_option_gets_the_same_default_as_planning) {
  const api::Settings s = settings_with({});
  const auto c = case_with({});
  BOOST_TEST(options.number(c, "step_duration", s) == 30.0);
  BOOST_TEST(options.number(c, "users", s) == 20.0);
  BOOST_TEST(options.list(c, "steps", s) == (std::vector<double>{1, 2, 4}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_undeclared_option_is_a_bug_not_a_default) {
  const api::Settings s = settings_with({});
  BOOST_CHECK_THROW(options.number(case_with({}), "step_durration", s), std::logic_error);
  BOOST_CHECK_THROW(options.list(case_with({}), "step_duration", s), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_plan_value_of_the_wrong_type_is_an_error_not_the_default) {
  const api::Settings s = settings_with({});
  auto c = case_with({{"step_duration", "10"}, {"steps", json::array{1, "x"}}});
  c.id = "demo_test:GET:/x";
  try {
    options.number(c, "step_duration", s);
    BOOST_FAIL("a string step_duration was taken");
  } catch (const perf::UserError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "demo_test:GET:/x: parameters.step_duration must be a number");
  }
  BOOST_CHECK_THROW(options.list(c, "steps", s), perf::UserError);
  // An empty list is a list: the plan said no steps.
  BOOST_TEST(options.list(case_with({{"steps", json::array{}}}), "steps", s).empty());
}

BOOST_AUTO_TEST_SUITE_END()
