#define BOOST_TEST_MODULE cli
#include "perf/api/version.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
namespace json = boost::json;
using perf::test::run;

namespace {

std::string demo_spec() {
  return perf::test::source_dir() + "/examples/demo-api/openapi.yaml";
}

json::value read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

json::value read_json_text(const std::string& text) {
  return json::parse(text);
}

int lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

const json::object* find_case(const json::value& report, const std::string& id) {
  for (const auto& c : report.at("test_cases").as_array())
    if (c.at("id").as_string() == id) return &c.as_object();
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(plugins_json_names_each_plugin_and_its_own_library) {
  const auto r = run({perf::test::perf_agent(), "plugins", "--json"});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const auto doc = json::parse(r.out);
  std::set<std::string> ids;
  for (const auto& p : doc.at("plugins").as_array()) {
    const std::string id(p.at("id").as_string());
    const std::string file(p.at("file").as_string());
    ids.insert(id);
    BOOST_TEST(fs::exists(file), file);
    // Files are named after the test type without "_test" (libperf-stress.so for stress_test).
    const std::string stem = id.ends_with("_test") ? id.substr(0, id.size() - 5) : id;
    BOOST_TEST(fs::path(file).filename().string().find(stem) != std::string::npos,
               id << " in " << file);
    BOOST_TEST(p.at("sdk").as_string() ==
               std::to_string(perf::api::sdk_major) + "." + std::to_string(perf::api::sdk_minor));
  }
  for (const char* id : {"response_time", "load_test", "console", "json"})
    BOOST_TEST(ids.count(id), id);
}

BOOST_AUTO_TEST_CASE(a_folder_of_broken_plugins_is_reported_and_the_bundled_ones_still_load) {
  const fs::path dir = fs::path(perf::test::temp_dir()) / "broken-plugins";
  fs::create_directories(dir);
  {
    std::ofstream garbage(dir / "librandom.so", std::ios::binary);
    std::mt19937 random(3);
    for (int i = 0; i < 8192; ++i) garbage.put(char(random()));
  }
  fs::copy_file(std::string(PERF_AGENT_TEST_PLUGIN_DIR) + "/bad/libnot_a_plugin.so",
                dir / "libnot_a_plugin.so", fs::copy_options::overwrite_existing);
  const auto r = run({perf::test::perf_agent(), "plugins", "--plugin-dir", dir.string()});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("librandom.so: not a shared library") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("libnot_a_plugin.so: no perf-agent entry point") != std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("load_test") != std::string::npos);
  // The same through the environment variable.
  const auto e = run({perf::test::perf_agent(), "plugins", "--json"},
                     {"PERF_AGENT_PLUGIN_PATH=" + dir.string()});
  BOOST_TEST(json::parse(e.out).at("problems").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line_and_exit_code_2) {
  const std::string agent = perf::test::perf_agent();
  const std::string unreadable = perf::test::temp_dir() + "/unreadable.yaml";
  std::ofstream(unreadable) << "openapi: 3.0.0\n";
  fs::permissions(unreadable, fs::perms::none);
  const std::string truncated = perf::test::temp_dir() + "/truncated.json";
  std::ofstream(truncated) << "{\"openapi\": \"3.0.0\", \"paths\": {";
  const std::vector<std::vector<std::string>> cases = {
      {agent, "run", "--spec", "/nonexistent/openapi.yaml"},
      {agent, "plan", "--spec", truncated},
      {agent, "run", "--spec", demo_spec(), "--tests", "warp_speed_test", "--target",
       "http://127.0.0.1:1"},
      {agent, "run", "--target", "localhost:8080"},
      {agent, "run", "--target", "http://127.0.0.1:1", "--report", "pdf"},
      {agent, "run", "--target", "http://127.0.0.1:1", "--users", "zero"},
      {agent, "run", "--bogus-flag"},
      {agent, "frobnicate"},
  };
  for (const auto& argv : cases) {
    const auto r = run(argv);
    BOOST_TEST_CONTEXT(argv[1] << " " << (argv.size() > 3 ? argv[3] : "")) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(lines(r.err) == 1, r.err);
      BOOST_TEST(r.err.rfind("perf-agent: ", 0) == 0, r.err);
    }
  }
  // Root can read anything; the unreadable case only means something for other users.
  if (geteuid() != 0) BOOST_TEST(run({agent, "plan", "--spec", unreadable}).exit_code == 2);
  const auto t = run({agent, "plan", "--spec", truncated});
  BOOST_TEST(t.err.find("truncated.json:1:") != std::string::npos, t.err);
}

BOOST_AUTO_TEST_CASE(every_shared_spec_plans_with_unsafe_methods_allowed) {
  std::ifstream manifest(perf::test::shared_dir() + "/specs/MANIFEST.tsv");
  std::string line;
  std::getline(manifest, line);
  int specs = 0;
  while (std::getline(manifest, line)) {
    std::stringstream fields(line);
    std::vector<std::string> f;
    for (std::string cell; std::getline(fields, cell, '\t');) f.push_back(cell);
    const std::string file = perf::test::shared_dir() + "/specs/" + f.at(0);
    const auto out = perf::test::temp_dir() + "/plan-" + std::to_string(++specs) + ".json";
    const auto r = run({perf::test::perf_agent(), "plan", "--spec", file, "--allow-unsafe-methods",
                        "--tests", "response_time", "-o", out, "--quiet"});
    BOOST_TEST_CONTEXT(f[0]) {
      BOOST_REQUIRE_EQUAL(r.exit_code, 0);
      const auto plan = read_json(out);
      const auto cases = plan.at("test_cases").as_array().size();
      if (std::stoul(f.at(7)) > 0)
        BOOST_TEST(cases == std::stoul(f.at(7)));
      else
        BOOST_TEST(!plan.at("note").as_string().empty());
    }
  }
  BOOST_TEST(specs >= 15);
}

BOOST_AUTO_TEST_CASE(unsafe_methods_are_skipped_by_default_and_listed) {
  const auto out = perf::test::temp_dir() + "/demo-plan.json";
  const auto r = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--tests",
                      "response_time", "-o", out});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const auto plan = read_json(out);
  bool upload_skipped = false;
  for (const auto& s : plan.at("skipped").as_array())
    if (s.at("path").as_string() == "/upload")
      upload_skipped =
          s.at("reason").as_string().find("--allow-unsafe-methods") != json::string::npos;
  BOOST_TEST(upload_skipped);
  for (const auto& c : plan.at("test_cases").as_array())
    BOOST_TEST(c.at("method").as_string() == "GET");
}

