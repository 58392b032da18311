// The first answer of each non-2xx status and error kind, end to end: the real perf-agent
// against the demo API, read back from the JSON, console and HTML reports.
#define BOOST_TEST_MODULE response_samples
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using perf::test::run;
using perf::test::slurp;

namespace {

std::string out(const std::string& name) {
  return perf::test::temp_dir() + "/" + name;
}

const json::object& case_named(const json::value& report, const std::string& id) {
  for (const auto& c : report.at("test_cases").as_array())
    if (c.at("id").as_string() == id) return c.as_object();
  BOOST_FAIL("no case " + id);
  throw std::logic_error("unreachable");
}

// response_time on /secure (401 without credentials), /items/{id} (404 for the planned id) and
// /fast (200), with the console on stdout.
struct RefusedRun {
  perf::test::Server demo{{perf::test::demo_api(), "--port", "0"}};
  perf::test::CommandResult result;
  json::value report;
  RefusedRun() {
    result = run({perf::test::perf_agent(),
                  "run",
                  "--spec",
                  perf::test::source_dir() + "/examples/demo-api/openapi.yaml",
                  "--target",
                  demo.url(),
                  "--tests",
                  "response_time",
                  "--include-path",
                  "/secure",
                  "--include-path",
                  "/items/{id}",
                  "--include-path",
                  "/fast",
                  "--report",
                  "json:" + out("refused.json"),
                  "--report",
                  "html:" + out("refused.html"),
                  "--report",
                  "console"});
    report = json::parse(slurp(out("refused.json")));
  }
};

RefusedRun& refused() {
  static RefusedRun r;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(response_samples)

BOOST_AUTO_TEST_CASE(each_refusal_keeps_its_first_answer_in_the_json_report) {
  auto& r = refused();
  BOOST_TEST(r.result.exit_code == 1, r.result.err);
  const auto& secure = case_named(r.report, "response_time:GET:/secure").at("metrics").as_object();
  const auto& samples = secure.at("samples").as_array();
  BOOST_REQUIRE_EQUAL(samples.size(), 1u);
  const auto& s = samples[0].as_object();
  BOOST_TEST(s.at("key").as_string() == "401");
  BOOST_TEST(s.at("status").as_int64() == 401);
  BOOST_TEST(s.at("status_line").as_string() == "HTTP/1.1 401 Unauthorized");
  BOOST_TEST(s.at("body").as_string() == R"({"error":"credentials required"})");
  BOOST_TEST(s.at("headers").at("WWW-Authenticate").as_string() == "Bearer");
  BOOST_TEST(s.at("request").as_string() == "GET /secure");
  // Every request got the same answer; the one sample stands for all of them.
  BOOST_TEST(secure.at("status_codes").at("401").as_int64() ==
             secure.at("total_requests").as_int64());

  const auto& item = case_named(r.report, "response_time:GET:/items/{id}").at("metrics");
  BOOST_TEST(item.at("samples").at(0).at("key").as_string() == "404");
  BOOST_TEST(item.at("samples").at(0).at("body").as_string().find("no such item") !=
             std::string::npos);
  // A case whose every answer was 2xx keeps none.
  BOOST_TEST(case_named(r.report, "response_time:GET:/fast")
                 .at("metrics")
                 .at("samples")
                 .as_array()
                 .empty());
  const auto schema = perf::test::source_dir() + "/docs/result-schema.json";
  const auto valid =
      run({"/usr/bin/python3", perf::test::source_dir() + "/tests/tools/validate_json.py", schema,
           out("refused.json")});
  BOOST_TEST(valid.exit_code == 0, valid.out + valid.err);
}

BOOST_AUTO_TEST_CASE(the_console_shows_each_answer_under_its_case) {
  auto& r = refused();
  const auto& secure = case_named(r.report, "response_time:GET:/secure").at("metrics");
  const std::string line = "401 \u00d7" + std::to_string(secure.at("total_requests").as_int64()) +
                           R"(, e.g. {"error":"credentials required"} (GET /secure))";
  BOOST_TEST(r.result.out.find(line) != std::string::npos, r.result.out);
}

BOOST_AUTO_TEST_CASE(the_html_report_shows_each_answer_escaped) {
  refused();  // the run that writes it (when this case runs alone)
  const auto html = slurp(out("refused.html"));
  BOOST_TEST(html.find("<table class=\"samples\">") != std::string::npos);
  BOOST_TEST(html.find("HTTP/1.1 401 Unauthorized") != std::string::npos);
  BOOST_TEST(html.find("{&quot;error&quot;:&quot;credentials required&quot;}") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(timeouts_are_timed_apart_and_never_shown_as_instant) {
  perf::test::Server demo{{perf::test::demo_api(), "--port", "0"}};
  // /slow answers in 200 ms; a 50 ms timeout fails every request of the case.
  const auto result =
      run({perf::test::perf_agent(), "run", "--spec",
           perf::test::source_dir() + "/examples/demo-api/openapi.yaml", "--target", demo.url(),
           "--tests", "response_time", "--include-path", "/slow", "--timeout", "0.05", "--report",
           "json:" + out("timeouts.json"), "--report", "console"});
  // Exit code 3: every request failed, the target looks unreachable.
  BOOST_TEST(result.exit_code == 3, result.err);
  const auto report = json::parse(slurp(out("timeouts.json")));
  const auto& c = case_named(report, "response_time:GET:/slow");
  const auto& m = c.at("metrics").as_object();
  const auto timeouts = m.at("errors").at("request_timeout").as_int64();
  BOOST_TEST(timeouts >= 10);
  const auto& failed = m.at("error_latency").as_object();
  BOOST_TEST(failed.at("count").as_int64() == timeouts);
  BOOST_TEST(failed.at("min").to_number<double>() >= 50.0);
  BOOST_TEST(failed.at("max").to_number<double>() < 200.0);
  BOOST_TEST(m.at("samples").at(0).at("key").as_string() == "request_timeout");
  BOOST_TEST(m.at("samples").at(0).at("detail").as_string() ==
             "no complete response within the timeout (50 ms)");
  // No latency finding from no answers, and the latency cells read "—".
  for (const auto& f : c.at("findings").as_array()) BOOST_TEST(f.at("id").as_string() != "p95_ms");
  std::istringstream lines(result.out);
  std::string line;
  bool seen = false;
  while (std::getline(lines, line))
    if (line.find("response_time:GET:/slow") != std::string::npos) {
      seen = true;
      // Six latency columns (avg p50 p90 p95 p99 max), each "—"; no " 0.00 " among them.
      std::size_t dashes = 0;
      for (auto at = line.find("\u2014"); at != std::string::npos; at = line.find("\u2014", at + 1))
        ++dashes;
      BOOST_TEST(dashes == 6u, line);
      BOOST_TEST(line.find(" 0.00 ") == std::string::npos, line);
    }
  BOOST_TEST(seen, result.out);
  BOOST_TEST(result.out.find("request_timeout \u00d7") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
