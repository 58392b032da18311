#include "perf/api/metrics.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace api = perf::api;

namespace {
api::Metrics sample(std::uint64_t base, double duration) {
  api::Metrics m;
  for (std::uint64_t i = 0; i < 100; ++i) m.latency.record(base + i);
  m.total_requests = 110;
  m.successful_requests = 100;
  m.failed_requests = 10;
  m.status_codes[200] = 100;
  m.errors["reset"] = 10;
  m.bytes_received = 5000;
  m.duration_s = duration;
  api::IntervalPoint point;
  point.t_s = 1.0;
  point.rps = 110;
  point.p50_ms = 1;
  point.p90_ms = 1.5;
  point.p95_ms = 2;
  point.p99_ms = 3;
  point.errors_per_s = 10;
  point.requests = 110;
  point.errors = 10;
  point.active_users = 5;
  point.target = 5;
  m.intervals.push_back(point);
  return m;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(run_metrics)

BOOST_AUTO_TEST_CASE(report_names_follow_the_design_contract) {
  const auto o = sample(1000, 2.0).to_json();
  for (const char* key : {"total_requests",    "successful_requests", "failed_requests",
                          "throughput",        "avg_response_time",   "min_response_time",
                          "max_response_time", "p50_response_time",   "p90_response_time",
                          "p95_response_time", "p99_response_time",   "success_rate",
                          "error_rate",        "status_codes",        "errors",
                          "bytes_received",    "bytes_sent",          "timing",
                          "peak_memory_mb",    "avg_cpu_percent",     "start_time",
                          "end_time",          "intervals",           "histogram"})
    BOOST_TEST(o.contains(key), "missing " << key);
  BOOST_TEST(o.at("throughput").as_double() == 55.0);
  BOOST_TEST(o.at("error_rate").to_number<double>() == 100.0 * 10 / 110,
             boost::test_tools::tolerance(1e-3));
}

BOOST_AUTO_TEST_CASE(append_adds_counts_and_shifts_the_later_series) {
  auto m = sample(1000, 2.0);
  m.append(sample(5000, 3.0));
  BOOST_TEST(m.total_requests == 220u);
  BOOST_TEST(m.successful_requests == 200u);
  BOOST_TEST(m.failed_requests == 20u);
  BOOST_TEST(m.errors.at("reset") == 20u);
  BOOST_TEST(m.bytes_received == 10000u);
  BOOST_TEST(m.error_rate_percent() == 100.0 * 20 / 220, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(m.duration_s == 5.0);
  BOOST_TEST(m.status_codes[200] == 200u);
  BOOST_TEST(m.latency.count() == 200u);
  BOOST_REQUIRE(m.intervals.size() == 2u);
  BOOST_TEST(m.intervals[1].t_s == 3.0);  // 1.0 s into the second phase, which began at 2.0 s
}

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_what_merge_needs) {
  const auto m = sample(1000, 2.0);
  const auto back =
      api::Metrics::from_json(boost::json::parse(boost::json::serialize(m.to_json())).as_object());
  BOOST_TEST((back.latency == m.latency));
  BOOST_TEST(back.total_requests == m.total_requests);
  BOOST_TEST(back.errors.at("reset") == 10u);
  BOOST_TEST(back.intervals.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(interval_series)

BOOST_AUTO_TEST_CASE(compacting_halves_the_series_and_keeps_the_counts) {
  std::vector<perf::api::IntervalPoint> points;
  for (int s = 1; s <= 10; ++s) {
    perf::api::IntervalPoint p;
    p.t_s = s;
    p.requests = 100;
    p.errors = s == 4 ? 10 : 0;
    p.rps = 100;
    p.p95_ms = s == 3 ? 50 : 5;
    points.push_back(p);
  }
  perf::api::compact_intervals(points);
  BOOST_REQUIRE(points.size() == 5u);
  std::uint64_t requests = 0, errors = 0;
  for (const auto& p : points) requests += p.requests, errors += p.errors;
  BOOST_TEST(requests == 1000u);
  BOOST_TEST(errors == 10u);
  BOOST_TEST(points[1].t_s == 4.0);
  BOOST_TEST(points[1].rps == 100.0);    // 200 requests over 2 s
  BOOST_TEST(points[1].p95_ms == 50.0);  // the worse second of the pair
}

BOOST_AUTO_TEST_SUITE_END()
