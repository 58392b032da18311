#define BOOST_TEST_MODULE export
// perf-agent export (DESIGN §10.5), proved by running what it writes: Artillery (npm, pinned in
// tests/fixtures/artillery) and Debian's JMeter 2.13 (through tests/tools/jmeter-launcher) run
// the exported scripts against the demo API; the k6 script passes `node --check` and its
// default function runs once under a stand-in for the k6 modules (tests/tools/k6-stand-in), as
// k6 itself is not installable here.
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
namespace json = boost::json;
using perf::test::run;

namespace {

std::string demo_spec() {
  return perf::test::source_dir() + "/examples/demo-api/openapi.yaml";
}
std::string demo_config() {
  return perf::test::source_dir() + "/examples/demo-api/perf-agent.yaml";
}
std::string demo_items() {
  return perf::test::source_dir() + "/examples/demo-api/items.csv";
}

// perf-agent export with these arguments into DIR/NAME; the result of the command.
perf::test::CommandResult export_to(const std::string& path, std::vector<std::string> args) {
  std::vector<std::string> argv{perf::test::perf_agent(), "export", "-o", path};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

// The demo config's login flow (POST /login, then GET /me with its token) for one user.
std::vector<std::string> login_flow(const std::string& format, const std::string& target,
                                    const std::string& seconds) {
  return {"--format",
          format,
          "--spec",
          demo_spec(),
          "--config",
          demo_config(),
          "--flow",
          "login_and_read_me",
          "--tests",
          "load",
          "--allow-unsafe-methods",
          "--target",
          target,
          "--users",
          "1",
          "--duration",
          seconds,
          "--ramp-up",
          "0",
          "--think-time",
          "0"};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The stderr lines listing what was not carried over, each also in the script.
void not_carried_is_in_the_file(const perf::test::CommandResult& r, const std::string& script) {
  const std::string prefix = "perf-agent: export: not carried over: ";
  const auto text = perf::test::slurp(script);
  for (const auto& line : lines_of(r.err))
    if (line.starts_with(prefix))
      BOOST_TEST(text.find(line.substr(prefix.size())) != std::string::npos, line);
}

std::string artillery() {
  return perf::test::source_dir() + "/tests/fixtures/artillery/node_modules/.bin/artillery";
}

// Runs an Artillery script; its JSON report's aggregate counters.
json::object run_artillery(const std::string& script, const std::vector<std::string>& more = {}) {
  const auto report = script + ".report.json";
  std::vector<std::string> argv{artillery(), "run", "--output", report};
  argv.insert(argv.end(), more.begin(), more.end());
  argv.push_back(script);
  // No telemetry: the test talks to 127.0.0.1 only.
  const auto r =
      run(argv, {"ARTILLERY_DISABLE_TELEMETRY=true", "PERF_AGENT_BEARER_TOKEN=demo-token"},
          std::chrono::seconds(120));
  BOOST_TEST_MESSAGE(r.out.substr(r.out.size() > 1500 ? r.out.size() - 1500 : 0));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "artillery exit " << r.exit_code << ": " << r.err);
  return json::parse(perf::test::slurp(report)).at("aggregate").at("counters").as_object();
}

std::uint64_t counter(const json::object& counters, const std::string& name) {
  const auto* v = counters.if_contains(name);
  return v ? v->to_number<std::uint64_t>() : 0;
}

// JMeter 2.13 as Debian ships it refuses every plan under its XStream; the launcher (compiled
// here from tests/tools/jmeter-launcher) allows JMeter's own classes and then starts JMeter.
std::string jmeter_launcher_dir() {
  const auto dir = fs::path(perf::test::temp_dir()) / "jmeter-launcher";
  if (!fs::exists(dir / "JMeterLauncher.class")) {
    fs::create_directories(dir);
    const auto r =
        run({"javac", "-d", dir.string(),
             perf::test::source_dir() + "/tests/tools/jmeter-launcher/JMeterLauncher.java"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "javac: " << r.err);
  }
  return dir.string();
}

struct JtlRow {
  std::string label, code, success, thread;
  long long started_ms = 0;
};

// Runs a .jmx non-GUI; the rows of its CSV results (.jtl).
std::vector<JtlRow> run_jmeter(const std::string& jmx, const std::vector<std::string>& more = {}) {
  const auto jtl = jmx + ".jtl";
  std::vector<std::string> argv{"java", "-Djmeter.home=/usr/share/jmeter", "-cp",
                                "/usr/share/jmeter/bin/ApacheJMeter.jar:" + jmeter_launcher_dir(),
                                "JMeterLauncher", "-n", "-t", jmx, "-l", jtl, "-j", jmx + ".log",
                                "-Jjmeter.save.saveservice.output_format=csv",
                                // Tabs: a transaction's response message holds commas.
                                "-Jjmeter.save.saveservice.default_delimiter=\\t",
                                "-Jjmeter.save.saveservice.print_field_names=true"};
  argv.insert(argv.end(), more.begin(), more.end());
  const auto r = run(argv, {}, std::chrono::seconds(120));
  BOOST_TEST_MESSAGE(r.out);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0 && r.out.find("end of run") != std::string::npos,
                        "jmeter exit " << r.exit_code << ": " << r.out << r.err);
  const auto rows = lines_of(perf::test::slurp(jtl));
  BOOST_REQUIRE_MESSAGE(rows.size() > 1, "no samples in " << jtl);
  // Columns by name from the header line.
  std::vector<std::string> header;
  std::istringstream h(rows[0]);
  for (std::string f; std::getline(h, f, '\t');) header.push_back(f);
  auto column = [&](const char* name) {
    const auto at = std::find(header.begin(), header.end(), name);
    BOOST_REQUIRE(at != header.end());
    return std::size_t(at - header.begin());
  };
  const auto label = column("label"), code = column("responseCode"), success = column("success"),
             thread = column("threadName"), started = column("timeStamp");
  std::vector<JtlRow> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> f;
    std::istringstream in(rows[i]);
    for (std::string v; std::getline(in, v, '\t');) f.push_back(v);
    BOOST_REQUIRE(f.size() > std::max({success, thread, started}));
    out.push_back({f[label], f[code], f[success], f[thread], std::stoll(f[started])});
  }
  return out;
}

// Exported k6 modules import 'k6' and 'k6/http': beside the script, node_modules/k6 is the
// stand-in.
json::object run_k6_default(const std::string& script) {
  const auto dir = fs::path(script).parent_path();
  fs::create_directories(dir / "node_modules");
  if (!fs::exists(dir / "node_modules/k6"))
    fs::create_directory_symlink(perf::test::source_dir() + "/tests/tools/k6-stand-in",
                                 dir / "node_modules/k6");
  const auto r =
      run({"node", perf::test::source_dir() + "/tests/tools/k6-stand-in/run_default.mjs", script},
          {"PERF_AGENT_BEARER_TOKEN=demo-token"}, std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "node: " << r.err);
  return json::parse(r.out).as_object();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(export_scripts)

BOOST_AUTO_TEST_CASE(bad_format_or_missing_output_is_one_line_and_exit_2) {
  const auto dir = perf::test::temp_dir();
  auto r = export_to(dir + "/x.js", {"--format", "gatling", "--spec", demo_spec()});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
  BOOST_TEST(r.err.find("gatling") != std::string::npos);
  r = run({perf::test::perf_agent(), "export", "--format", "k6", "--spec", demo_spec()});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("-o FILE") != std::string::npos, r.err);
  r = export_to(dir + "/x.js", {"--format", "k6", "--plan", dir + "/missing-plan.json"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(lines_of(r.err).size() == 1u, r.err);
}

BOOST_AUTO_TEST_CASE(k6_script_is_a_valid_module_whose_default_function_sends_every_case) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = perf::test::temp_dir() + "/k6";
  fs::create_directories(dir);
  const auto script = dir + "/script.mjs";
  // Items with real ids from --data, a POST with a body, a bearer-protected endpoint.
  const auto r = export_to(script, {"--format",
                                    "k6",
                                    "--spec",
                                    demo_spec(),
                                    "--target",
                                    demo.url(),
                                    "--tests",
                                    "load,spike",
                                    "--pattern",
                                    "light_load",
                                    "--include-path",
                                    "/items/{id}",
                                    "--include-path",
                                    "/login",
                                    "--include-path",
                                    "/secure",
                                    "--allow-unsafe-methods",
                                    "--data",
                                    demo_items(),
                                    "--bearer-token",
                                    "not-written",
                                    "--time-scale",
                                    "0.1",
                                    "--threshold",
                                    "http_req_duration: p(99)<1500"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto text = perf::test::slurp(script);
  BOOST_TEST(text.find("not-written") == std::string::npos);  // credentials stay out
  BOOST_TEST(text.find("__ENV.PERF_AGENT_BEARER_TOKEN") != std::string::npos);
  not_carried_is_in_the_file(r, script);
  const auto check = run({"node", "--check", script});
  BOOST_REQUIRE_MESSAGE(check.exit_code == 0, check.err);

  const auto result = run_k6_default(script);
  const auto& requests = result.at("requests").as_array();
  // Two test types over three operations: six cases, each sent once.
  BOOST_TEST(result.at("scenarios").as_array().size() == 6u);
  BOOST_TEST(requests.size() == 6u);
  for (const auto& q : requests) {
    const auto status = q.at("status").to_number<int>();
    BOOST_TEST((status >= 200 && status < 300), json::serialize(q));
  }
  // Thresholds per scenario, in k6's own words; --threshold added to each case.
  const auto& thresholds = result.at("thresholds").as_object();
  const auto* first = thresholds.if_contains("http_req_duration{scenario:case_1}");
  BOOST_REQUIRE(first);
  BOOST_TEST(json::serialize(*first).find("p(99)<1500") != std::string::npos);
  BOOST_TEST(thresholds.contains("http_req_failed{scenario:case_1}"));
}

BOOST_AUTO_TEST_CASE(k6_flow_carries_the_login_token_to_the_next_step) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = perf::test::temp_dir() + "/k6-flow";
  fs::create_directories(dir);
  const auto script = dir + "/flow.mjs";
  const auto r = export_to(script, login_flow("k6", demo.url(), "1"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(perf::test::slurp(script).find("group(\"login_and_read_me\"") != std::string::npos);
  const auto result = run_k6_default(script);
  const auto& requests = result.at("requests").as_array();
  BOOST_REQUIRE_EQUAL(requests.size(), 2u);
  BOOST_TEST(requests[0].at("url").as_string().ends_with("/login"));
  BOOST_TEST(requests[1].at("url").as_string().ends_with("/me"));
  BOOST_TEST(requests[1].at("status").to_number<int>() == 200);  // the token was carried
}

BOOST_AUTO_TEST_CASE(artillery_runs_the_exported_script_with_every_request_answered_2xx) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = perf::test::temp_dir() + "/artillery";
  fs::create_directories(dir);
  const auto script = dir + "/items.yml";
  // Real ids from --data become a CSV payload beside the script. Two cases: load_test (2 users
  // for 2 s) runs without -e, response_time (10 iterations) with -e case_2.
  const auto r =
      export_to(script, {"--format",       "artillery",   "--spec",       demo_spec(),
                         "--target",       demo.url(),    "--tests",      "load,response_time",
                         "--include-path", "/items/{id}", "--data",       demo_items(),
                         "--users",        "2",           "--duration",   "2",
                         "--ramp-up",      "0",           "--think-time", "0.5"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(fs::exists(dir + "/items.case_1.csv"));
  not_carried_is_in_the_file(r, script);
  auto counters = run_artillery(script);
  // 2 users, each 2 s / 0.5 s think time = 4 times: 8 requests, all 200, all case_1's.
  BOOST_TEST(counter(counters, "http.requests") == 8u);
  BOOST_TEST(counter(counters, "http.codes.200") == 8u);
  BOOST_TEST(counter(counters, "vusers.created_by_name.case_1") == 2u);
  BOOST_TEST(counter(counters, "vusers.failed") == 0u);
  counters = run_artillery(script, {"-e", "case_2"});
  BOOST_TEST(counter(counters, "http.requests") == 10u);
  BOOST_TEST(counter(counters, "http.codes.200") == 10u);
  BOOST_TEST(counter(counters, "vusers.created_by_name.case_2") == 1u);
}

BOOST_AUTO_TEST_CASE(artillery_flow_and_bearer_credential_from_the_environment) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = perf::test::temp_dir() + "/artillery-flow";
  fs::create_directories(dir);
  const auto script = dir + "/flow.yml";
  auto r = export_to(script, login_flow("artillery", demo.url(), "1"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto counters = run_artillery(script);
  BOOST_TEST(counter(counters, "http.requests") == 2u);  // login, then /me with its token
  BOOST_TEST(counter(counters, "http.codes.200") == 2u);

  const auto secure = dir + "/secure.yml";
  r = export_to(secure, {"--format", "artillery", "--spec", demo_spec(), "--include-path",
                         "/secure", "--tests", "response_time", "--target", demo.url(),
                         "--bearer-token", "not-written"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(perf::test::slurp(secure).find("not-written") == std::string::npos);
  counters = run_artillery(secure);  // PERF_AGENT_BEARER_TOKEN=demo-token in its environment
  BOOST_TEST(counter(counters, "http.requests") == 10u);  // response_time: 10 iterations
  BOOST_TEST(counter(counters, "http.codes.200") == 10u);
}

BOOST_AUTO_TEST_CASE(jmeter_runs_the_exported_plan_and_its_jtl_shows_every_sample_succeeded) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto dir = perf::test::temp_dir() + "/jmeter";
  fs::create_directories(dir);
  const auto jmx = dir + "/plan.jmx";
  // Two cases one after another, both over items by real id (a CSV Data Set each): load_test
  // (2 users for 3 s) and response_time (10 iterations of one user), which starts after it.
  auto r = export_to(jmx, {"--format",       "jmeter",      "--spec",       demo_spec(),
                           "--target",       demo.url(),    "--tests",      "load,response_time",
                           "--include-path", "/items/{id}", "--data",       demo_items(),
                           "--users",        "2",           "--duration",   "3",
                           "--ramp-up",      "0",           "--think-time", "0.2"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(fs::exists(dir + "/plan.case_1.csv"));
  BOOST_TEST(fs::exists(dir + "/plan.case_2.csv"));
  not_carried_is_in_the_file(r, jmx);
  auto rows = run_jmeter(jmx);
  std::vector<long long> load_starts, response_time_starts;
  for (const auto& row : rows) {
    BOOST_TEST(row.success == "true", row.label << " " << row.code);
    BOOST_TEST(row.code == "200");
    BOOST_TEST(row.label == "GET /items/{id}");
    (row.thread.starts_with("case_1") ? load_starts : response_time_starts)
        .push_back(row.started_ms);
  }
  BOOST_TEST(load_starts.size() >= 4u);
  BOOST_REQUIRE(response_time_starts.size() == 10u);  // its iterations exactly
  // The second case starts when the first has ended (its thread group's delay is the first
  // case's duration). A sample of the first whose think time (0.2 s, a timer before it) began
  // just before its end still runs: up to that much overlap.
  const auto second_starts =
      *std::min_element(response_time_starts.begin(), response_time_starts.end());
  const auto first_last = *std::max_element(load_starts.begin(), load_starts.end());
  BOOST_TEST(second_starts + 300 >= first_last, second_starts << " + 300 >= " << first_last);

  const auto flow = dir + "/flow.jmx";
  r = export_to(flow, login_flow("jmeter", demo.url(), "3"));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  rows = run_jmeter(flow);  // 3 s: JMeter's first request alone takes most of a second
  int me = 0;
  for (const auto& row : rows) {
    BOOST_TEST(row.success == "true", row.label << " " << row.code);
    me += row.label == "me" && row.code == "200";
  }
  BOOST_TEST(me > 0);  // the token extracted from /login's body reached /me
}

BOOST_AUTO_TEST_SUITE_END()
