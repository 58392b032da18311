// `perf-agent compare` and `perf-agent history` as users and CI scripts drive them: the real
// binary on result files recorded from the loopback delay server (tests/fixtures/compare), exit
// codes 0, 1 and 2, the JSON and HTML reports, and a history database in a temporary folder;
// and `run --baseline` against the delay server itself.
#define BOOST_TEST_MODULE compare_cli
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
namespace json = boost::json;
using perf::test::run;

namespace {

std::string fixture(const std::string& name) {
  return perf::test::source_dir() + "/tests/fixtures/compare/" + name;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(compare_cli)

BOOST_AUTO_TEST_CASE(a_3ms_slower_server_exceeds_max_change_p50_10_percent_and_exits_1) {
  const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                      fixture("ab-23ms.json"), "--max-change", "p50:10%"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("regression") != std::string::npos);
  BOOST_TEST(r.err.find("p50: +1") != std::string::npos);  // "+14.3 % exceeds ..."
  BOOST_TEST(r.err.find("exceeds --max-change 10 %") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_limit_above_the_change_holds_and_exits_0) {
  const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                      fixture("ab-23ms.json"), "--max-change", "p50:40"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.err.empty());
}

BOOST_AUTO_TEST_CASE(two_runs_of_the_same_server_pass_a_p50_limit_and_exit_0) {
  const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                      fixture("aa-20ms-2.json"), "--max-change", "p50:3%"});
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_with_one_line_naming_the_file_and_place) {
  const fs::path dir = perf::test::temp_dir();
  std::ofstream(dir / "not-a-result.json") << R"({"test_cases": {"id": 1}})";
  std::ofstream(dir / "broken.json") << R"({"test_cases": [)";
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::string>>{
           {(dir / "not-a-result.json").string(), "not-a-result.json: /test_cases:"},
           {(dir / "broken.json").string(), "broken.json:"},
           {(dir / "missing.json").string(), "missing.json: cannot read"}}) {
    const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"), file});
    BOOST_TEST(r.exit_code == 2, file);
    BOOST_TEST(r.err.find(expected) != std::string::npos, r.err);
    BOOST_TEST(lines(r.err) == 1, r.err);
  }
  const auto limit = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                          fixture("ab-23ms.json"), "--max-change", "latency:10"});
  BOOST_TEST(limit.exit_code == 2);
  BOOST_TEST(limit.err.find("--max-change 'latency:10'") != std::string::npos);
  const auto one = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json")});
  BOOST_TEST(one.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(the_json_report_holds_every_case_and_metric_with_its_interval) {
  const fs::path out = fs::path(perf::test::temp_dir()) / "comparison.json";
  const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                      fixture("ab-23ms.json"), "--report", "json:" + out.string()});
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  BOOST_TEST(r.out.empty());  // only the file asked for
  const auto doc = json::parse(read(out));
  const auto& cases = doc.at("cases").as_array();
  BOOST_TEST(cases.size() == 20u);
  for (const auto& c : cases) {
    const auto& metrics = c.at("metrics").as_array();
    BOOST_TEST_REQUIRE(metrics.size() == 6u);
    const auto& p50 = metrics[0].as_object();
    BOOST_TEST(p50.at("metric").as_string() == "p50");
    BOOST_TEST(p50.at("ci_low").to_number<double>() <= p50.at("change").to_number<double>());
    BOOST_TEST(p50.at("change").to_number<double>() <= p50.at("ci_high").to_number<double>());
  }
  BOOST_TEST(doc.at("min_effect").at("p50").to_number<double>() == 3.0);
  BOOST_TEST(doc.at("min_effect").at("p95").to_number<double>() == 10.0);
  BOOST_TEST(doc.at("min_effect").at("error_rate").to_number<double>() == 0.1);
}

