// `perf-agent agent` and `perf-agent serve` (DESIGN §10.3) as a platform uses them: the real
// binary, the demo API or a counting server on 127.0.0.1 as targets, HTTP calls with the token.
// The service has no event for a task's state (the live stream is a later feature), so tests
// that wait for a state poll GET /api/v1/tasks/{id}; load arriving is waited for on the target.
#define BOOST_TEST_MODULE service
#include "http_call.hpp"
#include "perf/util/document.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace perf::test;

namespace {

const std::string token = "test-token-0123456789";

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// A folder per test: the database, the token file, XDG_DATA_HOME.
std::string fresh_folder(const std::string& name) {
  const auto dir = temp_dir() + "/" + name;
  fs::create_directories(dir);
  write_file(dir + "/token", token + "\n");
  return dir;
}

// The demo API's spec as the JSON object a task carries.
json::value demo_spec() {
  return perf::util::load_document(source_dir() + "/examples/demo-api/openapi.yaml");
}

// response_time on the demo API's GET /fast only: 1 user, 10 requests.
json::object fast_task(const std::string& id, const std::string& target) {
  return {{"task_id", id},
          {"spec_id", 1},
          {"agent_type", "performance"},
          {"parameters",
           {{"test_types", {"response_time"}}, {"target", target}, {"include_path", "/fast"}}},
          {"api_spec", demo_spec()}};
}

// Quick mode against one URL: closed load that lasts far longer than any test waits.
json::object long_task(const std::string& id, const std::string& url) {
  return {{"task_id", id},
          {"parameters",
           {{"test_types", {"load_test"}},
            {"target", url + "/load"},
            {"users", 2},
            {"duration", 60},
            {"think_time", 0.005},
            {"threads", 1}}}};
}

class Service {
 public:
  Service(const std::string& dir, std::vector<std::string> extra = {}) : dir_(dir) {
    std::vector<std::string> argv{perf_agent(), "serve",           "--listen",     "127.0.0.1:0",
                                  "--db",       dir + "/tasks.db", "--token-file", dir + "/token"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Process>(argv, std::vector<std::string>{"XDG_DATA_HOME=" + dir});
    BOOST_REQUIRE_MESSAGE(process_->wait_for_stderr("serving on "), process_->err_so_far());
    const auto err = process_->err_so_far();
    const auto at = err.find("serving on ") + 11;
    url_ = err.substr(at, err.find(' ', at) - at);
  }
  const std::string& url() const { return url_; }
  Process& process() { return *process_; }

  HttpReply submit(const json::object& task) {
    return http_call(url_, "POST", "/api/v1/tasks", token, json::serialize(task));
  }
  json::object get(const std::string& id) {
    const auto reply = http_call(url_, "GET", "/api/v1/tasks/" + id, token);
    BOOST_REQUIRE_MESSAGE(reply.status == 200, reply.status << " " << reply.body);
    return json::parse(reply.body).as_object();
  }
  // Polls (see the file comment) until the task is in one of `states`.
  json::object wait_for(const std::string& id, const std::set<std::string>& states,
                        std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto task = get(id);
      if (states.count(std::string(task.at("status").as_string()))) return task;
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                            "task " << id << " stayed " << task.at("status"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  std::string dir_;
  std::unique_ptr<Process> process_;
  std::string url_;
};

const json::object& first_case(const json::object& task) {
  return task.at("result").at("test_cases").at(0).as_object();
}

double metric(const json::object& task, const char* name) {
  return first_case(task).at("metrics").at(name).to_number<double>();
}

long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(agent_prints_the_task_json_of_one_task) {
  Server demo({demo_api(), "--port", "0"});
  const auto dir = fresh_folder("agent");
  const auto file =
      write_file(dir + "/task.json", json::serialize(fast_task("perf-test-001", demo.url())));
  const auto r = run({perf_agent(), "agent", "--task", file, "--quiet"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto task = json::parse(r.out).as_object();
  BOOST_TEST(task.at("task_id").as_string() == "perf-test-001");
  BOOST_TEST(task.at("agent_type").as_string() == "Performance-Agent");
  BOOST_TEST(task.at("status").as_string() == "success");
  BOOST_TEST(!task.contains("error_message"));
  const auto& cases = task.at("test_cases").as_array();
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  BOOST_TEST(cases[0].at("test_type").as_string() == "response_time");
  BOOST_TEST(cases[0].at("endpoint").as_string() == "/fast");
  BOOST_TEST(cases[0].at("method").as_string() == "GET");
  BOOST_TEST(cases[0].as_object().contains("performance_config"));
  BOOST_TEST(cases[0].as_object().contains("performance_thresholds"));
  const auto& metadata = task.at("metadata").as_object();
  BOOST_TEST(metadata.at("endpoints_analyzed").to_number<int>() == 1);
  BOOST_TEST(metadata.at("total_test_cases").to_number<int>() == 1);
  BOOST_TEST(metadata.at("test_types_generated").at(0).as_string() == "response_time");
  BOOST_TEST(metadata.at("performance_thresholds").at("response_time_ms").to_number<double>() ==
             1000);
  BOOST_TEST(metadata.at("load_patterns").as_array().size() >= 7u);
  BOOST_TEST(metric(task, "total_requests") == 10);  // response_time: 10 iterations
  BOOST_TEST(metric(task, "failed_requests") == 0);
  BOOST_TEST(task.at("result").at("verdict").is_string());
}

BOOST_AUTO_TEST_CASE(agent_takes_the_spec_from_the_command_line) {
  Server demo({demo_api(), "--port", "0"});
  const auto dir = fresh_folder("agent-spec");
  auto task = fast_task("perf-test-003", demo.url());
  task.erase("api_spec");
  task["parameters"].as_object()["test_types"] = {"caching"};  // the seed's name
  const auto file = write_file(dir + "/task.json", json::serialize(task));
  const auto r = run({perf_agent(), "agent", "--task", file, "--spec",
                      source_dir() + "/examples/demo-api/openapi.yaml", "--quiet"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto out = json::parse(r.out).as_object();
  BOOST_TEST(out.at("status").as_string() == "success");
  BOOST_TEST(first_case(out).at("test_type").as_string() == "caching_test");
  BOOST_TEST(metric(out, "total_requests") > 0);
}

BOOST_AUTO_TEST_CASE(ctrl_c_cancels_an_agent_task_and_keeps_what_was_measured) {
  CountingServer target;
  const auto dir = fresh_folder("agent-ctrl-c");
  const auto file =
      write_file(dir + "/task.json", json::serialize(long_task("t-int", target.url())));
  Process agent({perf_agent(), "agent", "--task", file, "--quiet"});
  BOOST_TEST_REQUIRE(target.wait_for_requests(100, std::chrono::seconds(30)));
  agent.signal(SIGINT);
  const auto r = agent.wait(std::chrono::seconds(20));
  BOOST_TEST(r.exit_code == 130, r.err);
  const auto out = json::parse(r.out).as_object();
  BOOST_TEST(out.at("status").as_string() == "cancelled");
  // All the target answered but the pre-flight and the answers (one per user) cut off unread.
  BOOST_TEST(metric(out, "total_requests") >= 100 - 1 - 2);
}

BOOST_AUTO_TEST_CASE(agent_refuses_unknown_parameters_naming_them) {
  const auto dir = fresh_folder("agent-unknown");
  const auto file = write_file(
      dir + "/task.json",
      R"({"task_id": "t1", "parameters": {"userz": 3, "colour": "red", "target": "http://127.0.0.1:1"}})");
  const auto r = run({perf_agent(), "agent", "--task", file});
  BOOST_TEST(r.exit_code == 2);
  const std::string reason = file + ": /parameters: unknown parameters: userz, colour";
  BOOST_TEST(r.err.find(reason) != std::string::npos, r.err);
  // Standard output still carries a task JSON, `failed` with the reason.
  const auto task = json::parse(r.out).as_object();
  BOOST_TEST(task.at("task_id").as_string() == "t1");
  BOOST_TEST(task.at("status").as_string() == "failed");
  BOOST_TEST(std::string(task.at("error_message").as_string()).find(reason) == 0);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(bad_serve_flags_are_one_line_errors_with_exit_code_2) {
  const auto dir = fresh_folder("flags");
  const std::vector<std::vector<std::string>> cases{
      {"--listen", "nonsense"}, {"--max-running", "0"}, {"--token-file", dir + "/missing"}};
  const std::vector<std::string> named{"--listen 'nonsense'", "--max-running '0'",
                                       dir + "/missing: cannot read the token file"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::vector<std::string> argv{perf_agent(), "serve", "--db", dir + "/tasks.db"};
    argv.insert(argv.end(), cases[i].begin(), cases[i].end());
    const auto r = run(argv, {"XDG_DATA_HOME=" + dir}, std::chrono::seconds(20));
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find(named[i]) != std::string::npos, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  }
}

BOOST_AUTO_TEST_CASE(a_submitted_task_runs_to_success_and_the_history_sees_it) {
  Server demo({demo_api(), "--port", "0"});
  const auto dir = fresh_folder("submit");
  Service service(dir);
  const auto accepted = service.submit(fast_task("perf-test-002", demo.url()));
  BOOST_TEST_REQUIRE(accepted.status == 202, accepted.body);
  const auto body = json::parse(accepted.body);
  BOOST_TEST(body.at("task_id").as_string() == "perf-test-002");
  BOOST_TEST(body.at("status").as_string() == "queued");
  const auto task = service.wait_for("perf-test-002", {"success", "failed", "error"});
  BOOST_TEST_REQUIRE(task.at("status").as_string() == "success", json::serialize(task));
  BOOST_TEST(metric(task, "total_requests") == 10);
  BOOST_TEST(task.at("metadata").at("total_test_cases").to_number<int>() == 1);
  // The api_spec was written for the planner (mode 0600) and is gone with the task.
  BOOST_TEST(fs::is_empty(dir + "/tasks.db.specs"));
  BOOST_TEST(((fs::status(dir + "/tasks.db.specs").permissions() & fs::perms::all) ==
              fs::perms::owner_all));

  const auto listed = http_call(service.url(), "GET", "/api/v1/tasks?limit=5", token);
  BOOST_TEST_REQUIRE(listed.status == 200);
  const auto entry = json::parse(listed.body).at("tasks").at(0);
  BOOST_TEST(entry.at("task_id").as_string() == "perf-test-002");
  BOOST_TEST(entry.at("status").as_string() == "success");
  BOOST_TEST(entry.at("finished_at").is_string());

  const auto history = run({perf_agent(), "history", "--db", dir + "/tasks.db", "--json"});
  BOOST_TEST(history.exit_code == 0, history.err);
  BOOST_TEST(history.out.find("service:perf-test-002") != std::string::npos, history.out);
}

BOOST_AUTO_TEST_CASE(a_cancelled_task_keeps_what_was_measured) {
  CountingServer target;
  const auto dir = fresh_folder("cancel");
  Service service(dir);
  BOOST_TEST_REQUIRE(service.submit(long_task("long-1", target.url())).status == 202);
  BOOST_TEST_REQUIRE(target.wait_for_requests(200, std::chrono::seconds(30)));
  const auto started = std::chrono::steady_clock::now();
  const auto cancel = http_call(service.url(), "DELETE", "/api/v1/tasks/long-1", token);
  BOOST_TEST(cancel.status == 202, cancel.body);
  const auto task = service.wait_for("long-1", {"cancelled", "success", "failed", "error"});
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(10)));
  BOOST_TEST_REQUIRE(task.at("status").as_string() == "cancelled", json::serialize(task));
  const double measured = metric(task, "total_requests");
  // The server counted the pre-flight request and up to one answer per user (2) that the stop
  // cut off before the client read it: neither is a measured request.
  BOOST_TEST(measured >= 200 - 1 - 2);
  BOOST_TEST(measured <= double(target.requests()));
  BOOST_TEST(first_case(task).at("metrics").at("throughput").to_number<double>() > 0);
  // Ended: a second cancel is refused.
  BOOST_TEST(http_call(service.url(), "DELETE", "/api/v1/tasks/long-1", token).status == 409);
}

BOOST_AUTO_TEST_CASE(a_waiting_task_is_cancelled_before_it_runs) {
  CountingServer target;
  Service service(fresh_folder("cancel-queued"), {"--max-running", "1"});
  BOOST_TEST_REQUIRE(service.submit(long_task("busy", target.url())).status == 202);
  BOOST_TEST_REQUIRE(service.submit(long_task("next", target.url())).status == 202);
  BOOST_TEST_REQUIRE(target.wait_for_requests(20, std::chrono::seconds(30)));
  const auto cancelled = http_call(service.url(), "DELETE", "/api/v1/tasks/next", token);
  BOOST_TEST(cancelled.status == 200, cancelled.body);
  const auto next = json::parse(cancelled.body).as_object();
  BOOST_TEST(next.at("status").as_string() == "cancelled");
  BOOST_TEST(!next.contains("result"));  // it never ran
  BOOST_TEST(next.at("started_at").is_null());
  BOOST_TEST(http_call(service.url(), "DELETE", "/api/v1/tasks/busy", token).status == 202);
  service.wait_for("busy", {"cancelled"});
  BOOST_TEST(service.get("next").at("status").as_string() == "cancelled");  // and stays so
}

BOOST_AUTO_TEST_CASE(a_task_running_when_the_service_is_killed_is_interrupted_after_restart) {
  Server demo({demo_api(), "--port", "0"});
  CountingServer target;
  const auto dir = fresh_folder("restart");
  std::string earlier;
  {
    Service service(dir);
    BOOST_TEST_REQUIRE(service.submit(fast_task("before", demo.url())).status == 202);
    earlier = json::serialize(service.wait_for("before", {"success", "failed", "error"}));
    BOOST_TEST_REQUIRE(service.submit(long_task("killed", target.url())).status == 202);
    BOOST_TEST_REQUIRE(target.wait_for_requests(50, std::chrono::seconds(30)));
    BOOST_TEST(service.get("killed").at("status").as_string() == "running");
    service.process().signal(SIGKILL);
    service.process().wait();
  }
  Service restarted(dir);
  const auto killed = restarted.get("killed");
  BOOST_TEST(killed.at("status").as_string() == "error");
  BOOST_TEST(killed.at("error_message").as_string() == "interrupted");
  BOOST_TEST(!killed.contains("result"));                       // nothing half-written
  BOOST_TEST(killed.at("test_cases").as_array().size() == 1u);  // the plan is kept
  BOOST_TEST(json::serialize(restarted.get("before")) == earlier);
  BOOST_TEST(restarted.process().err_so_far().find("1 task(s) were running") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(queued_tasks_survive_a_restart_and_run) {
  Server demo({demo_api(), "--port", "0"});
  CountingServer target;
  const auto dir = fresh_folder("requeue");
  const std::vector<std::string> one_at_a_time{"--max-running", "1"};
  {
    Service service(dir, one_at_a_time);
    BOOST_TEST_REQUIRE(service.submit(long_task("running", target.url())).status == 202);
    BOOST_TEST_REQUIRE(service.submit(fast_task("waiting", demo.url())).status == 202);
    BOOST_TEST_REQUIRE(target.wait_for_requests(20, std::chrono::seconds(30)));
    BOOST_TEST(service.get("waiting").at("status").as_string() == "queued");
    service.process().signal(SIGKILL);
    service.process().wait();
  }
  Service restarted(dir, one_at_a_time);
  BOOST_TEST(restarted.get("running").at("status").as_string() == "error");
  const auto waiting = restarted.wait_for("waiting", {"success", "failed", "error"});
  BOOST_TEST(waiting.at("status").as_string() == "success", json::serialize(waiting));
  BOOST_TEST(metric(waiting, "total_requests") == 10);
}

BOOST_AUTO_TEST_CASE(sigterm_stops_the_service_and_its_running_task_is_interrupted) {
  CountingServer target;
  const auto dir = fresh_folder("sigterm");
  {
    Service service(dir);
    BOOST_TEST_REQUIRE(service.submit(long_task("stopped", target.url())).status == 202);
    BOOST_TEST_REQUIRE(target.wait_for_requests(20, std::chrono::seconds(30)));
    service.process().signal(SIGTERM);
    BOOST_TEST(service.process().wait(std::chrono::seconds(20)).exit_code == 0);
  }
  Service restarted(dir);
  const auto task = restarted.get("stopped");
  BOOST_TEST(task.at("status").as_string() == "error");
  BOOST_TEST(task.at("error_message").as_string().starts_with("interrupted"));
  // What was measured is kept: all the server answered but the pre-flight request and the
  // answers (one per user) the stop cut off before they were read.
  BOOST_TEST(metric(task, "total_requests") >= 20 - 1 - 2);
}

BOOST_AUTO_TEST_CASE(a_task_is_stopped_at_max_duration_with_what_was_measured) {
  CountingServer target;
  Service service(fresh_folder("deadline"), {"--max-duration", "1"});
  // The explicit duration (60 s) is over the limit: refused before it runs.
  BOOST_TEST(service.submit(long_task("too-long", target.url())).status == 400);
  auto task = long_task("cut", target.url());
  task["parameters"].as_object().erase("duration");  // the pattern's duration: caught at 1 s
  task["parameters"].as_object()["pattern"] = "normal_load";
  task["parameters"].as_object()["users"] = 2;
  BOOST_TEST_REQUIRE(service.submit(task).status == 202);
  const auto ended = service.wait_for("cut", {"success", "failed", "error", "cancelled"});
  BOOST_TEST(ended.at("status").as_string() == "failed");
  BOOST_TEST(std::string(ended.at("error_message").as_string()).find("--max-duration") !=
             std::string::npos);
  BOOST_TEST(metric(ended, "total_requests") > 0);
}

BOOST_AUTO_TEST_CASE(oversized_headers_and_urls_are_refused) {
  Service service(fresh_folder("caps"));
  const auto header = raw_exchange(
      service.url(),
      "GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  BOOST_TEST(header.rfind("HTTP/1.1 431", 0) == 0, header.substr(0, 40));
  const auto url = raw_exchange(
      service.url(), "GET /api/v1/tasks/" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n");
  BOOST_TEST(url.rfind("HTTP/1.1 414", 0) == 0, url.substr(0, 40));
  const auto garbage = raw_exchange(service.url(), "NOT HTTP AT ALL\r\n\r\n");
  BOOST_TEST(garbage.rfind("HTTP/1.1 400", 0) == 0, garbage.substr(0, 40));
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks", token).status == 200);
}

BOOST_AUTO_TEST_CASE(calls_without_the_right_token_get_401) {
  const auto dir = fresh_folder("auth");
  Service service(dir);
  auto none = http_call(service.url(), "GET", "/api/v1/tasks");
  BOOST_TEST(none.status == 401);
  BOOST_TEST(none.headers["WWW-Authenticate"] == "Bearer");
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks", token + "x").status == 401);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks", token.substr(1)).status == 401);
  const auto posted = http_call(service.url(), "POST", "/api/v1/tasks", "", R"({"task_id":"x"})");
  BOOST_TEST(posted.status == 401);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks", token).status == 200);
  // The token is never logged.
  BOOST_TEST(service.process().err_so_far().find(token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_target_outside_allow_target_gets_403) {
  const auto dir = fresh_folder("forbidden");
  Service service(dir);
  const auto refused = service.submit(long_task("elsewhere", "http://127.0.0.2:9"));
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(refused.body.find("127.0.0.2") != std::string::npos, refused.body);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks/elsewhere", token).status == 404);
  // The resource monitor's URL is a target too.
  auto watched = long_task("watched", "http://127.0.0.1:9");
  watched["parameters"].as_object()["target_metrics"] = "http://127.0.0.2:9/metrics";
  const auto monitor = service.submit(watched);
  BOOST_TEST(monitor.status == 403);
  BOOST_TEST(monitor.body.find("127.0.0.2") != std::string::npos, monitor.body);
  // --allow-target replaces the default: loopback itself is refused then.
  Service narrow(fresh_folder("forbidden-narrow"), {"--allow-target", "*.example.com"});
  const auto loopback = narrow.submit(long_task("here", "http://127.0.0.1:9"));
  BOOST_TEST(loopback.status == 403);
  BOOST_TEST(loopback.body.find("*.example.com") != std::string::npos, loopback.body);
}

BOOST_AUTO_TEST_CASE(an_unknown_task_gets_404) {
  Service service(fresh_folder("unknown"));
  const auto missing = http_call(service.url(), "GET", "/api/v1/tasks/nope", token);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(json::parse(missing.body).at("error").as_string() == "no task 'nope'");
  BOOST_TEST(http_call(service.url(), "DELETE", "/api/v1/tasks/nope", token).status == 404);
}

BOOST_AUTO_TEST_CASE(a_body_over_max_body_gets_413) {
  Service service(fresh_folder("large"), {"--max-body", "1024"});
  auto task = long_task("big", "http://127.0.0.1:9");
  task["padding"] = std::string(2000, 'x');
  const auto refused = service.submit(task);
  BOOST_TEST(refused.status == 413, refused.body);
  BOOST_TEST(refused.body.find("1024") != std::string::npos);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks/big", token).status == 404);
}

BOOST_AUTO_TEST_CASE(a_full_queue_gets_429_with_retry_after) {
  CountingServer target;
  Service service(fresh_folder("full"), {"--max-running", "1", "--max-queued", "0"});
  BOOST_TEST_REQUIRE(service.submit(long_task("first", target.url())).status == 202);
  BOOST_TEST_REQUIRE(target.wait_for_requests(20, std::chrono::seconds(30)));
  auto refused = service.submit(long_task("second", target.url()));
  BOOST_TEST(refused.status == 429);
  BOOST_TEST(!refused.headers["Retry-After"].empty());
  BOOST_TEST(http_call(service.url(), "DELETE", "/api/v1/tasks/first", token).status == 202);
  service.wait_for("first", {"cancelled"});
  BOOST_TEST(service.submit(long_task("second", target.url())).status == 202);
  BOOST_TEST(http_call(service.url(), "DELETE", "/api/v1/tasks/second", token).status / 100 == 2);
}

BOOST_AUTO_TEST_CASE(bad_json_and_bad_tasks_get_400_with_the_reason) {
  Service service(fresh_folder("bad"));
  auto error_of = [&](const std::string& body) {
    const auto r = http_call(service.url(), "POST", "/api/v1/tasks", token, body);
    BOOST_TEST(r.status == 400, body << " -> " << r.status);
    return std::string(json::parse(r.body).at("error").as_string());
  };
  BOOST_TEST(error_of("{\"task_id\": ").find("request body: not JSON") == 0);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks?limit=0", token).status == 400);
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks?limit=x", token).status == 400);
  BOOST_TEST(error_of(R"({"parameters": {}})") == "request body: /task_id: missing (a string)");
  BOOST_TEST(
      error_of(R"({"task_id": "t", "parameters": {"bogus": 1, "target": "http://127.0.0.1:9"}})")
          .find("unknown parameters: bogus") != std::string::npos);
  // Files and code of the service's machine are not the network's to name.
  BOOST_TEST(
      error_of(
          R"({"task_id": "t", "parameters": {"config": "/etc/passwd", "target": "http://127.0.0.1:9"}})")
          .find("/parameters/config") != std::string::npos);
  BOOST_TEST(
      error_of(
          R"({"task_id": "t", "parameters": {"plugin_dir": "/tmp", "target": "http://127.0.0.1:9"}})")
          .find("/parameters/plugin_dir") != std::string::npos);
  BOOST_TEST(
      error_of(
          R"({"task_id": "t", "parameters": {"test_types": ["nonsense"], "target": "http://127.0.0.1:9"}})")
          .find("unknown test type 'nonsense'") != std::string::npos);
  BOOST_TEST(
      error_of(R"({"task_id": "t", "parameters": {"users": 5000, "target": "http://127.0.0.1:9"}})")
          .find("--max-users") != std::string::npos);
  BOOST_TEST(
      error_of(R"({"task_id": "t", "parameters": {"rate": 50000, "target": "http://127.0.0.1:9"}})")
          .find("--max-rate") != std::string::npos);
  // Credentials given to a refused task are not logged, nor echoed in the reason.
  error_of(R"({"task_id": "t", "parameters": {"bearer_token": "hunter2", "bogus": 1}})");
  BOOST_TEST(error_of(R"({"task_id": "t", "parameters": {"header": "Authorization hunter2",
      "target": "http://127.0.0.1:9"}})")
                 .find("hunter2") == std::string::npos);
  BOOST_TEST(service.process().err_so_far().find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_polls_do_not_disturb_a_running_load) {
  Server demo({demo_api(), "--port", "0", "--threads", "1"});
  Service service(fresh_folder("polls"));
  // Open model: the rate is fixed, so polls could only show as missed rate or added latency.
  auto rate_task = [&](const std::string& id) {
    return json::object{{"task_id", id},
                        {"parameters",
                         {{"test_types", {"load_test"}},
                          {"target", demo.url() + "/fast"},
                          {"rate", 300},
                          {"duration", 4},
                          {"threads", 1}}}};
  };
  BOOST_TEST_REQUIRE(service.submit(rate_task("quiet")).status == 202);
  const auto quiet = service.wait_for("quiet", {"success", "failed", "error"});
  BOOST_TEST_REQUIRE(service.submit(rate_task("polled")).status == 202);
  std::atomic<bool> done{false};
  std::atomic<int> polls{0}, bad{0};
  std::vector<std::thread> pollers;
  for (int i = 0; i < 50; ++i)
    pollers.emplace_back([&] {
      while (!done) {
        const auto r = http_call(service.url(), "GET", "/api/v1/tasks/polled", token);
        ++polls;
        if (r.status != 200) ++bad;
        // Paced, not a wait: 50 pollers each asking 20 times a second, as dashboards would.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  const auto polled = service.wait_for("polled", {"success", "failed", "error"});
  done = true;
  for (auto& t : pollers) t.join();
  BOOST_TEST(bad.load() == 0);
  BOOST_TEST(polls.load() > 1000);
  const double quiet_rps = metric(quiet, "throughput"), polled_rps = metric(polled, "throughput");
  const double quiet_p50 = metric(quiet, "p50_response_time");
  const double polled_p50 = metric(polled, "p50_response_time");
  BOOST_TEST_MESSAGE("quiet " << quiet_rps << " req/s p50 " << quiet_p50 << " ms; with "
                              << polls.load() << " polls " << polled_rps << " req/s p50 "
                              << polled_p50 << " ms");
  BOOST_TEST(std::abs(polled_rps - quiet_rps) / quiet_rps < 0.03);
  BOOST_TEST(metric(polled, "failed_requests") == 0);
  BOOST_TEST(polled_p50 < quiet_p50 * 2 + 1.0);  // ms: noise on a shared 2-core machine
}

BOOST_AUTO_TEST_CASE(a_thousand_malformed_bodies_leave_the_service_up_with_bounded_memory) {
  Service service(fresh_folder("fuzz"));
  const std::string valid = json::serialize(long_task("fuzzed", "http://127.0.0.1:9"));
  std::mt19937 random(42);  // fixed: a failure repeats
  auto body = [&](int i) -> std::string {
    switch (i % 5) {
      case 0:  // a valid task cut short
        return valid.substr(0, random() % valid.size());
      case 1: {  // random bytes
        std::string b(random() % 2048, '\0');
        for (auto& c : b) c = char(random());
        return b;
      }
      case 2:  // nesting past any sane depth
        return std::string(1000 + random() % 5000, '[');
      case 3:  // valid JSON, not a task
        return "{\"task_id\": " + std::to_string(random()) + ", \"parameters\": [1, 2]}";
      default: {  // a valid task with a byte flipped
        std::string b = valid;
        b[random() % b.size()] = char(random());
        return b;
      }
    }
  };
  long baseline_kb = 0;
  int answered = 0, refused = 0;
  for (int i = 0; i < 1000; ++i) {
    if (i == 100) baseline_kb = rss_kb(service.process().pid());
    if (i % 10 == 9) {  // a truncated request: the body never arrives in full
      raw_exchange(service.url(),
                   "POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                       "\r\nContent-Length: 500\r\n\r\n{\"task_id\":");
      continue;
    }
    const auto r = http_call(service.url(), "POST", "/api/v1/tasks", token, body(i));
    answered += r.status != 0;
    refused += r.status == 400;
  }
  BOOST_TEST(answered == 900);
  BOOST_TEST(refused >= 850);  // a flipped byte can leave a valid task (then 202 or 409)
  BOOST_TEST(service.process().running());
  BOOST_TEST(http_call(service.url(), "GET", "/api/v1/tasks", token).status == 200);
  const long grown_kb = rss_kb(service.process().pid()) - baseline_kb;
  BOOST_TEST_MESSAGE("RSS grew " << grown_kb << " kB over 900 malformed bodies");
  BOOST_TEST(grown_kb < 32 * 1024);
}
