#include "perf/settings/settings_loader.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <map>

using namespace perf::settings;

namespace {
SettingsInput input(std::map<std::string, std::string> env) {
  SettingsInput in;
  in.getenv = [env = std::move(env)](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  return in;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(settings)

BOOST_AUTO_TEST_CASE(defaults_are_the_seed_values) {
  const auto s = resolve_settings(input({}));
  BOOST_TEST(s.default_users == 10);
  BOOST_TEST(s.max_users == 1000);
  BOOST_TEST(s.test_duration_s == 60);
  BOOST_TEST(s.timeout_s == 30);
  BOOST_TEST(s.response_threshold_ms == 1000);
  BOOST_TEST(s.error_threshold_percent == 5.0);
  BOOST_TEST(s.patterns.size() == 7u);
  BOOST_TEST(s.find_pattern("heavy_load")->users == 25);
}

BOOST_AUTO_TEST_CASE(command_line_beats_environment_beats_config) {
  auto in = input({{"PERFORMANCE_TIMEOUT", "12"}, {"PERFORMANCE_DEFAULT_USERS", "7"}});
  in.config = boost::json::parse(R"({"performance_timeout": 99, "performance_default_users": 3,
                                     "performance_max_users": 50, "time_scale": 0.5})")
                  .as_object();
  in.config_name = "c.yaml";
  in.cli["performance_timeout"] = "5";
  const auto s = resolve_settings(in);
  BOOST_TEST(s.timeout_s == 5);                  // CLI
  BOOST_TEST(s.default_users == 7);              // environment
  BOOST_TEST(s.max_users == 50);                 // config
  BOOST_TEST(s.time_scale == 0.5);               // config
  BOOST_TEST(s.error_threshold_percent == 5.0);  // default
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_source) {
  auto in = input({{"PERF_AGENT_TIME_SCALE", "fast"}});
  BOOST_CHECK_EXCEPTION(resolve_settings(in), perf::UserError, [](const perf::UserError& e) {
    return std::string(e.what()).find("environment PERF_AGENT_TIME_SCALE") != std::string::npos;
  });
  auto cli = input({});
  cli.cli["users"] = "0";
  cli.cli_flag_names["users"] = "--users";
  BOOST_CHECK_EXCEPTION(resolve_settings(cli), perf::UserError, [](const perf::UserError& e) {
    return std::string(e.what()).rfind("--users: must be a whole number >= 1", 0) == 0;
  });
}

BOOST_AUTO_TEST_CASE(config_defines_custom_patterns) {
  auto in = input({});
  in.config =
      boost::json::parse(
          R"({"patterns": {"lunch_rush": {"users": 40, "duration": 90, "think_time": 0.3}}})")
          .as_object();
  in.cli["pattern"] = "lunch_rush";
  const auto s = resolve_settings(in);
  BOOST_TEST(s.find_pattern("lunch_rush")->users == 40);
  BOOST_TEST(*s.pattern == "lunch_rush");
  auto unknown = input({});
  unknown.cli["pattern"] = "nope";
  BOOST_CHECK_THROW(resolve_settings(unknown), perf::UserError);
}

BOOST_AUTO_TEST_CASE(pattern_fields_out_of_range_name_the_place_not_undefined_behaviour) {
  // Found with the settings fuzz target's sanitizers: users of 1e300 was converted to int as it
  // was (undefined behaviour), and a YAML .inf passed as a finite number.
  auto expect = [](const std::string& config, const std::string& message) {
    auto in = input({});
    in.config_name = "perf.yaml";
    in.config = perf::util::parse_document(config, "perf.yaml").as_object();
    BOOST_CHECK_EXCEPTION(resolve_settings(in), perf::UserError, [&](const perf::UserError& e) {
      BOOST_TEST_INFO("what: " << e.what());
      return std::string(e.what()) == message;
    });
  };
  expect(R"({"patterns": {"x": {"users": 1e300}}})",
         "perf.yaml: /patterns/x/users: must be a whole number >= 1 and <= 10000000");
  expect(R"({"patterns": {"x": {"users": 2.5}}})",
         "perf.yaml: /patterns/x/users: must be a whole number >= 1 and <= 10000000");
  expect("patterns:\n  x:\n    duration: .inf\n",
         "perf.yaml: /patterns/x/duration: must be a number >= 0");
  expect("time_scale: .inf\n", "perf.yaml: /time_scale: must be a positive number");
}

BOOST_AUTO_TEST_SUITE_END()
