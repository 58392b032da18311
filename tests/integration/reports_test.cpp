#define BOOST_TEST_MODULE reports
#include "perf/util/markup.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace json = boost::json;
namespace fs = std::filesystem;
using perf::test::run;
using perf::test::slurp;

namespace {

const std::string python = "/usr/bin/python3";  // Debian's, which has jsonschema and junitparser

std::string out(const std::string& name) {
  return perf::test::temp_dir() + "/" + name;
}

// One run against the demo API shared by the report tests: response_time on three operations,
// one of which fails its p95 threshold (/slow answers in 200 ms, the threshold is 50 ms).
struct DemoRun {
  perf::test::Server demo{{perf::test::demo_api(), "--port", "0"}};
  perf::test::CommandResult result;
  DemoRun() {
    result = run({perf::test::perf_agent(),
                  "run",
                  "--spec",
                  perf::test::source_dir() + "/examples/demo-api/openapi.yaml",
                  "--target",
                  demo.url(),
                  "--tests",
                  "response_time,load",
                  "--include-path",
                  "/fast",
                  "--include-path",
                  "/slow",
                  "--include-path",
                  "/cached",
                  "--pattern",
                  "light_load",
                  "--time-scale",
                  "0.02",
                  "--config",
                  out("config.json"),
                  "--report",
                  "json:" + out("r.json"),
                  "--report",
                  "junit:" + out("junit.xml"),
                  "--report",
                  "html:" + out("report.html"),
                  "--quiet"});
  }
};

DemoRun& demo_run() {
  static bool written = [] {
    std::ofstream(out("config.json")) << R"({"performance_response_threshold": 50})";
    return true;
  }();
  (void)written;
  static DemoRun r;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reports)

BOOST_AUTO_TEST_CASE(a_failed_verdict_exits_1_and_every_report_is_written) {
  const auto& r = demo_run().result;
  BOOST_TEST(r.exit_code == 1, r.err);
  for (const char* f : {"r.json", "junit.xml", "report.html"}) BOOST_TEST(fs::exists(out(f)), f);
}

BOOST_AUTO_TEST_CASE(the_json_report_validates_against_the_published_schema) {
  demo_run();
  const auto v = run({python, perf::test::source_dir() + "/tests/tools/validate_json.py",
                      perf::test::source_dir() + "/docs/result-schema.json", out("r.json")});
  BOOST_TEST(v.exit_code == 0, v.out << v.err);
}

BOOST_AUTO_TEST_CASE(junit_is_valid_for_the_xsd_and_read_back_by_junitparser) {
  demo_run();
  const auto lint = run({"/usr/bin/xmllint", "--noout", "--schema",
                         perf::test::shared_dir() + "/schemas/junit-10.xsd", out("junit.xml")});
  BOOST_TEST(lint.exit_code == 0, lint.err);
  const auto read =
      run({python, perf::test::source_dir() + "/tests/tools/read_junit.py", out("junit.xml")});
  BOOST_REQUIRE_EQUAL(read.exit_code, 0);
  BOOST_TEST(
      read.out.find("response_time\tresponse_time:GET:/slow\tfailure\t") != std::string::npos,
      read.out);
  BOOST_TEST(read.out.find("response_time\tresponse_time:GET:/fast\tpassed") != std::string::npos,
             read.out);
  BOOST_TEST(read.out.find("load_test\tload_test:GET:/fast:light_load\t") != std::string::npos,
             read.out);
  // The failure lists the failed check with actual and expected values.
  const auto xml = slurp(out("junit.xml"));
  BOOST_TEST(xml.find("p95_response_time: actual 2") != std::string::npos);
  BOOST_TEST(xml.find("expected less_than 50.000") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(junit_failure_counts_equal_the_failed_cases) {
  demo_run();
  // /slow (200 ms) fails the 50 ms threshold once as response_time and once as load_test;
  // /fast and /cached pass.
  std::map<std::string, int> failed;
  const auto report = json::parse(slurp(out("r.json")));
  for (const auto& c : report.at("test_cases").as_array())
    if (c.at("verdict").as_string() == "failed")
      ++failed[std::string(c.at("test_type").as_string())];
  BOOST_TEST(failed["response_time"] == 1);
  BOOST_TEST(failed["load_test"] == 1);
  const auto xml = slurp(out("junit.xml"));
  auto failures_of = [&](const std::string& element) -> int {
    std::smatch m;
    if (!std::regex_search(xml, m, std::regex(element + R"re([^>]*\sfailures="([0-9]+)")re"))) {
      BOOST_ERROR("no " << element << " with a failures attribute in " << xml);
      return -1;
    }
    return std::stoi(m[1]);
  };
  BOOST_TEST(failures_of("<testsuites") == 2);
  BOOST_TEST(failures_of(R"(<testsuite name="response_time")") == 1);
  BOOST_TEST(failures_of(R"(<testsuite name="load_test")") == 1);
}

BOOST_AUTO_TEST_CASE(the_html_report_is_self_contained_and_renders_without_console_errors) {
  demo_run();
  const auto html = slurp(out("report.html"));
  // Nothing is fetched: no linked or embedded resource by URL (the target URL appears as text).
  for (const char* reference :
       {"src=", "href=\"http", "href=\"//", "url(", "@import", "<link", "<script", "xmlns="})
    BOOST_TEST(html.find(reference) == std::string::npos, reference);
  BOOST_TEST(html.find("<svg") != std::string::npos);
  BOOST_TEST(html.find("response_time:GET:/slow") != std::string::npos);
  if (!fs::exists("/usr/bin/chromium")) {
    BOOST_FAIL("chromium is not installed (scripts/setup.sh installs it)");
    return;
  }
  const auto profile = out("chromium-profile");
  const auto shot = out("report.png");
  const auto c =
      run({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
           "--window-size=1280,1600", "--screenshot=" + shot, "file://" + out("report.html")},
          {}, std::chrono::seconds(90));
  BOOST_TEST(c.exit_code == 0, c.err);
  BOOST_TEST(fs::exists(shot));
  BOOST_TEST(fs::file_size(shot) > 10000u);
  BOOST_TEST(c.err.find("CONSOLE") == std::string::npos, c.err);
}

BOOST_AUTO_TEST_CASE(the_html_report_opens_with_counts_what_failed_and_why) {
  demo_run();
  const auto html = slurp(out("report.html"));
  const auto doc = json::parse(slurp(out("r.json"))).as_object();
  const auto first = html.find("<h2>What to look at first</h2>");
  const auto table = html.find("<h2>Cases</h2>");
  BOOST_TEST_REQUIRE(first != std::string::npos);
  BOOST_TEST(first < table);
  // Counts by verdict before everything else, as the JSON has them.
  std::map<std::string, int> counts;
  for (const auto& c : doc.at("test_cases").as_array())
    ++counts[std::string(c.at("verdict").as_string())];
  BOOST_TEST_REQUIRE(counts["failed"] > 0);
  const auto counts_line = html.substr(html.find("<p class=\"counts\">"), 400);
  BOOST_TEST(counts_line.find(std::to_string(counts["failed"]) + " failed") != std::string::npos,
             counts_line);
  // Each failed case is listed there with its reason; every case's reason is in the table,
  // passed ones included.
  const std::string head = html.substr(first, table - first);
  for (const auto& c : doc.at("test_cases").as_array()) {
    const std::string id(c.at("id").as_string()), reason(c.at("reason").as_string());
    const std::string escaped = perf::util::escape_markup(reason);
    if (c.at("verdict").as_string() == "failed")
      BOOST_TEST(head.find(id + "</a>: " + escaped) != std::string::npos, id);
    if (!reason.empty())
      BOOST_TEST(html.find("<td class=\"why\">" + escaped + "</td>", table) != std::string::npos,
                 id);
  }
  BOOST_TEST(head.find("p95 latency by case") != std::string::npos);
  BOOST_TEST(head.find("Throughput by case") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_reporter_plugin_receives_each_second_while_the_run_goes_on) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string live = perf::test::temp_dir() + "/live.ndjson";
  perf::test::Process agent({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast",
                             "--users", "2", "--duration", "4", "--report", "ndjson:" + live});
  // The first per-second progress line: reporters are served before the progress display.
  BOOST_REQUIRE(agent.wait_for_stderr("req/s"));
  const bool still_running = agent.running();
  auto lines_of = [&] {
    std::vector<json::object> lines;
    std::ifstream in(live);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line).as_object());
    return lines;
  };
  const auto early = lines_of();
  BOOST_TEST(still_running);
  BOOST_REQUIRE(early.size() >= 2u);
  BOOST_TEST(early[0].at("type").as_string() == "begin");
  BOOST_TEST(early[1].at("type").as_string() == "interval");
  BOOST_TEST(early[1].at("case").as_string().find("load_test:GET:/fast") == 0u);
  BOOST_TEST(early[1].at("requests").to_number<double>() > 0);
  const auto done = agent.wait();
  BOOST_TEST(done.exit_code == 0, done.err);
  const auto all = lines_of();
  std::size_t intervals = 0;
  for (const auto& l : all) intervals += l.at("type").as_string() == "interval";
  BOOST_TEST(intervals >= 3u);
  BOOST_TEST(all[all.size() - 2].at("type").as_string() == "case_done");
  BOOST_TEST(all[all.size() - 2].at("verdict").as_string() == "passed");
  BOOST_TEST(all.back().at("type").as_string() == "end");
  BOOST_TEST(all.back().at("exit_code").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(thresholds_decide_the_exit_code) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string agent = perf::test::perf_agent();
  auto quick = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {
        agent, "run",     "--target", demo.url() + "/fast",   "--users", "2", "--duration",
        "1",   "--quiet", "--report", "json:" + out("t.json")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
  };
  auto passing =
      quick({"--threshold", "http_req_duration: p(95)<1000", "--threshold",
             "http_req_failed: rate<0.01", "--threshold", "http_reqs{endpoint:/fast}: rate>10"});
  BOOST_TEST(passing.exit_code == 0, passing.err);
  auto failing = quick({"--threshold", "http_req_duration: p(95)<0.001"});
  BOOST_TEST(failing.exit_code == 1);
  const auto report = json::parse(slurp(out("t.json")));
  BOOST_TEST(report.at("failed_thresholds")
                 .at(0)
                 .as_string()
                 .starts_with("http_req_duration: p(95)<0.001 (actual"));
  auto unmatched = quick({"--threshold", "http_reqs{endpoint:/nope}: count>0"});
  BOOST_TEST(unmatched.exit_code == 1);  // cannot decide is not a pass
  for (const char* bad :
       {"http_req_duration p(95)<5", "http_req_duration: p(95)<<5", "latency: avg<5",
        "http_req_failed: p(95)<1", "http_req_duration{color:red}: avg<5"}) {
    auto r = quick({"--threshold", bad});
    BOOST_TEST(r.exit_code == 2, bad);
    BOOST_TEST(r.err.find(bad) != std::string::npos, r.err);
  }
}

BOOST_AUTO_TEST_CASE(abort_on_fail_stops_the_run_early_and_exits_1) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto started = std::chrono::steady_clock::now();
  const auto r =
      run({perf::test::perf_agent(), "run", "--target", demo.url() + "/slow", "--users", "2",
           "--duration", "30", "--quiet", "--threshold", "http_req_duration: p(95)<100 abortOnFail",
           "--report", "json:" + out("abort.json")});
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(took < 10.0);
  const auto report = json::parse(slurp(out("abort.json")));
  BOOST_TEST(report.at("failed_thresholds").at(0).as_string().starts_with("abortOnFail threshold"));
  BOOST_TEST(report.at("test_cases").at(0).at("metrics").at("total_requests").as_int64() > 0);
}

BOOST_AUTO_TEST_CASE(merge_adds_parts_exactly_and_rejudges) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  for (const char* part : {"part1.json", "part2.json"}) {
    const auto r =
        run({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast", "--users", "1",
             "--duration", "0.5", "--quiet", "--report", std::string("json:") + out(part)});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  }
  const auto a = json::parse(slurp(out("part1.json"))).at("test_cases").at(0).at("metrics");
  const auto b = json::parse(slurp(out("part2.json"))).at("test_cases").at(0).at("metrics");
  const auto m = run({perf::test::perf_agent(), "merge", out("part1.json"), out("part2.json"), "-o",
                      out("merged.json"), "--threshold", "http_reqs: count>0"});
  BOOST_TEST(m.exit_code == 0, m.err);
  const auto merged = json::parse(slurp(out("merged.json")));
  const auto& mm = merged.at("test_cases").at(0).at("metrics");
  BOOST_TEST(mm.at("total_requests").as_int64() ==
             a.at("total_requests").as_int64() + b.at("total_requests").as_int64());
  BOOST_TEST(mm.at("histogram").at("count").as_int64() ==
             a.at("histogram").at("count").as_int64() + b.at("histogram").at("count").as_int64());
  const auto v = run({python, perf::test::source_dir() + "/tests/tools/validate_json.py",
                      perf::test::source_dir() + "/docs/result-schema.json", out("merged.json")});
  BOOST_TEST(v.exit_code == 0, v.out);
  const auto strict =
      run({perf::test::perf_agent(), "merge", out("part1.json"), out("part2.json"), "-o",
           out("merged2.json"), "--threshold", "http_req_duration: max<0.0001"});
  BOOST_TEST(strict.exit_code == 1);
}

BOOST_AUTO_TEST_SUITE_END()