BOOST_AUTO_TEST_CASE(plan_and_run_say_how_long_the_plan_takes_before_any_load) {
  // The whole demo spec at full length: hours, mostly endurance; said with the way to shorten it.
  const auto out = perf::test::temp_dir() + "/whole-plan.json";
  const auto p = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "-o", out});
  BOOST_REQUIRE_EQUAL(p.exit_code, 0);
  BOOST_TEST(p.err.find("perf-agent: planned ") != std::string::npos, p.err);
  BOOST_TEST(p.err.find(", of which endurance_test ") != std::string::npos, p.err);
  BOOST_TEST(p.err.find("shorten with --tests or --time-scale") != std::string::npos, p.err);
  // A run prints it scaled before the first case, and each case the time left in all.
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto r = run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target",
                      demo.url(), "--tests", "load", "--include-path", "/fast", "--pattern",
                      "light_load", "--time-scale", "0.02"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  // light_load is 60 s; at 0.02 that is 1.2 s, shown rounded.
  BOOST_TEST(r.err.find("perf-agent: planned 1 s for 1 case") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("[1/1] load_test:GET:/fast:light_load  (1 s; about 1 s left in all)") !=
                 std::string::npos,
             r.err);
  BOOST_TEST(r.err.find("planned") < r.err.find("[1/1]"));
}