BOOST_AUTO_TEST_CASE(the_html_report_is_one_offline_page_with_both_runs_drawn) {
  const fs::path out = fs::path(perf::test::temp_dir()) / "comparison.html";
  const auto r = run({perf::test::perf_agent(), "compare", fixture("aa-20ms-1.json"),
                      fixture("ab-23ms.json"), "--report", "html:" + out.string()});
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  const auto page = read(out);
  BOOST_TEST(page.find("<svg") != std::string::npos);
  BOOST_TEST(page.find("Latency distribution") != std::string::npos);
  BOOST_TEST(page.find("p95 per second") != std::string::npos);
  BOOST_TEST(page.find("http://") == std::string::npos);  // no script or style from elsewhere
  BOOST_TEST(page.find("<script") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_imports_results_once_and_lists_runs_of_a_case) {
  const fs::path db = fs::path(perf::test::temp_dir()) / "h" / "history.db";
  const auto imported =
      run({perf::test::perf_agent(), "history", "import", fixture("aa-20ms-1.json"),
           fixture("ab-23ms.json"), "--db", db.string()});
  BOOST_TEST_REQUIRE(imported.exit_code == 0, imported.err);
  BOOST_TEST(imported.err.find("stored as run") != std::string::npos);
  const auto again = run({perf::test::perf_agent(), "history", "import", fixture("ab-23ms.json"),
                          "--db", db.string()});
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.err.find("already in the history") != std::string::npos);

  const fs::path page = fs::path(perf::test::temp_dir()) / "trend.html";
  const auto listed = run({perf::test::perf_agent(), "history", "--db", db.string(), "--case",
                           "load_test:GET:/r01:custom", "--metric", "p50", "--json", "--report",
                           "html:" + page.string()});
  BOOST_TEST_REQUIRE(listed.exit_code == 0, listed.err);
  const auto doc = json::parse(listed.out);
  const auto& c = doc.at("cases").as_array().at(0).as_object();
  const auto& runs = c.at("runs").as_array();
  BOOST_TEST_REQUIRE(runs.size() == 2u);
  // Numbered by start time: ab-23ms's first case started before aa-20ms-1's (record.sh order).
  BOOST_TEST(runs[0].at("run").to_number<int>() == 1);
  BOOST_TEST(runs[0].at("started_unix_ms").to_number<std::int64_t>() <=
             runs[1].at("started_unix_ms").to_number<std::int64_t>());
  BOOST_TEST(c.at("change_points").as_array().empty());  // two runs cannot show a level change
  BOOST_TEST(read(page).find("<svg") != std::string::npos);

  const auto unknown =
      run({perf::test::perf_agent(), "history", "--db", db.string(), "--case", "no-such-case"});
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find("no-such-case") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    run_with_a_baseline_puts_the_comparison_in_every_report_and_max_change_fails_it) {
  // The baseline's case r01 was recorded at 20 ms; this run of the same case answers after 23:
  // +15 % on p50, beyond --max-change p50:5%, so the run fails as on a threshold.
  perf::test::Server server(
      {PERF_AGENT_BINARY_DIR "/tests/servers/perf-delay-server", "--delay-ms", "23"});
  const fs::path dir = perf::test::temp_dir();
  const auto r = run({perf::test::perf_agent(),
                      "run",
                      "--spec",
                      fixture("twenty-paths.json"),
                      "--operation-id",
                      "r01",
                      "--target",
                      server.url(),
                      "--tests",
                      "load_test",
                      "--pattern",
                      "light_load",
                      "--users",
                      "4",
                      "--duration",
                      "6",
                      "--ramp-up",
                      "0",
                      "--think-time",
                      "0",
                      "-q",
                      "--baseline",
                      fixture("aa-20ms-1.json"),
                      "--max-change",
                      "p50:5%",
                      "--report",
                      "console",
                      "--report",
                      "json:" + (dir / "run.json").string(),
                      "--report",
                      "html:" + (dir / "run.html").string()},
                     {}, std::chrono::seconds(60));
  BOOST_TEST_REQUIRE(r.exit_code == 1, r.err);
  BOOST_TEST(r.out.find("compared with " + fixture("aa-20ms-1.json")) != std::string::npos, r.out);
  BOOST_TEST(r.out.find("regression against the baseline: load_test:GET:/r01:custom p50: +1") !=
                 std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("regression  load_test:GET:/r01:custom p50 +1") != std::string::npos);
  const auto doc = json::parse(read(dir / "run.json"));
  const auto& comparison = doc.at("comparison").as_object();
  const auto& cases = comparison.at("cases").as_array();
  BOOST_TEST_REQUIRE(cases.size() == 1u);
  const auto& p50 = cases[0].at("metrics").as_array()[0].as_object();
  BOOST_TEST(p50.at("verdict").as_string() == "regression");
  // The statistics' accuracy is checked offline on recorded runs (unit_compare); a live run on a
  // shared machine only has to come out a regression, 3 ms on 20 being far beyond the noise.
  BOOST_TEST(p50.at("change").to_number<double>() > 3.0);
  BOOST_TEST(comparison.at("only_in_base").as_array().size() == 19u);
  BOOST_TEST(read(dir / "run.html").find("Compared with the baseline") != std::string::npos);
  const auto valid =
      run({"/usr/bin/python3", perf::test::source_dir() + "/tests/tools/validate_json.py",
           perf::test::source_dir() + "/docs/result-schema.json", (dir / "run.json").string()});
  BOOST_TEST(valid.exit_code == 0, valid.out);
}

BOOST_AUTO_TEST_CASE(max_change_without_a_baseline_exits_2_before_any_load) {
  const auto r = run({perf::test::perf_agent(), "run", "--target", "http://127.0.0.1:9",
                      "--max-change", "p95:10%"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("--max-change and --min-effect compare with a baseline") != std::string::npos,
      r.err);
}

BOOST_AUTO_TEST_CASE(run_with_an_unreadable_baseline_exits_2_before_any_load) {
  const auto r = run({perf::test::perf_agent(), "run", "--target", "http://127.0.0.1:9",
                      "--baseline", "/nonexistent/base.json"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("/nonexistent/base.json: cannot read") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
