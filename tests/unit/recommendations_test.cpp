// Recommendations from findings (perf/report/recommendations.hpp): advice only where a finding
// calls for it, with its evidence; failed cases and regressions first.
#include "perf/report/recommendations.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace perf;

namespace {

api::CaseResult case_of(const std::string& type, const std::string& path,
                        std::vector<api::Finding> findings,
                        api::Verdict verdict = api::Verdict::passed) {
  api::CaseResult c;
  c.test_case.id = type + ":GET:" + path;
  c.test_case.test_type = type;
  c.test_case.method = "GET";
  c.test_case.endpoint = path;
  c.findings = std::move(findings);
  c.verdict = verdict;
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recommendations)

BOOST_AUTO_TEST_CASE(a_finding_that_calls_for_action_gets_advice_with_its_evidence) {
  const auto advice = report::recommend(
      {case_of("database_test", "/orders",
               {{"n_plus_one_suspected", 1, "", ""}, {"per_item_ms", 1.004, "ms", ""}})},
      {});
  BOOST_REQUIRE_EQUAL(advice.size(), 1u);
  BOOST_TEST(advice[0].case_id == "database_test:GET:/orders");
  BOOST_TEST(advice[0].finding_id == "n_plus_one_suspected");
  BOOST_TEST(advice[0].text.starts_with("N+1 suspected on GET /orders: 1.00 ms per item"));
  BOOST_TEST(advice[0].evidence == "per_item_ms=1.004");
}

BOOST_AUTO_TEST_CASE(no_advice_without_a_finding_behind_it) {
  const auto advice = report::recommend(
      {case_of("database_test", "/flat", {{"n_plus_one_suspected", 0, "", ""}}),
       case_of("pagination_test", "/items",
               {{"deep_page_slowdown", 1.2, "", ""}, {"duplicate_items", 0, "", ""}}),
       case_of("caching_test", "/fast",
               {{"conditional_304", 0, "", "no ETag or Last-Modified to revalidate with"}}),
       case_of("stress_test", "/fast", {{"breaking_point_users", nullptr, "users", ""}}),
       case_of("load_test", "/fast", {})},
      {});
  BOOST_TEST(advice.empty());
}

BOOST_AUTO_TEST_CASE(failed_cases_and_regressions_come_first) {
  const auto comparison = json::parse(R"({"cases": [{"id": "load_test:GET:/fast:custom",
      "metrics": [{"metric": "p95", "verdict": "regression", "change": 15.2, "change_unit": "%",
                   "ci_low": 12.0, "ci_high": 18.5},
                  {"metric": "p50", "verdict": "no change", "change": 1.0, "change_unit": "%"}]}]})")
                              .as_object();
  const auto advice = report::recommend(
      {case_of("pagination_test", "/shifting", {{"duplicate_items", 49, "", ""}}),
       case_of("rate_limit_test", "/limited",
               {{"first_429_after_requests", 12, "", ""}, {"retry_after_s", nullptr, "s", ""}},
               api::Verdict::failed)},
      comparison);
  BOOST_REQUIRE_EQUAL(advice.size(), 3u);
  BOOST_TEST(advice[0].finding_id == "retry_after_s");  // the failed case
  BOOST_TEST(advice[1].finding_id == "comparison");
  BOOST_TEST(advice[1].text.starts_with("p95 regressed 15.2 %"));
  BOOST_TEST(advice[1].evidence == "95 % interval [12.0, 18.5] %");
  BOOST_TEST(advice[2].finding_id == "duplicate_items");
}

BOOST_AUTO_TEST_SUITE_END()