BOOST_AUTO_TEST_CASE(a_run_against_the_demo_api_writes_a_complete_json_report) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto report = perf::test::temp_dir() + "/e2e.json";
  const auto r =
      run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target", demo.url(),
           "--tests", "response_time,load", "--include-path", "/fast", "--include-path", "/slow",
           "--time-scale", "0.01", "--report", "json:" + report, "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto doc = read_json(report);
  BOOST_TEST(doc.at("tool").as_string().starts_with("perf-agent"));
  BOOST_TEST(doc.at("test_cases").as_array().size() ==
             2u + 2u * 3u);  // 2 baselines, 2 x 3 patterns
  const auto* fast = find_case(doc, "response_time:GET:/fast");
  BOOST_REQUIRE(fast);
  BOOST_TEST(fast->at("verdict").as_string() == "passed");
  BOOST_TEST(fast->at("metrics").at("total_requests").as_int64() == 10);
  BOOST_TEST(fast->at("metrics").at("status_codes").at("200").as_int64() == 10);
  const auto* slow = find_case(doc, "response_time:GET:/slow");
  BOOST_REQUIRE(slow);
  BOOST_TEST(slow->at("metrics").at("p50_response_time").to_number<double>() >= 200.0);
  const auto* load = find_case(doc, "load_test:GET:/fast:heavy_load");
  BOOST_REQUIRE(load);
  BOOST_TEST(load->at("metrics").at("throughput").to_number<double>() > 0);
  BOOST_TEST(!load->at("metrics").at("histogram").at("counts").as_array().empty());
  BOOST_TEST(load->at("performance_config").at("concurrent_users").as_int64() == 25);
}

BOOST_AUTO_TEST_CASE(quick_mode_loads_one_url_like_wrk) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto report = perf::test::temp_dir() + "/quick.json";
  const auto r = run({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast", "--users",
                      "4", "--duration", "1", "--threads", "1", "--report", "json:" + report});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("load_test:GET:/fast:custom") != std::string::npos, r.out);
  const auto doc = read_json(report);
  BOOST_REQUIRE(doc.at("test_cases").as_array().size() == 1u);
  const auto& m = doc.at("test_cases").at(0).at("metrics");
  BOOST_TEST(m.at("total_requests").as_int64() > 100);
  BOOST_TEST(m.at("duration_s").to_number<double>() >= 0.9);
}

BOOST_AUTO_TEST_CASE(stages_and_iterations_from_the_command_line) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto report = perf::test::temp_dir() + "/stages.json";
  auto r = run({perf::test::perf_agent(), "run", "--target", demo.url() + "/slow", "--stage",
                "2s:6", "--stage", "1s:0", "--quiet", "--report", "json:" + report});
  BOOST_TEST(r.exit_code == 0, r.err);
  auto doc = read_json(report);
  const auto& m = doc.at("test_cases").at(0).at("metrics");
  BOOST_TEST(m.at("duration_s").to_number<double>() >= 2.9);
  BOOST_TEST(m.at("duration_s").to_number<double>() < 4.0);
  const auto& intervals = m.at("intervals").as_array();
  BOOST_REQUIRE(intervals.size() >= 3u);
  BOOST_TEST(intervals[0].at("target").to_number<double>() <
             intervals[1].at("target").to_number<double>());  // ramping
  r = run({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast", "--users", "3",
           "--iterations", "7", "--quiet", "--report", "json:" + report});
  BOOST_TEST(r.exit_code == 0, r.err);
  doc = read_json(report);
  BOOST_TEST(doc.at("test_cases").at(0).at("metrics").at("total_requests").as_int64() == 7);
  const auto bad =
      run({perf::test::perf_agent(), "run", "--target", demo.url(), "--stage", "soon:5"});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("--stage 'soon:5'") != std::string::npos, bad.err);
}

BOOST_AUTO_TEST_CASE(ctrl_c_stops_reports_what_was_measured_and_exits_130) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto report = perf::test::temp_dir() + "/interrupted.json";
  perf::test::Process agent({perf::test::perf_agent(), "run", "--target", demo.url() + "/fast",
                             "--users", "2", "--duration", "60", "--report", "json:" + report});
  // Ctrl-C once the load visibly runs: the first per-second progress line ("... req/s ...").
  BOOST_REQUIRE_MESSAGE(agent.wait_for_stderr(" req/s"),
                        "no progress line: " << agent.err_so_far());
  const auto interrupted = std::chrono::steady_clock::now();
  agent.signal(SIGINT);
  const auto r = agent.wait(std::chrono::seconds(30));
  BOOST_TEST(r.exit_code == 130, r.err);
  const auto took_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  BOOST_TEST(took_s < 10.0);  // stops at once, not after the planned 60 s
  const auto doc = read_json(report);
  BOOST_TEST(doc.at("interrupted").as_bool());
  BOOST_TEST(doc.at("test_cases").at(0).at("metrics").at("total_requests").as_int64() > 10);
}

