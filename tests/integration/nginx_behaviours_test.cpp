#define BOOST_TEST_MODULE nginx_behaviours
#include "case_runs.hpp"
#include "nginx.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
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

const std::string delay_server = PERF_AGENT_BINARY_DIR "/tests/servers/perf-delay-server";
std::string nginx_spec() {
  return perf::test::source_dir() + "/tests/fixtures/nginx-api.yaml";
}

void file(const perf::test::Nginx& nginx, const std::string& name, const std::string& text) {
  const auto path = nginx.dir() + "/html/" + name;
  std::ofstream(path) << text;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read | std::filesystem::perms::others_read);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rate_limit)

BOOST_AUTO_TEST_CASE(nginx_limit_req_is_found_within_30_percent) {
  // limit_req runs after `return`, so the location serves a file.
  perf::test::Nginx nginx(
      "location = /limited.json { limit_req zone=rl burst=5 nodelay; limit_req_status 429; }",
      "limit_req_zone $binary_remote_addr zone=rl:1m rate=20r/s;");
  file(nginx, "limited.json", "{\"ok\":true}");
  const auto c = run_case(
      nginx_spec(), nginx.url(), "rate_limit_test", "limited",
      R"({"test_options": {"rate_limit_test": {"rate_steps": [10, 60, 120], "step_duration": 3,
                              "burst_requests": 60, "max_retry_wait": 1}}})");
  const double limit = number(c, "observed_limit_rps");
  BOOST_TEST(limit >= 14.0, limit);
  BOOST_TEST(limit <= 26.0, limit);
  BOOST_TEST(number(c, "first_429_after_requests") <= 10.0);  // burst of 5, then refused
  BOOST_TEST(finding(c, "retry_after_s").is_null());          // nginx sends none
  BOOST_TEST(c.at("verdict").as_string() == "warning");
  BOOST_TEST(c.at("reason").as_string().find("429 without Retry-After") != json::string::npos);
}

// The default steps (5, 10, 20, 50, ... req/s), a fifth of their length: limit_req's own rate
// without burst. The pre-flight request just before the case must not cost the burst its first
// request, and jittered arrivals at exactly 20 req/s must not pass for the limit.
BOOST_AUTO_TEST_CASE(limit_req_without_burst_is_found_at_20_plus_or_minus_3) {
  perf::test::Nginx nginx("location = /limited.json { limit_req zone=rl; limit_req_status 429; }",
                          "limit_req_zone $binary_remote_addr zone=rl:1m rate=20r/s;");
  file(nginx, "limited.json", "{\"ok\":true}");
  const auto c = run_case(nginx_spec(), nginx.url(), "rate_limit_test", "limited",
                          R"({"test_options": {"rate_limit_test": {"max_retry_wait": 1}}})",
                          {"--time-scale", "0.2"});
  const double limit = number(c, "observed_limit_rps");
  BOOST_TEST_MESSAGE("observed_limit_rps " << limit);
  BOOST_TEST(limit >= 17.0, limit);
  BOOST_TEST(limit <= 23.0, limit);
  BOOST_TEST(number(c, "first_429_after_requests") == 1.0);  // no burst: the second is refused
  BOOST_TEST(number(c, "recovered_after_wait") == 1.0);
}

BOOST_AUTO_TEST_CASE(limit_req_with_burst_10_nodelay_shows_the_burst_and_the_rate) {
  perf::test::Nginx nginx(
      "location = /limited.json { limit_req zone=rl burst=10 nodelay; limit_req_status 429; }",
      "limit_req_zone $binary_remote_addr zone=rl:1m rate=20r/s;");
  file(nginx, "limited.json", "{\"ok\":true}");
  const auto c = run_case(nginx_spec(), nginx.url(), "rate_limit_test", "limited",
                          R"({"test_options": {"rate_limit_test": {"max_retry_wait": 1}}})",
                          {"--time-scale", "0.2"});
  const double limit = number(c, "observed_limit_rps");
  BOOST_TEST_MESSAGE("observed_limit_rps " << limit);
  BOOST_TEST(limit >= 17.0, limit);
  BOOST_TEST(limit <= 23.0, limit);
  // One request plus the burst of 10 pass back to back (a refill during the burst may add one).
  const double burst = number(c, "first_429_after_requests");
  BOOST_TEST(burst >= 11.0, burst);
  BOOST_TEST(burst <= 12.0, burst);
}

