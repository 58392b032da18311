// User flows end to end (DESIGN §10.6): the real perf-agent runs multi-step flows against
// json-server and the demo API on loopback, carrying ids and tokens between steps.
#define BOOST_TEST_MODULE flows
#include "case_runs.hpp"
#include "nginx.hpp"
#include "process.hpp"
#include "real_servers.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>

namespace json = boost::json;
using perf::test::run;
using perf::test::slurp;

namespace {

using perf::test::demo_spec;
using perf::test::out;

std::string write(const std::string& name, const std::string& text) {
  const auto path = out(name);
  std::ofstream(path) << text;
  return path;
}

// `perf-agent run` of the flow NAME of `config` in load_test, against `where` (--target URL,
// maybe --spec FILE), the JSON report in `report`, then `extra`.
perf::test::CommandResult run_flow(const std::vector<std::string>& where, const std::string& config,
                                   const std::string& name, const std::string& report,
                                   const std::vector<std::string>& extra) {
  std::vector<std::string> argv{perf::test::perf_agent(), "run"};
  argv.insert(argv.end(), where.begin(), where.end());
  for (const auto& a :
       {std::string("--config"), config, std::string("--flow"), name, std::string("--tests"),
        std::string("load"), std::string("--report"), "json:" + report})
    argv.push_back(a);
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv);
}

// The only case of a JSON report.
json::object only_case(const std::string& report_file) {
  const auto report = json::parse(slurp(report_file));
  const auto& cases = report.at("test_cases").as_array();
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  return cases.front().as_object();
}

const json::object& step(const json::object& c, const std::string& name) {
  for (const auto& s : c.at("steps").as_array())
    if (s.at("name").as_string() == name) return s.as_object();
  BOOST_FAIL("no step " << name << " in " << json::serialize(c.at("steps")));
  throw;
}

std::uint64_t status_count(const json::object& metrics, const char* status) {
  const auto* n = metrics.at("status_codes").as_object().if_contains(status);
  return n ? n->to_number<std::uint64_t>() : 0;
}

// json-server over a small database of items it rewrites on every change.
struct JsonServer {
  static std::string db() {
    json::array items;
    for (int i = 1; i <= 50; ++i)
      items.push_back(
          json::object{{"id", i}, {"title", "item " + std::to_string(i)}, {"price", i}});
    return write("db.json", json::serialize(json::object{{"items", items}}));
  }
  int port = perf::test::free_port();
  perf::test::Server server{
      {perf::test::source_dir() + "/tests/fixtures/json-server/node_modules/.bin/json-server", db(),
       "--port", std::to_string(port), "--host", "127.0.0.1", "--quiet"},
      port};

  std::size_t item_count() const {
    const auto answer = perf::test::loopback_http(port, "GET", "/items");
    BOOST_REQUIRE_EQUAL(answer.status, 200);
    return json::parse(answer.body).as_array().size();
  }
};

const char* const lifecycle = R"(
flows:
  - name: item_lifecycle
    steps:
      - name: create
        method: POST
        path: /items
        body: {title: made by a flow, price: 5}
        extract: {id: /id}
        expect: 201
      - {name: read, method: GET, path: "/items/{id}", params: {id: "${id}"}, expect: 200}
      - name: update
        method: PATCH
        path: "/items/{id}"
        params: {id: "${id}"}
        body: {price: 6}
        expect: 200
      - {name: delete, method: DELETE, path: "/items/{id}", params: {id: "${id}"}, expect: 200}
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(json_server)