BOOST_AUTO_TEST_CASE(an_unreachable_target_exits_3) {
  const auto r = run({perf::test::perf_agent(), "run", "--target", "http://127.0.0.1:1/", "--users",
                      "1", "--duration", "0.5", "--quiet"});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("connect_refused") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(credentials_go_where_the_spec_says) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  auto secure = [&](std::vector<std::string> extra, std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {perf::test::perf_agent(),
                                     "run",
                                     "--spec",
                                     demo_spec(),
                                     "--target",
                                     demo.url(),
                                     "--tests",
                                     "response_time",
                                     "--operation-id",
                                     "getSecure",
                                     "--quiet",
                                     "--report",
                                     "json:" + perf::test::temp_dir() + "/secure.json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = run(argv, env);
    const auto doc = read_json(perf::test::temp_dir() + "/secure.json");
    return std::make_pair(r.exit_code, doc.at("test_cases").at(0).at("metrics").at("status_codes"));
  };
  auto [none, none_codes] = secure({});
  BOOST_TEST(none == 1);
  BOOST_TEST(none_codes.as_object().contains("401"));
  auto [bearer, bearer_codes] = secure({"--bearer-token", "demo-token"});
  BOOST_TEST(bearer == 0);
  BOOST_TEST(bearer_codes.at("200").as_int64() == 10);
  // The spec's apiKey scheme is in the query, named api_key: the key goes there.
  auto [key, key_codes] = secure({"--api-key", "api_key=demo-key"});
  BOOST_TEST(key == 0);
  BOOST_TEST(key_codes.at("200").as_int64() == 10);
  auto [from_env, env_codes] = secure({}, {"PERF_AGENT_BEARER_TOKEN=demo-token"});
  BOOST_TEST(from_env == 0);
  // A header given with --header reaches every request too.
  auto [header, header_codes] = secure({"--header", "Authorization: Bearer demo-token"});
  BOOST_TEST(header == 0);
}

BOOST_AUTO_TEST_CASE(credentials_no_scheme_uses_are_sent_with_a_warning) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string spec = perf::test::temp_dir() + "/no-security.json";
  std::ofstream(spec) << R"({"openapi":"3.0.3","info":{"title":"t","version":"1"},
    "paths":{"/fast":{"get":{"operationId":"getFast","responses":{"200":{"description":"ok"}}}}}})";
  const std::string report = perf::test::temp_dir() + "/no-security-report.json";
  const auto r = run({perf::test::perf_agent(), "run", "--spec", spec, "--target", demo.url(),
                      "--tests", "response_time", "--api-key", "X-Token=abc", "--bearer-token", "t",
                      "--quiet", "--report", "json:" + report});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("warning: --api-key X-Token: the spec declares no apiKey scheme; sent as "
                        "the header X-Token") != std::string::npos,
             r.err);
  BOOST_TEST(
      r.err.find("warning: --bearer-token: the spec declares no bearer") != std::string::npos,
      r.err);
  const auto doc = read_json(report);
  std::size_t warnings = 0;
  for (const auto& note : doc.at("plan_notes").as_array())
    warnings += note.as_string().starts_with("warning: ");
  BOOST_TEST(warnings == 2u);

  // The demo spec declares both schemes: nothing to warn about.
  const auto declared =
      run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target", demo.url(),
           "--tests", "response_time", "--operation-id", "getSecure", "--bearer-token",
           "demo-token", "--api-key", "api_key=demo-key", "--quiet"});
  BOOST_TEST(declared.err.find("warning") == std::string::npos, declared.err);
}

