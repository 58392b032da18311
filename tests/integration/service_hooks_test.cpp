// The service's extension points in one process, as the Live issue will use them: routes added
// beside the task API on the same server, and TaskService::watch_runs handing each task's
// metrics bus to an observer before its run starts. Load goes to a counting server on 127.0.0.1.
#define BOOST_TEST_MODULE service_hooks
#include "http_call.hpp"
#include "perf/exec/executor.hpp"
#include "perf/server/bearer_token.hpp"
#include "process.hpp"
#include "task_service.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using namespace perf;

namespace {

// Counts what a task's run publishes.
struct Watcher final : run::RunObserver {
  std::atomic<int> intervals{0}, cases_done{0};
  void interval(const api::Snapshot&) override { ++intervals; }
  void case_done(const api::CaseResult&) override { ++cases_done; }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_watcher_sees_each_task_run_and_routes_sit_beside_the_task_api) {
  test::CountingServer target;
  const auto db = test::temp_dir() + "/hooks.db";
  service::TaskStore store(db);
  compare::HistoryStore history(db);
  plugins::PluginRegistry registry;
  registry.load_folders({test::plugin_dir()});
  host::TaskPolicy policy;
  policy.from_network = true;
  policy.allowed_targets = {"127.0.0.1"};
  policy.spec_folder = db + ".specs";
  host::TaskService tasks(store, history, registry, policy, {});

  auto watcher = std::make_shared<Watcher>();
  std::atomic<int> watched{0};
  std::string watched_id;
  tasks.watch_runs([&](const std::string& id, run::MetricsBus& bus) {
    watched_id = id;
    ++watched;
    bus.subscribe(watcher);
  });
  auto router = std::make_shared<server::Router>();
  const server::BearerToken token("hooks-token");
  router->guard("/api/", [&](const server::Request& r) { return token.check(r); });
  tasks.add_routes(*router);
  // A route of another feature, registered the same way (no session code touched).
  router->add(bhttp::verb::get, "/api/v1/tasks/{id}/extra",
              [](const server::Request&, const server::PathParams& p) {
                return server::json_response(bhttp::status::ok, "\"extra " + p.at("id") + "\"");
              });
  exec::Executor executor(2);
  server::HttpServer http_server(executor, {boost::asio::ip::make_address("127.0.0.1"), 0}, router,
                                 server::Limits{});
  http_server.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(http_server.local_endpoint().port());

  const json::object task{{"task_id", "watched-1"},
                          {"parameters",
                           {{"test_types", {"load_test"}},
                            {"target", target.url() + "/w"},
                            {"users", 1},
                            {"duration", 1.5},
                            {"threads", 1}}}};
  const auto accepted =
      test::http_call(url, "POST", "/api/v1/tasks", token.value(), json::serialize(task));
  BOOST_TEST_REQUIRE(accepted.status == 202, accepted.body);
  // No event for the task's end here either: poll its status (see service_test.cpp).
  std::string status;
  for (int i = 0; i < 600 && status != "success" && status != "failed"; ++i) {
    const auto r = test::http_call(url, "GET", "/api/v1/tasks/watched-1", token.value());
    status = std::string(json::parse(r.body).at("status").as_string());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST_REQUIRE(status == "success");
  BOOST_TEST(watched.load() == 1);
  BOOST_TEST(watched_id == "watched-1");
  BOOST_TEST(watcher->cases_done.load() == 1);
  BOOST_TEST(watcher->intervals.load() >= 1);  // once a second while the 1.5 s phase ran

  const auto extra = test::http_call(url, "GET", "/api/v1/tasks/watched-1/extra", token.value());
  BOOST_TEST(extra.status == 200);
  BOOST_TEST(extra.body == "\"extra watched-1\"");
  BOOST_TEST(test::http_call(url, "GET", "/api/v1/tasks/watched-1/extra").status == 401);

  http_server.stop();
  tasks.stop();
  executor.stop();
}