// 20 users each create an item, read it back by the id the server gave, change it and delete
// it, for 10 planned seconds: every read, update and delete finds its item, and the server holds
// as many items at the end as at the start.
BOOST_AUTO_TEST_CASE(a_create_read_update_delete_flow_finds_every_item_it_created) {
  JsonServer js;
  const auto before = js.item_count();
  const auto config = write("lifecycle.yaml", lifecycle);
  const auto report = out("lifecycle.json");
  const auto r = run_flow(
      {"--target", js.server.url()}, config, "item_lifecycle", report,
      {"--users", "20", "--duration", "10", "--time-scale", "0.3", "--allow-unsafe-methods",
       "--threshold", "http_req_duration{step:create}: p(95)<5000", "--threshold",
       "http_req_duration{step:read}: max<0.001", "--report", "console"});
  // The impossible read threshold fails the run, and only it: thresholds select the step.
  BOOST_TEST(r.exit_code == 1, r.err << r.out);
  const auto c = only_case(report);
  BOOST_TEST(c.at("id").as_string() == "load_test:FLOW:item_lifecycle:custom");
  const auto& flow = c.at("flow").as_object();
  const auto iterations = flow.at("iterations").to_number<std::uint64_t>();
  BOOST_TEST(iterations >= 20u, json::serialize(flow));
  BOOST_TEST(flow.at("failed_iterations").to_number<std::uint64_t>() == 0u, json::serialize(flow));
  BOOST_TEST(status_count(c.at("metrics").as_object(), "404") == 0u);
  for (const char* name : {"create", "read", "update", "delete"}) {
    const auto& s = step(c, name);
    BOOST_TEST(status_count(s.at("metrics").as_object(), "404") == 0u, name);
    // Every finished iteration ran every step (an interrupted one stops part way).
    BOOST_TEST(s.at("metrics").at("total_requests").to_number<std::uint64_t>() >= iterations, name);
  }
  BOOST_TEST(status_count(step(c, "create").at("metrics").as_object(), "201") >= iterations);
  BOOST_TEST(step(c, "read").at("path").as_string() == "/items/{id}");
  BOOST_TEST(js.item_count() == before);
  const auto failed = json::serialize(json::parse(slurp(report)).at("failed_thresholds"));
  BOOST_TEST(failed.find("{step:read}") != std::string::npos, failed);
  BOOST_TEST(failed.find("{step:create}") == std::string::npos, failed);
  // The console shows a row per step under the case.
  BOOST_TEST(r.out.find("step update (PATCH /items/{id})") != std::string::npos, r.out);
}

// An extraction that finds nothing fails that iteration with the reason; the users go on.
BOOST_AUTO_TEST_CASE(an_extraction_that_finds_nothing_fails_the_iteration_and_the_run_goes_on) {
  JsonServer js;
  const auto config = write("missing.yaml", R"(
flows:
  - name: wrong_pointer
    steps:
      - {name: list, method: GET, path: /items, extract: {id: /0/identifier}}
      - {name: read, method: GET, path: "/items/{id}", params: {id: "${id}"}}
)");
  const auto report = out("missing.json");
  const auto r = run_flow({"--target", js.server.url()}, config, "wrong_pointer", report,
                          {"--users", "2", "--duration", "1", "--think-time", "0.05", "--quiet"});
  // Every request was answered 200, yet the case fails: its iterations did.
  BOOST_TEST(r.exit_code == 1, r.err);
  const auto c = only_case(report);
  const auto& flow = c.at("flow").as_object();
  const auto iterations = flow.at("iterations").to_number<std::uint64_t>();
  BOOST_TEST(iterations > 2u);  // not stopped at the first failure
  BOOST_TEST(flow.at("failed_iterations").to_number<std::uint64_t>() == iterations);
  const auto& failures = flow.at("failures").as_object();
  BOOST_TEST(failures.size() == 1u, json::serialize(failures));
  BOOST_TEST(failures.at("extract id: no /0/identifier in response of step list")
                 .to_number<std::uint64_t>() == iterations);
  BOOST_TEST(c.at("verdict").as_string() == "failed");
  BOOST_TEST(
      c.at("reason").as_string().find("failed_iterations_percent 100.0") != std::string::npos,
      c.at("reason"));
  BOOST_TEST(status_count(c.at("metrics").as_object(), "200") ==
             c.at("metrics").at("total_requests").to_number<std::uint64_t>());
  // The second step never ran: its id was never known.
  BOOST_TEST(step(c, "read").at("metrics").at("total_requests").to_number<std::uint64_t>() == 0u);
}