BOOST_AUTO_TEST_CASE(data_rows_supply_real_parameter_values) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto csv = perf::test::temp_dir() + "/ids.csv";
  std::ofstream(csv) << "id\n5\n17\n999\n";
  const auto report = perf::test::temp_dir() + "/data.json";
  auto item = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {perf::test::perf_agent(),
                                     "run",
                                     "--spec",
                                     demo_spec(),
                                     "--target",
                                     demo.url(),
                                     "--tests",
                                     "response_time",
                                     "--operation-id",
                                     "getItem",
                                     "--quiet",
                                     "--report",
                                     "json:" + report};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv).exit_code;
  };
  BOOST_TEST(item({}) == 1);  // the spec's example id 99999 does not exist: 404s
  BOOST_TEST(item({"--data", csv}) == 0);
  const auto doc = read_json(report);
  const auto& requests = doc.at("test_cases").at(0).at("requests").as_array();
  BOOST_REQUIRE(requests.size() == 3u);  // one per row, used round-robin
  BOOST_TEST(requests[0].at("target").as_string() == "/items/5");
  BOOST_TEST(requests[2].at("target").as_string() == "/items/999");
  const auto json_rows = perf::test::temp_dir() + "/ids.json";
  std::ofstream(json_rows) << R"([{"id": 7}, {"id": 8}])";
  BOOST_TEST(item({"--data", json_rows}) == 0);
  const auto bad = perf::test::temp_dir() + "/bad.csv";
  std::ofstream(bad) << "id,name\n1\n";
  const auto r = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--data", bad});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("bad.csv:2") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(selection_by_tag_operation_id_and_method) {
  auto planned = [&](std::vector<std::string> extra) {
    const auto path = perf::test::temp_dir() + "/selection.json";
    std::vector<std::string> argv = {
        perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--tests",
        "response_time",          "-o",   path,     "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    BOOST_REQUIRE_EQUAL(run(argv).exit_code, 0);
    std::set<std::string> endpoints;
    const auto doc = read_json(path);
    for (const auto& c : doc.at("test_cases").as_array())
      endpoints.insert(std::string(c.at("endpoint").as_string()));
    return endpoints;
  };
  BOOST_TEST((planned({"--tag", "caching"}) ==
              std::set<std::string>{"/cached", "/cached/no-revalidation", "/uncached"}));
  BOOST_TEST((planned({"--operation-id", "getFast", "--operation-id", "getSlow"}) ==
              std::set<std::string>{"/fast", "/slow"}));
  BOOST_TEST((planned({"--methods", "POST", "--allow-unsafe-methods"}) ==
              std::set<std::string>{"/login", "/upload", "/upload/unlimited"}));
  BOOST_TEST((planned({"--include-path", "/orders*", "--exclude-path", "*/flat"}) ==
              std::set<std::string>{"/orders"}));
}

BOOST_AUTO_TEST_CASE(a_plan_file_runs_unchanged) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto plan = perf::test::temp_dir() + "/replay-plan.json";
  BOOST_REQUIRE_EQUAL(
      run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--tests", "response_time",
           "--include-path", "/fast", "--include-path", "/cached", "-o", plan, "--quiet"})
          .exit_code,
      0);
  const auto report = perf::test::temp_dir() + "/replay.json";
  const auto r = run({perf::test::perf_agent(), "run", "--plan", plan, "--target", demo.url(),
                      "--quiet", "--report", "json:" + report});
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto plan_doc = read_json(plan);
  const auto report_doc = read_json(report);
  const auto& planned = plan_doc.at("test_cases").as_array();
  const auto& ran = report_doc.at("test_cases").as_array();
  BOOST_REQUIRE_EQUAL(planned.size(), ran.size());
  for (std::size_t i = 0; i < ran.size(); ++i) {
    BOOST_TEST(ran[i].at("id") == planned[i].at("id"));
    BOOST_TEST(ran[i].at("requests") == planned[i].at("requests"));
    BOOST_TEST(ran[i].at("metrics").at("total_requests").as_int64() == 10);
  }
  const auto broken = perf::test::temp_dir() + "/broken-plan.json";
  std::ofstream(broken) << R"({"test_cases": [{"id": "x", "test_type": "response_time"}]})";
  const auto b = run({perf::test::perf_agent(), "run", "--plan", broken, "--target", demo.url()});
  BOOST_TEST(b.exit_code == 2);
  BOOST_TEST(b.err.find("/test_cases/0/requests: missing") != std::string::npos, b.err);
}

BOOST_AUTO_TEST_CASE(a_spec_without_operations_plans_nothing_and_says_why) {
  const auto r = run({perf::test::perf_agent(), "plan", "--spec",
                      perf::test::shared_dir() + "/specs/oai-v3.1-webhook-example.yaml"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(read_json_text(r.out).at("test_cases").as_array().empty());
  BOOST_TEST(r.err.find("webhooks only") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
