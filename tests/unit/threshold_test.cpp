#include "perf/verdict/threshold.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/case_checks.hpp"

#include <boost/test/unit_test.hpp>

using namespace perf;
using verdict::parse_threshold;

namespace {
api::Metrics metrics_of(std::uint64_t ok, std::uint64_t failed, double duration,
                        std::uint64_t latency_us) {
  api::Metrics m;
  for (std::uint64_t i = 0; i < ok + failed; ++i) m.latency.record(latency_us);
  m.total_requests = ok + failed;
  m.successful_requests = ok;
  m.failed_requests = failed;
  m.duration_s = duration;
  return m;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(thresholds)

BOOST_AUTO_TEST_CASE(k6_expressions_parse_with_tags_windows_and_abort) {
  const auto t = parse_threshold(
      "http_req_duration{endpoint:/users,method:GET}: p(99)<=250 over 10s abortOnFail");
  BOOST_TEST(t.metric == "http_req_duration");
  BOOST_TEST(t.tags.at("endpoint") == "/users");
  BOOST_TEST(t.tags.at("method") == "GET");
  BOOST_TEST(t.aggregation == "p");
  BOOST_TEST(t.percentile == 99.0);
  BOOST_TEST(parse_threshold("http_req_duration: p(99.9)<1").percentile == 99.9);
  BOOST_TEST(t.op == "<=");
  BOOST_TEST(t.value == 250.0);
  BOOST_TEST(t.window_s == 10.0);
  BOOST_TEST(t.abort_on_fail);
}

BOOST_AUTO_TEST_CASE(malformed_or_unsupported_expressions_name_themselves) {
  for (const char* bad :
       {"http_req_duration", "http_req_duration: p(95)", "http_req_duration: p(101)<5",
        "http_reqs: p(95)<5", "http_req_waiting: p(95)<5", "nope: avg<1",
        "http_req_duration: avg<5 over 10s", "http_req_duration{status:200}: avg<5"}) {
    try {
      parse_threshold(bad);
      BOOST_FAIL("accepted " << bad);
    } catch (const UserError& e) {
      BOOST_TEST(std::string(e.what()).find(bad) != std::string::npos, e.what());
    }
  }
}

// Found by fuzz/threshold_fuzz: the patterns let "1e308100" and "." through, and std::stod threw
// std::out_of_range or std::invalid_argument instead of naming the threshold.
BOOST_AUTO_TEST_CASE(numbers_that_are_not_finite_numbers_name_the_threshold) {
  for (const char* bad : {"http_reqs: rate>\t  1e308100", "http_req_duration: p(.)<5",
                          "http_req_duration: p(95)<5 over . s", "http_req_duration: avg<1.2.3",
                          "http_req_duration: avg<-."}) {
    try {
      parse_threshold(bad);
      BOOST_FAIL("accepted " << bad);
    } catch (const UserError& e) {
      BOOST_TEST(std::string(e.what()).find("is not a number") != std::string::npos, e.what());
    }
  }
  BOOST_TEST(parse_threshold("http_req_duration: avg<-1.5e2").value == -150.0);
}

BOOST_AUTO_TEST_CASE(rates_counts_and_durations_are_in_k6_units) {
  const auto m = metrics_of(90, 10, 2.0, 150000);  // 100 requests in 2 s, 10 failed, 150 ms each
  auto value = [&](const char* text) {
    return *verdict::threshold_value(parse_threshold(text), m);
  };
  BOOST_TEST(value("http_req_failed: rate<1") == 0.1);  // a fraction, not a percentage
  BOOST_TEST(value("http_reqs: rate>1") == 50.0);       // per second
  BOOST_TEST(value("http_reqs: count>1") == 100.0);
  BOOST_TEST(value("http_req_duration: avg<1") == 150.0);  // milliseconds
  const auto pass = verdict::evaluate(parse_threshold("http_req_duration: p(95)<200"), {&m});
  const auto fail = verdict::evaluate(parse_threshold("http_req_failed: rate<0.05"), {&m});
  BOOST_TEST((pass.evaluated && pass.passed));
  BOOST_TEST((fail.evaluated && !fail.passed));
  BOOST_TEST(fail.message.find("actual 0.100") != std::string::npos, fail.message);
}

BOOST_AUTO_TEST_CASE(a_value_equal_to_the_limit_fails_less_than_and_passes_at_most) {
  const auto m = metrics_of(100, 0, 1.0, 500000);  // every request took exactly 500 ms
  auto passed = [&](const char* text) {
    const auto r = verdict::evaluate(parse_threshold(text), {&m});
    BOOST_TEST(r.actual == 500.0, text);
    return r.evaluated && r.passed;
  };
  BOOST_TEST(!passed("http_req_duration: p(95)<500"));
  BOOST_TEST(passed("http_req_duration: p(95)<=500"));
}

BOOST_AUTO_TEST_CASE(a_value_equal_to_the_limit_fails_greater_than_and_passes_at_least) {
  const auto m = metrics_of(100, 0, 1.0, 500000);  // every request took exactly 500 ms
  auto passed = [&](const char* text) {
    const auto r = verdict::evaluate(parse_threshold(text), {&m});
    BOOST_TEST(r.actual == 500.0, text);
    return r.evaluated && r.passed;
  };
  BOOST_TEST(!passed("http_req_duration: p(95)>500"));
  BOOST_TEST(passed("http_req_duration: p(95)>=500"));
}

BOOST_AUTO_TEST_CASE(a_window_fails_only_when_the_violation_lasts) {
  api::Metrics m = metrics_of(10, 0, 6.0, 1000);
  for (int s = 1; s <= 6; ++s) {
    api::IntervalPoint p;
    p.t_s = s;
    p.requests = 10;
    p.p95_ms = (s == 2 || s == 3) ? 900 : 100;  // two slow seconds
    m.intervals.push_back(p);
  }
  BOOST_TEST(
      verdict::evaluate(parse_threshold("http_req_duration: p(95)<500 over 3s"), {&m}).passed);
  BOOST_TEST(
      !verdict::evaluate(parse_threshold("http_req_duration: p(95)<500 over 2s"), {&m}).passed);
}

BOOST_AUTO_TEST_CASE(one_per_second_rule_for_windows_and_live_checks) {
  api::IntervalPoint second;
  second.requests = 100;
  second.errors = 5;
  second.rps = 100;
  second.p50_ms = 10;
  second.p90_ms = 20;
  second.p95_ms = 30;
  second.p99_ms = 40;
  auto value = [&](const char* text) {
    return verdict::per_second_value(parse_threshold(text), second);
  };
  // Each percentile is judged on its own value: live p(90) used to be judged on p50.
  BOOST_TEST(*value("http_req_duration: p(90)<15") == 20.0);
  BOOST_TEST(*value("http_req_duration: p(95)<15") == 30.0);
  BOOST_TEST(*value("http_req_duration: med<15") == 10.0);
  BOOST_TEST(*value("http_req_failed: rate<0.01") == 0.05);
  BOOST_TEST(*value("http_reqs: rate>10") == 100.0);
  // No per-second value: judged on the whole case (abortOnFail) or refused (windowed).
  BOOST_TEST(!value("http_req_duration: avg<15"));
  BOOST_TEST(!value("http_req_duration: p(97)<15"));
  BOOST_CHECK_THROW(parse_threshold("http_req_duration: p(97)<15 over 5s"), UserError);
  // A second without requests says nothing.
  second.requests = 0;
  BOOST_TEST(!value("http_req_duration: p(90)<15"));
}

BOOST_AUTO_TEST_CASE(case_checks_judge_assertions_and_performance_thresholds) {
  api::CaseResult r;
  r.metrics = metrics_of(98, 2, 1.0, 40000);
  r.test_case.assertions.push_back({"p95_response_time", "less_than", 50, "", {}, {}});
  r.test_case.assertions.push_back({"throughput", "greater_than", 200, "", {}, {}});
  r.test_case.performance_thresholds = boost::json::object{{"error_rate_percent", 5.0}};
  const auto checks = verdict::check_case(r);
  verdict::conclude(r, checks);
  BOOST_TEST(perf::api::to_string(r.verdict) == "failed");
  BOOST_TEST(*r.assertions[0].passed);
  BOOST_TEST(!*r.assertions[1].passed);
  BOOST_TEST(*r.assertions[1].actual == 100.0);
  BOOST_TEST(r.reason.find("throughput 100.0, expected greater_than 200.0") != std::string::npos,
             r.reason);
  api::CaseResult empty;
  verdict::conclude(empty, verdict::check_case(empty));
  BOOST_TEST(perf::api::to_string(empty.verdict) == "error");  // nothing measured is never a pass
}

BOOST_AUTO_TEST_SUITE_END()
