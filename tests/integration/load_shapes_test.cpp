#define BOOST_TEST_MODULE load_shapes
#include "case_runs.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using perf::test::demo_spec;
using perf::test::finding;
using perf::test::number;
using perf::test::out;
using perf::test::run;
using perf::test::run_case;

namespace {

// Runs one test type against one demo API operation with a config file, returns the case.

}  // namespace

BOOST_AUTO_TEST_SUITE(load_shapes)

BOOST_AUTO_TEST_CASE(stress_breaks_near_the_capacity_limit) {
  perf::test::Server demo(
      {perf::test::demo_api(), "--port", "0", "--capacity", "8", "--capacity-service-ms", "50"});
  const auto c = run_case(
      demo_spec(), demo.url(), "stress_test", "getCapacity",
      R"({"test_options": {"stress_test": {"steps": [2, 4, 8, 16, 32], "step_duration": 2, "think_time": 0}}})");
  BOOST_TEST(finding(c, "breaking_point_users").to_number<double>() ==
             16.0);  // 8 in flight hold, 16 do not
  const double sustainable = finding(c, "max_sustainable_rps").to_number<double>();
  BOOST_TEST(sustainable > 120.0);  // 8 in flight x 20/s = 160 req/s at best
  BOOST_TEST(sustainable < 170.0);
  BOOST_TEST(c.at("verdict").as_string() == "passed");
  BOOST_TEST(c.at("charts").as_object().contains("stress_steps"));
}

BOOST_AUTO_TEST_CASE(stress_of_an_unlimited_twin_does_not_break) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--capacity-service-ms", "50"});
  const auto c = run_case(
      demo_spec(), demo.url(), "stress_test", "getCapacityUnlimited",
      R"({"test_options": {"stress_test": {"steps": [2, 4, 8, 16], "step_duration": 1.5, "think_time": 0}}})");
  BOOST_TEST(finding(c, "breaking_point_users").is_null());
}

BOOST_AUTO_TEST_CASE(a_serialized_endpoint_is_predicted_to_peak_at_its_service_rate) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--serialized-service-ms", "10"});
  const auto c = run_case(
      demo_spec(), demo.url(), "scalability_test", "getSerialized",
      R"({"test_options": {"scalability_test": {"steps": [1, 2, 4, 8], "step_duration": 2}}})");
  const double peak = finding(c, "predicted_peak_rps").to_number<double>();
  BOOST_TEST(peak > 80.0, "peak " << peak);  // one at a time, 10 ms each: 100 req/s
  BOOST_TEST(peak < 120.0, "peak " << peak);
  BOOST_TEST(finding(c, "scaling_efficiency").to_number<double>() < 0.25);
  BOOST_TEST(finding(c, "usl_sigma").to_number<double>() > 0.8);
  BOOST_TEST(c.at("verdict").as_string() == "failed");
}

BOOST_AUTO_TEST_CASE(the_parallel_twin_scales_nearly_linearly) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--serialized-service-ms", "10"});
  const auto c = run_case(
      demo_spec(), demo.url(), "scalability_test", "getParallel",
      R"({"test_options": {"scalability_test": {"steps": [1, 2, 4, 8], "step_duration": 2}}})");
  BOOST_TEST(finding(c, "scaling_efficiency").to_number<double>() > 0.8);
  BOOST_TEST(finding(c, "usl_sigma").to_number<double>() < 0.1);
  BOOST_TEST(c.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_CASE(a_spike_past_capacity_shows_errors_and_a_measured_recovery) {
  perf::test::Server demo(
      {perf::test::demo_api(), "--port", "0", "--capacity", "8", "--capacity-service-ms", "50"});
  const auto c = run_case(
      demo_spec(), demo.url(), "spike_test", "getCapacity",
      R"({"test_options": {"spike_test": {"baseline_users": 2, "spike_users": 40, "baseline_duration": 3,
                              "ramp_up": 0.2, "spike_duration": 3, "recovery_duration": 4, "think_time": 0}}})");
  BOOST_TEST(finding(c, "spike_error_rate").to_number<double>() > 20.0);
  const auto recovery = finding(c, "recovery_time_s");
  BOOST_REQUIRE(recovery.is_number());
  BOOST_TEST(recovery.to_number<double>() <= 2.0);
  BOOST_TEST(c.at("verdict").as_string() == "failed");  // errors in the spike
}

BOOST_AUTO_TEST_CASE(endurance_reports_trends_and_the_target_memory) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto c =
      run_case(demo_spec(), demo.url(), "endurance_test", "getLeaky", R"({"test_options": {}})",
               {"--users", "4", "--think-time", "0.01", "--duration", "14", "--target-pid",
                std::to_string(demo.pid())});
  for (const char* id : {"p95_drift_percent_per_hour", "throughput_drift_percent_per_hour",
                         "memory_drift_percent_per_hour"})
    BOOST_TEST(finding(c, id).is_number(), id);
  // /leaky keeps 10 KB per call: the target's memory grows by far more than 10 % an hour.
  BOOST_TEST(finding(c, "memory_drift_percent_per_hour").to_number<double>() > 10.0);
  BOOST_TEST(c.at("verdict").as_string() == "warning");
  BOOST_TEST(c.at("reason").as_string().find("target memory drifts") != json::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
