// The result JSON's parts beyond DESIGN §7: a flow case's steps and flow counts (§10.6), and the
// run's segment (§10.2), comparison and recommendations (§10.4), each written only when set.
#include "perf/report/result_json.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace api = perf::api;
namespace json = boost::json;

namespace {

api::CaseResult flow_case() {
  api::CaseResult r;
  r.test_case.id = "load_test:FLOW:shop";
  r.test_case.test_type = "load_test";
  r.test_case.requests = {api::RequestSpec("GET", "/")};
  r.test_case.flows.emplace_back().name = "shop";
  r.verdict = api::Verdict::passed;
  api::StepResult step;
  step.flow = "shop";
  step.name = "create";
  step.method = "POST";
  step.path = "/items";
  step.metrics.total_requests = 3;
  step.metrics.latency.record(1500);
  r.steps.push_back(step);
  r.flow.iterations = 3;
  r.flow.failed_iterations = 1;
  r.flow.failures["extract id: no /id in response of step create"] = 1;
  r.flow.iteration_duration.record(4000);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(result_json)

BOOST_AUTO_TEST_CASE(a_flow_case_writes_its_steps_and_flow_and_reads_them_back) {
  const auto o = perf::report::to_json(flow_case());
  BOOST_TEST(o.at("flows").at(0).as_string() == "shop");
  BOOST_TEST(o.at("steps").at(0).at("name").as_string() == "create");
  BOOST_TEST(o.at("steps").at(0).at("metrics").at("total_requests").to_number<int>() == 3);
  BOOST_TEST(o.at("flow").at("failed_iterations").to_number<int>() == 1);
  BOOST_TEST(o.at("flow").at("iteration_duration").at("p95").to_number<double>() == 4.0);
  const auto back = perf::report::case_result_from_json(o, "r.json");
  BOOST_TEST(back.steps.at(0).metrics.latency.count() == 1u);
  BOOST_TEST(back.flow.failures.at("extract id: no /id in response of step create") == 1u);
  BOOST_TEST(back.flow.iteration_duration.count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_case_without_flows_has_no_steps_or_flow) {
  api::CaseResult r;
  r.test_case.id = "load_test:GET:/x";
  const auto o = perf::report::to_json(r);
  BOOST_TEST(!o.contains("steps"));
  BOOST_TEST(!o.contains("flow"));
  BOOST_TEST(!o.contains("flows"));
}

BOOST_AUTO_TEST_CASE(segment_comparison_and_recommendations_appear_only_when_set) {
  api::RunSummary s;
  auto o = perf::report::to_json(s);
  BOOST_TEST(!o.contains("segment"));
  BOOST_TEST(!o.contains("comparison"));
  BOOST_TEST(!o.contains("recommendations"));
  s.info.segment.index = 1;
  s.info.segment.count = 4;
  s.info.segment.plan_sha256 = "ab";
  s.comparison["cases"] = json::array{};
  s.recommendations.push_back({"c", "breaking_point_users", "add capacity", "breaks at 200 users"});
  o = perf::report::to_json(s);
  BOOST_TEST(json::serialize(o.at("segment")) == R"({"count":4,"plan_sha256":"ab","index":1})");
  BOOST_TEST(o.at("comparison").as_object().contains("cases"));
  BOOST_TEST(o.at("recommendations").at(0).at("finding").as_string() == "breaking_point_users");
  // A merged result: no index, the merged segments, partial with the missing ones.
  s.info.segment = {};
  s.info.segment.count = 3;
  s.info.segment.merged = {0, 2};
  s.info.segment.partial = true;
  s.info.segment.missing = {1};
  o = perf::report::to_json(s);
  BOOST_TEST(json::serialize(o.at("segment")) ==
             R"({"count":3,"plan_sha256":"","merged":[0,2],"partial":true,"missing":[1]})");
}

BOOST_AUTO_TEST_SUITE_END()