BOOST_AUTO_TEST_CASE(the_demo_api_announces_its_limit_consistently_and_its_twin_has_none) {
  perf::test::Server demo(
      {perf::test::demo_api(), "--port", "0", "--rate-limit", "20", "--burst", "20"});
  const auto c = run_case(
      demo_spec(), demo.url(), "rate_limit_test", "getLimited",
      R"({"test_options": {"rate_limit_test": {"rate_steps": [10, 60], "step_duration": 3, "burst_requests": 100}}})");
  BOOST_TEST(number(c, "first_429_after_requests") >= 18.0);
  BOOST_TEST(number(c, "first_429_after_requests") <= 24.0);
  BOOST_TEST(number(c, "observed_limit_rps") >= 14.0);
  BOOST_TEST(number(c, "observed_limit_rps") <= 26.0);
  BOOST_TEST(number(c, "retry_after_s") >= 1.0);
  BOOST_TEST(number(c, "recovered_after_wait") == 1.0);
  BOOST_TEST(c.at("verdict").as_string() == "passed", c.at("reason").as_string());
  const auto twin = run_case(
      demo_spec(), demo.url(), "rate_limit_test", "getFast",
      R"({"test_options": {"rate_limit_test": {"rate_steps": [50, 200], "step_duration": 1, "burst_requests": 50}}})");
  BOOST_TEST(finding(twin, "observed_limit_rps").is_null());
  BOOST_TEST(twin.at("reason").as_string().starts_with("no limit found"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(caching)

BOOST_AUTO_TEST_CASE(static_files_revalidate_no_store_is_not_cached_and_proxy_cache_hits) {
  const int upstream_port = perf::test::free_port();
  perf::test::Nginx nginx(
      "location = /nostore.json { add_header Cache-Control no-store; }\n"
      "location /proxied/ { proxy_pass http://127.0.0.1:" +
          std::to_string(upstream_port) +
          "/; proxy_cache c;"
          " proxy_cache_valid 200 1m; add_header X-Cache-Status $upstream_cache_status; }",
      "proxy_cache_path @DIR@/cache keys_zone=c:1m;\n  server { listen 127.0.0.1:" +
          std::to_string(upstream_port) + "; root @DIR@/html; }");
  for (const char* f : {"static.json", "nostore.json"}) file(nginx, f, "{\"items\":[1,2,3]}");
  const std::string config = R"({"test_options": {"caching_test": {"warm_requests": 10}}})";
  const auto stat = run_case(nginx_spec(), nginx.url(), "caching_test", "static", config);
  BOOST_TEST(number(stat, "conditional_304") == 1.0);  // nginx's ETag and Last-Modified revalidate
  BOOST_TEST(stat.at("verdict").as_string() == "passed");
  const auto nostore = run_case(nginx_spec(), nginx.url(), "caching_test", "nostore", config);
  BOOST_TEST(number(nostore, "cacheable") == 0.0);
  BOOST_TEST(number(nostore, "cache_hit_ratio") == 0.0);
  BOOST_TEST(nostore.at("verdict").as_string() == "passed");
  const auto proxied = run_case(nginx_spec(), nginx.url(), "caching_test", "proxied", config);
  BOOST_TEST(number(proxied, "cache_hit_ratio") >= 0.9);  // X-Cache-Status: HIT after the first
}

BOOST_AUTO_TEST_CASE(
    the_demo_api_cached_endpoint_answers_304_faster_and_its_twin_is_not_cacheable) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string config = R"({"test_options": {"caching_test": {"warm_requests": 5}}})";
  const auto cached = run_case(demo_spec(), demo.url(), "caching_test", "getCached", config);
  BOOST_TEST(number(cached, "conditional_304") == 1.0);
  BOOST_TEST(number(cached, "cached_speedup") > 3.0);  // 20 ms to render against a bare 304
  const auto uncached = run_case(demo_spec(), demo.url(), "caching_test", "getUncached", config);
  BOOST_TEST(number(uncached, "cacheable") == 0.0);
  BOOST_TEST(number(uncached, "conditional_304") == 0.0);
}

BOOST_AUTO_TEST_CASE(an_etag_whose_if_none_match_still_gets_200_is_reported_as_not_honoured) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string config = R"({"test_options": {"caching_test": {"warm_requests": 5}}})";
  // /cached/no-revalidation sends an ETag but answers If-None-Match with the full 200.
  const auto ignored =
      run_case(demo_spec(), demo.url(), "caching_test", "getCachedNoRevalidation", config);
  BOOST_TEST(number(ignored, "cacheable") == 1.0);
  BOOST_TEST(number(ignored, "conditional_304") == 0.0);
  BOOST_TEST(ignored.at("verdict").as_string() == "warning");
  BOOST_TEST(ignored.at("reason").as_string().find("conditional requests get no 304") !=
                 json::string::npos,
             ignored.at("reason").as_string());
  // Its twin /cached honours the same validator.
  const auto honoured = run_case(demo_spec(), demo.url(), "caching_test", "getCached", config);
  BOOST_TEST(number(honoured, "conditional_304") == 1.0);
  BOOST_TEST(honoured.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timeouts)

BOOST_AUTO_TEST_CASE(proxy_read_timeout_in_front_of_a_slow_upstream_gives_counted_504s) {
  perf::test::Server slow({delay_server, "--delay-ms", "1000"});
  perf::test::Nginx nginx("location = /slow { proxy_pass " + slow.url() +
                          "/; proxy_read_timeout 300ms; }");
  const auto c = run_case(
      nginx_spec(), nginx.url(), "timeout_test", "slow",
      R"({"test_options": {"timeout_test": {"users": 3, "duration": 3, "client_timeout": 5}}})");
  BOOST_TEST(number(c, "gateway_timeouts") >= 10.0);  // about 3 users x 3 s / 0.3 s
  BOOST_TEST(number(c, "timeouts") == 0.0);
  BOOST_TEST(c.at("verdict").as_string() == "failed");
}

BOOST_AUTO_TEST_CASE(client_timeouts_are_counted_and_the_run_goes_on) {
  perf::test::Server slow({delay_server, "--delay-ms", "500"});
  const auto c = run_case(
      nginx_spec(), slow.url(), "timeout_test", "slow",
      R"({"test_options": {"timeout_test": {"users": 2, "duration": 2, "client_timeout": 0.2}}})");
  BOOST_TEST(number(c, "request_timeouts") >=
             10.0);  // each user times out about 5 times a second... minus reconnects
  BOOST_TEST(number(c, "gateway_timeouts") == 0.0);
  // Timed-out requests took the 200 ms timeout (the sweeper checks every 20 ms), never 0.
  BOOST_TEST(number(c, "failed_avg_ms") >= 200.0);
  BOOST_TEST(number(c, "failed_max_ms") < 300.0);
  BOOST_TEST(finding(c, "p95_of_timeout").is_null());  // nothing answered
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(connection_pool)

BOOST_AUTO_TEST_CASE(a_small_worker_connections_is_found_as_the_limit) {
  perf::test::Nginx nginx("location = /fast { return 200 \"ok\"; }", "", false,
                          "worker_connections 64;");
  const auto c = run_case(
      nginx_spec(), nginx.url(), "connection_pool_test", "fast",
      R"({"test_options": {"connection_pool_test": {"steps": [16, 32, 48, 96, 192], "step_duration": 1.5, "probes": 5}}})");
  const double limit = number(c, "max_connections");
  BOOST_TEST(limit >= 32.0, limit);
  BOOST_TEST(limit <= 64.0, limit);
  BOOST_TEST(number(c, "new_connection_cost_ms") > 0.0);
}

BOOST_AUTO_TEST_CASE(the_demo_api_connection_limit_is_found) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--max-connections", "40"});
  const auto c = run_case(
      demo_spec(), demo.url(), "connection_pool_test", "getFast",
      R"({"test_options": {"connection_pool_test": {"steps": [10, 20, 30, 60, 120], "step_duration": 1.5, "probes": 5}}})");
  BOOST_TEST(number(c, "max_connections") == 30.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(volume)

BOOST_AUTO_TEST_CASE(client_max_body_size_is_found_as_the_rejected_size) {
  perf::test::Nginx nginx("client_max_body_size 50k;\nlocation = /upload { return 200 \"{}\"; }");
  const auto c = run_case(nginx_spec(), nginx.url(), "volume_test", "upload",
                          R"({"test_options": {"volume_test": {"step_duration": 1}}})",
                          {"--allow-unsafe-methods"});
  const double rejected = number(c, "rejected_size_bytes");
  BOOST_TEST(rejected > 50.0 * 1024, rejected);  // 100 KB is the first size over 50 KB
  BOOST_TEST(rejected < 110.0 * 1024, rejected);
  BOOST_TEST(number(c, "mb_per_s_10KB") > 0.0);
  BOOST_TEST(c.at("charts").as_object().contains("latency_by_size"));
}

BOOST_AUTO_TEST_CASE(the_demo_api_upload_limit_and_its_unlimited_twin) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--body-limit", "262144"});
  const std::string config = R"({"test_options": {"volume_test": {"step_duration": 1}}})";
  const auto limited = run_case(demo_spec(), demo.url(), "volume_test", "upload", config,
                                {"--allow-unsafe-methods"});
  BOOST_TEST(number(limited, "rejected_size_bytes") > 262144.0);  // 1 MB is refused, 100 KB is not
  const auto twin = run_case(demo_spec(), demo.url(), "volume_test", "uploadUnlimited", config,
                             {"--allow-unsafe-methods"});
  BOOST_TEST(finding(twin, "rejected_size_bytes").is_null());
  BOOST_TEST(twin.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_SUITE_END()