// --data rows seed each user's variables: the title a user creates its item with comes from
// its row, and finding the item by that title proves it was sent.
BOOST_AUTO_TEST_CASE(data_rows_seed_the_variables_of_each_user) {
  JsonServer js;
  const auto before = js.item_count();
  const auto data = write("titles.csv", "title\nalpha-from-data\nbeta-from-data\n");
  const auto config = write("seeded.yaml", R"(
flows:
  - name: titled
    steps:
      - {name: create, method: POST, path: /items, body: {title: "${title}"}, extract: {id: /id}}
      - {name: find, method: GET, path: /items, params: {title: "${title}"}, extract: {found: /0/title}}
      - {name: delete, method: DELETE, path: "/items/{id}", params: {id: "${id}"}}
)");
  const auto report = out("seeded.json");
  const auto r = run_flow(
      {"--target", js.server.url()}, config, "titled", report,
      {"--users", "2", "--duration", "0.5", "--data", data, "--allow-unsafe-methods", "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto c = only_case(report);
  BOOST_TEST(c.at("flow").at("iterations").to_number<std::uint64_t>() > 0u);
  BOOST_TEST(c.at("flow").at("failed_iterations").to_number<std::uint64_t>() == 0u,
             json::serialize(c.at("flow")));
  BOOST_TEST(js.item_count() == before);
}

// A spec with POST /items, GET /items/{id} and DELETE /items/{id}: `plan` derives a
// create-read-delete flow only with --allow-unsafe-methods, and that flow runs clean.
BOOST_AUTO_TEST_CASE(a_create_read_delete_flow_is_derived_only_when_unsafe_methods_are_allowed) {
  JsonServer js;
  const auto before = js.item_count();
  const std::string spec = perf::test::source_dir() + "/tests/fixtures/json-server-crud.yaml";
  const auto safe = run({perf::test::perf_agent(), "plan", "--spec", spec, "--tests", "load"});
  BOOST_REQUIRE_MESSAGE(safe.exit_code == 0, safe.err);
  BOOST_TEST(safe.out.find("create_read_delete") == std::string::npos);
  const auto plan = out("crud-plan.json");
  const auto planned =
      run({perf::test::perf_agent(), "plan", "--spec", spec, "--target", js.server.url(), "--tests",
           "load", "--pattern", "light_load", "--allow-unsafe-methods", "--flow",
           "create_read_delete /items", "-o", plan});
  BOOST_REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
  const auto flows = json::parse(slurp(plan)).at("flows");
  std::string names;
  for (const auto& f : flows.as_array())
    if (f.at("name").as_string() == "create_read_delete /items")
      for (const auto& st : f.at("steps").as_array())
        names += std::string(st.at("name").as_string()) + " ";
  BOOST_TEST(names == "create read delete ", json::serialize(flows));

  const auto report = out("crud.json");
  const auto r = run({perf::test::perf_agent(), "run", "--plan", plan, "--target", js.server.url(),
                      "--time-scale", "0.02", "--report", "json:" + report, "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto c = only_case(report);
  BOOST_TEST(c.at("flow").at("iterations").to_number<std::uint64_t>() > 0u);
  BOOST_TEST(c.at("flow").at("failed_iterations").to_number<std::uint64_t>() == 0u,
             json::serialize(c.at("flow")));
  BOOST_TEST(status_count(c.at("metrics").as_object(), "404") == 0u);
  BOOST_TEST(js.item_count() == before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(demo_api)

// The demo's POST /login gives a session token that GET /me wants: the demo config's flow
// carries it in the Authorization header, and every /me answers 200.
BOOST_AUTO_TEST_CASE(a_flow_carries_the_login_token_to_the_guarded_endpoint) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto report = out("login.json");
  const auto r = run_flow(
      {"--spec", demo_spec(), "--target", demo.url()},
      perf::test::source_dir() + "/examples/demo-api/perf-agent.yaml", "login_and_read_me", report,
      {"--users", "4", "--duration", "1", "--allow-unsafe-methods", "--report",
       "html:" + out("login.html"), "--report", "junit:" + out("login.xml"), "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto c = only_case(report);
  const auto& me = step(c, "me").at("metrics").as_object();
  BOOST_TEST(me.at("total_requests").to_number<std::uint64_t>() > 4u);
  BOOST_TEST(status_count(me, "200") == me.at("total_requests").to_number<std::uint64_t>());
  BOOST_TEST(c.at("flow").at("failed_iterations").to_number<std::uint64_t>() == 0u);
  BOOST_TEST(slurp(out("login.html")).find("step me (GET /me)") != std::string::npos);
  BOOST_TEST(slurp(out("login.xml")).find(":step:login:p95_ms") != std::string::npos);
  // The report with steps and flow counts is what the schema describes; the JUnit file with
  // its step properties is still valid JUnit.
  const auto schema =
      run({"/usr/bin/python3", perf::test::source_dir() + "/tests/tools/validate_json.py",
           perf::test::source_dir() + "/docs/result-schema.json", report});
  BOOST_TEST(schema.exit_code == 0, schema.out << schema.err);
  const auto lint = run({"/usr/bin/xmllint", "--noout", "--schema",
                         perf::test::shared_dir() + "/schemas/junit-10.xsd", out("login.xml")});
  BOOST_TEST(lint.exit_code == 0, lint.err);
}

// The same flow without the header: /me refuses every request, and the flow says why.
BOOST_AUTO_TEST_CASE(without_the_token_the_guarded_endpoint_refuses_and_the_flow_counts_it) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto config = write("no_token.yaml", R"(
flows:
  - name: forgets_the_token
    steps:
      - {name: login, operation_id: login, body: {user: demo, password: secret}, extract: {token: /token}}
      - {name: me, operation_id: getMe}
)");
  const auto report = out("no_token.json");
  const auto r =
      run_flow({"--spec", demo_spec(), "--target", demo.url()}, config, "forgets_the_token", report,
               {"--users", "2", "--duration", "0.5", "--allow-unsafe-methods", "--quiet"});
  BOOST_TEST(r.exit_code == 1, r.err);
  const auto c = only_case(report);
  const auto& flow = c.at("flow").as_object();
  BOOST_TEST(flow.at("failed_iterations").to_number<std::uint64_t>() > 0u);
  BOOST_TEST(flow.at("failures").at("step me: status 401").to_number<std::uint64_t>() ==
             flow.at("failed_iterations").to_number<std::uint64_t>());
}

// OpenAPI links become flows in `plan`; the plan lists them, and `run --plan` runs them.
BOOST_AUTO_TEST_CASE(links_become_flows_that_a_plan_lists_and_runs) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto plan = out("links-plan.json");
  const auto planned = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--target",
                            demo.url(), "--flow", "listItems.GetFirstItem", "--tests", "load",
                            "--pattern", "light_load", "-o", plan});
  BOOST_REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
  const auto doc = json::parse(slurp(plan));
  bool listed = false;
  for (const auto& f : doc.at("flows").as_array())
    if (f.at("name").as_string() == "listItems.GetFirstItem") {
      listed = true;
      BOOST_TEST(f.at("source").as_string() == "links");
      BOOST_TEST(f.at("steps").at(0).at("extract").at("id").as_string() == "/items/0/id");
      BOOST_TEST(f.at("steps").at(1).at("target").as_string() == "/items/${id}");
    }
  BOOST_TEST(listed, json::serialize(doc.at("flows")));
  // Without --allow-unsafe-methods the login flow of no config is not there, nor any POST flow.
  BOOST_TEST(json::serialize(doc.at("flows")).find("\"POST\"") == std::string::npos);

  const auto report = out("links.json");
  const auto r = run({perf::test::perf_agent(), "run", "--plan", plan, "--target", demo.url(),
                      "--time-scale", "0.01", "--report", "json:" + report, "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto c = only_case(report);
  const auto& read = step(c, "getItem").at("metrics").as_object();
  BOOST_TEST(read.at("total_requests").to_number<std::uint64_t>() > 0u);
  BOOST_TEST(status_count(read, "200") == read.at("total_requests").to_number<std::uint64_t>());
}

// load, stress, spike, endurance and scalability tests each run the flow where they would run
// an operation: a case per test type, with the flow's steps measured.
BOOST_AUTO_TEST_CASE(every_test_type_that_runs_flows_plans_a_case_for_the_flow) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto config = write("types.yaml", R"(
patterns: {quick: {users: 2, duration: 5, ramp_up: 0, think_time: 0.01}}
test_options:
  stress_test: {steps: [1, 2], step_duration: 5, think_time: 0.01}
  spike_test: {baseline_users: 1, spike_users: 3, baseline_duration: 5, ramp_up: 0, spike_duration: 5, recovery_duration: 5, think_time: 0.01}
  endurance_test: {users: 2, duration: 5, think_time: 0.01}
  scalability_test: {steps: [1, 2], step_duration: 5}
flows:
  - name: browse
    steps:
      - {name: list, operation_id: listItems, extract: {id: /items/0/id}}
      - {name: read, operation_id: getItem, params: {id: "${id}"}, expect: 200}
)");
  const auto report = out("types.json");
  const auto r =
      run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target", demo.url(),
           "--config", config, "--flows", "--tests", "load,stress,spike,endurance,scalability",
           "--pattern", "quick", "--time-scale", "0.1", "--report", "json:" + report, "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto doc = json::parse(slurp(report));
  BOOST_TEST(doc.at("test_cases").as_array().size() == 10u);  // 5 test types, 2 flows
  std::set<std::string> types;
  for (const auto& c : doc.at("test_cases").as_array()) {
    BOOST_TEST_CONTEXT(c.at("id").as_string()) {
      BOOST_TEST(c.at("method").as_string() == "FLOW");
      // --flows: the config's flow and the one of the spec's links.
      for (const auto& st : c.at("steps").as_array()) {
        const auto& m = st.at("metrics").as_object();
        BOOST_TEST(m.at("total_requests").to_number<std::uint64_t>() > 0u);
        BOOST_TEST(status_count(m, "200") == m.at("total_requests").to_number<std::uint64_t>());
      }
      if (c.at("endpoint").as_string() == "browse")
        types.insert(std::string(c.at("test_type").as_string()));
    }
  }
  BOOST_TEST((types == std::set<std::string>{"load_test", "stress_test", "spike_test",
                                             "endurance_test", "scalability_test"}));
}

// A plan's case may name several flows: its arrivals (open model) are shared by weight, each
// arrival one iteration.
BOOST_AUTO_TEST_CASE(flows_of_one_case_share_the_arrivals_by_weight) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto config = write("mix.yaml", R"(
flows:
  - {name: often, weight: 3, steps: [{name: fast, method: GET, path: /fast}]}
  - {name: seldom, weight: 1, steps: [{name: cached, method: GET, path: /uncached}]}
)");
  const auto plan = out("mix-plan.json");
  const auto planned = run({perf::test::perf_agent(), "plan", "--spec", demo_spec(), "--target",
                            demo.url(), "--config", config, "--flow", "often", "--tests", "load",
                            "--pattern", "light_load", "-o", plan});
  BOOST_REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
  // Edit the plan: the case runs both flows, 80 arrivals a second for one second.
  auto doc = json::parse(slurp(plan));
  auto& c = doc.at("test_cases").as_array().at(0).as_object();
  c["flows"] = json::array{"often", "seldom"};
  c["performance_config"].as_object()["rate_rps"] = 80;
  c["performance_config"].as_object()["duration_seconds"] = 1;
  write("mix-plan.json", json::serialize(doc));
  const auto report = out("mix.json");
  const auto r = run({perf::test::perf_agent(), "run", "--plan", plan, "--target", demo.url(),
                      "--report", "json:" + report, "--quiet"});
  BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
  const auto result = only_case(report);
  const auto requests = [&](const char* name) {
    return step(result, name).at("metrics").at("total_requests").to_number<double>();
  };
  const double often = requests("fast"), seldom = requests("cached");
  BOOST_TEST(often + seldom >= 70, often << " + " << seldom);
  BOOST_TEST(often / (often + seldom) > 0.65, often << " vs " << seldom);
  BOOST_TEST(often / (often + seldom) < 0.85, often << " vs " << seldom);
  BOOST_TEST(result.at("flow").at("iterations").to_number<double>() == often + seldom);
}

// Iterations under way when the load ends finish (up to --graceful-stop); past it they are
// counted as interrupted, not as passed.
BOOST_AUTO_TEST_CASE(iterations_running_at_the_end_finish_within_the_graceful_stop) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const auto config = write("graceful.yaml", R"(
flows:
  - name: slow_reader
    steps: [{name: fast, method: GET, path: /fast, think_time: 1.0}]
)");
  auto run_with = [&](const std::string& grace, const std::string& name) {
    const auto report = out(name);
    const auto r =
        run_flow({"--target", demo.url()}, config, "slow_reader", report,
                 {"--users", "2", "--duration", "0.3", "--graceful-stop", grace, "--quiet"});
    BOOST_TEST((r.exit_code == 0 || r.exit_code == 1), r.err);
    return only_case(report).at("flow").as_object();
  };
  const auto finished = run_with("30", "graceful-30.json");
  BOOST_TEST(finished.at("iterations").to_number<int>() == 2, json::serialize(finished));
  BOOST_TEST(finished.at("interrupted_iterations").to_number<int>() == 0);
  const auto cut = run_with("0.2", "graceful-0.2.json");
  BOOST_TEST(cut.at("iterations").to_number<int>() == 0, json::serialize(cut));
  BOOST_TEST(cut.at("interrupted_iterations").to_number<int>() == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_errors)

// Bad flows stop at load with exit code 2 and one line naming the file, flow, step and problem.
BOOST_AUTO_TEST_CASE(bad_flows_exit_2_with_one_line_naming_file_flow_step_and_problem) {
  struct Bad {
    const char* yaml;
    const char* problem;
  };
  const Bad cases[] = {
      {"flows: [{name: f, steps: [{name: s, operation_id: noSuchOperation}]}]",
       "flow 'f', step 's': unknown operation 'noSuchOperation'"},
      {"flows: [{name: f, steps: [{name: s, operation_id: getItem, params: {id: '${nope}'}}]}]",
       "flow 'f', step 's': unknown variable ${nope}"},
      {"flows: [{name: f, steps: [{name: s, operation_id: getFast, extract: {x: 'id'}}]}]",
       "flow 'f', step 's': extract x: 'id' is neither a JSON pointer"},
  };
  int k = 0;
  for (const auto& bad : cases) {
    const auto config = write("bad" + std::to_string(k++) + ".yaml", bad.yaml);
    const auto r =
        run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target",
             "http://127.0.0.1:9", "--config", config, "--flow", "f", "--tests", "load"});
    BOOST_TEST(r.exit_code == 2, bad.yaml << ": " << r.err);
    BOOST_TEST(r.err.rfind("perf-agent: " + config + ": " + bad.problem, 0) == 0, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  }
  // A flow the command line names that nothing defines.
  const auto r = run({perf::test::perf_agent(), "run", "--spec", demo_spec(), "--target",
                      "http://127.0.0.1:9", "--flow", "ghost", "--tests", "load"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--flow 'ghost': no such flow") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
