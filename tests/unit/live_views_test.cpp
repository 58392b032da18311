// The live views' parts (core/live): the feed's messages, history and followers, and the
// Prometheus exposition built from intervals. The real streams, Prometheus and Chromium are in
// tests/integration/live_test.cpp.
#define BOOST_TEST_MODULE live_views
#include "perf/live/live_feed.hpp"
#include "perf/live/prometheus_exposition.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace perf;
namespace json = boost::json;

namespace {

api::Snapshot second(const std::string& id, std::uint64_t requests, std::uint64_t responses) {
  api::Snapshot s;
  s.case_id = id;
  s.phase = "load";
  s.elapsed_s = 1;
  s.planned_s = 5;
  s.point.requests = requests;
  s.point.responses = responses;
  s.point.rps = double(requests);
  s.point.p50_ms = 2;
  s.point.p95_ms = 3;
  s.point.p99_ms = 4;
  s.point.active_users = 2;
  return s;
}

json::object parsed(const live::Message& m) {
  return json::parse(*m).as_object();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(live_views)

BOOST_AUTO_TEST_CASE(a_follower_gets_the_history_then_every_new_message_once) {
  live::LiveFeed feed;
  api::TestCase c;
  c.id = "a";
  feed.case_started(c, 1, 1);
  feed.interval(second("a", 10, 10));
  std::vector<live::Message> received;
  int id = 0;
  const auto history = feed.follow(id, [&](const live::Message& m) { received.push_back(m); });
  BOOST_TEST_REQUIRE(history.size() == 1u);
  const auto first = parsed(history[0]);
  BOOST_TEST(first.at("type").as_string() == "interval");
  BOOST_TEST(first.at("requests").to_number<int>() == 10);
  BOOST_TEST(first.at("p95_ms").to_number<double>() == 3.0);
  feed.interval(second("a", 7, 0));  // no answer this second: latencies are null, not 0
  BOOST_TEST_REQUIRE(received.size() == 1u);
  BOOST_TEST(parsed(received[0]).at("p50_ms").is_null());
  api::CaseResult r;
  r.test_case = c;
  r.verdict = api::Verdict::passed;
  feed.case_done(r);
  api::RunSummary summary;
  summary.verdict = "passed";
  BOOST_TEST(!feed.end_status().has_value());
  feed.run_finished(summary);
  BOOST_TEST_REQUIRE(received.size() == 3u);
  BOOST_TEST(parsed(received[2]).at("type").as_string() == "end");
  BOOST_TEST(parsed(received[2]).at("status").as_string() == "success");
  BOOST_TEST(feed.end_status().value() == "success");
  BOOST_TEST(feed.followers() == 1u);
  feed.unfollow(id);
  BOOST_TEST(feed.followers() == 0u);
  BOOST_TEST(feed.history().size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_long_history_drops_old_seconds_but_keeps_case_ends) {
  live::LiveFeed feed;
  api::CaseResult r;
  r.test_case.id = "early";
  feed.case_done(r);
  for (std::size_t i = 0; i < live::LiveFeed::max_history + 10; ++i)
    feed.interval(second("b", 1, 1));
  const auto history = feed.history();
  BOOST_TEST(history.size() <= live::LiveFeed::max_history);
  BOOST_TEST(parsed(history.front()).at("type").as_string() == "case_done");
}

BOOST_AUTO_TEST_CASE(an_interrupted_run_ends_cancelled_and_a_failed_one_failed) {
  api::RunSummary s;
  s.verdict = "failed";
  BOOST_TEST(live::status_of(s) == "failed");
  s.interrupted = true;
  BOOST_TEST(live::status_of(s) == "cancelled");
}

BOOST_AUTO_TEST_CASE(the_exposition_counts_by_status_class_with_cumulative_buckets) {
  live::PrometheusExposition e;
  api::Metrics interval;
  interval.status_codes = {{200, 5}, {204, 1}, {404, 2}, {503, 1}};
  interval.errors = {{"connect_refused", 3}};
  for (std::uint64_t us : {500u, 800u, 3000u, 20000u, 2000000u}) interval.latency.record(us);
  e.interval_metrics(second("x\"y", 12, 9), interval);
  e.interval_metrics(second("x\"y", 12, 9), interval);  // counters add up over seconds
  e.set_task_states([] { return std::map<std::string, double>{{"running", 1}}; });
  const auto text = e.text();
  BOOST_TEST(text.find("perf_agent_requests_total{case=\"x\\\"y\",status=\"2xx\"} 12\n") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("status=\"4xx\"} 4\n") != std::string::npos);
  BOOST_TEST(text.find("status=\"5xx\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("status=\"error\"} 6\n") != std::string::npos);
  BOOST_TEST(text.find("le=\"0.001\"} 4\n") != std::string::npos, text);  // 0.5 and 0.8 ms
  BOOST_TEST(text.find("le=\"0.0025\"} 4\n") != std::string::npos);       // shortest form
  BOOST_TEST(text.find("le=\"0.025\"} 8\n") != std::string::npos);        // + 3 and 20 ms
  BOOST_TEST(text.find("le=\"+Inf\"} 10\n") != std::string::npos);
  BOOST_TEST(text.find("perf_agent_request_duration_seconds_count{case=\"x\\\"y\"} 10\n") !=
             std::string::npos);
  BOOST_TEST(text.find("perf_agent_active_users{case=\"x\\\"y\"} 2\n") != std::string::npos);
  BOOST_TEST(text.find("perf_agent_tasks{state=\"running\"} 1\n") != std::string::npos);
  api::CaseResult done;
  done.test_case.id = "x\"y";
  e.case_done(done);
  BOOST_TEST(e.text().find("perf_agent_active_users{case=\"x\\\"y\"} 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
