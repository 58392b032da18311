// The service's parts without a process: reading Sentinel tasks (aliases, defaults, places in
// errors), the task store (states, restart, migrations), the router and the bearer token.
#define BOOST_TEST_MODULE service_parts
#include "perf/exec/executor.hpp"
#include "perf/server/bearer_token.hpp"
#include "perf/server/http_server.hpp"
#include "perf/service/agent_task.hpp"
#include "perf/service/task_report.hpp"
#include "perf/service/task_store.hpp"
#include "perf/util/user_error.hpp"
#include "process.hpp"
#include "sqlite_query.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace json = boost::json;
namespace http = boost::beast::http;
using namespace perf;

namespace {

service::AgentTask task_of(const std::string& text) {
  return service::parse_agent_task(json::parse(text), "task.json");
}

std::string error_of(const std::string& text) {
  try {
    task_of(text);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::filesystem::path fresh_db(const std::string& name) {
  return std::filesystem::path(test::temp_dir()) / (name + ".db");
}

server::Request request(http::verb verb, const std::string& target) {
  server::Request r{verb, target, 11};
  return r;
}

using test::sqlite_query_one;

}  // namespace

BOOST_AUTO_TEST_CASE(seed_test_type_names_are_aliases_of_ours) {
  const auto task = task_of(R"({"task_id": "t1", "parameters": {"test_types":
      ["rate_limiting", "caching", "database_performance", "memory_leak", "connection_pool",
       "pagination_performance", "search_performance", "load_test"]}})");
  const std::vector<std::string> expected{
      "rate_limit_test",      "caching_test",    "database_test", "memory_leak_test",
      "connection_pool_test", "pagination_test", "search_test",   "load_test"};
  BOOST_TEST(task.test_types == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_task_without_test_types_gets_the_seed_default) {
  const auto task = task_of(R"({"task_id": "t1", "agent_type": "performance"})");
  const std::vector<std::string> expected{"response_time", "load_test", "stress_test",
                                          "spike_test"};
  BOOST_TEST(task.test_types == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(parameters_become_long_options_with_their_values) {
  const auto task = task_of(R"({"task_id": "t1", "parameters": {"time_scale": 0.05,
      "target": "http://127.0.0.1:1", "users": 3, "insecure": true, "http2": false,
      "threshold": ["http_req_duration: p(95)<500", "http_req_failed: rate<0.01"],
      "headers": {"X-Env": "ci"}}})");
  BOOST_REQUIRE_EQUAL(task.options.size(), 6u);  // "http2": false is not set
  BOOST_TEST(task.options[0].name == "time-scale");
  BOOST_TEST(task.options[0].values.at(0) == "0.05");
  BOOST_TEST(task.options[1].values.at(0) == "http://127.0.0.1:1");
  BOOST_TEST(task.options[2].values.at(0) == "3");
  BOOST_TEST(task.options[3].name == "insecure");
  BOOST_TEST(task.options[3].values.empty());
  BOOST_TEST(task.options[4].values.size() == 2u);
  BOOST_TEST(task.options[5].name == "header");
  BOOST_TEST(task.options[5].values.at(0) == "X-Env: ci");
  BOOST_TEST(task.options[0].place == "/parameters/time_scale");
}

BOOST_AUTO_TEST_CASE(bad_tasks_are_refused_naming_the_place) {
  BOOST_TEST(error_of("[1]") == "task.json: /: a task is a JSON object");
  BOOST_TEST(error_of(R"({"parameters": {}})") == "task.json: /task_id: missing (a string)");
  BOOST_TEST(error_of(R"({"task_id": "../etc"})").find("/task_id") != std::string::npos);
  BOOST_TEST(error_of(R"({"task_id": "t", "agent_type": "security"})").find("/agent_type") !=
             std::string::npos);
  BOOST_TEST(error_of(R"({"task_id": "t", "parameters": {"users": {"a": 1}}})") ==
             "task.json: /parameters/users: expected a string, a number, true or a list");
  BOOST_TEST(error_of(R"({"task_id": "t", "api_spec": "openapi: 3.0.0"})") ==
             "task.json: /api_spec: expected the spec as a JSON object");
}

BOOST_AUTO_TEST_CASE(task_ids_are_safe_in_urls_and_file_names) {
  BOOST_TEST(service::valid_task_id("perf-test-001"));
  BOOST_TEST(service::valid_task_id("a.b_c-1"));
  BOOST_TEST(!service::valid_task_id(""));
  BOOST_TEST(!service::valid_task_id(".hidden"));
  BOOST_TEST(!service::valid_task_id("a/b"));
  BOOST_TEST(!service::valid_task_id("a b"));
  BOOST_TEST(!service::valid_task_id(std::string(129, 'a')));
}

BOOST_AUTO_TEST_CASE(the_store_keeps_every_state_and_lists_newest_first) {
  service::TaskStore store(fresh_db("states"));
  BOOST_TEST(store.add("a", "{}", R"({"test_cases": [], "metadata": {}})", 1000));
  BOOST_TEST(store.add("b", "{}", "", 2000));
  BOOST_TEST(!store.add("a", "{}", "", 3000));  // ids are unique
  store.set_running("a", 1500);
  store.finish("a", "success", R"({"result": {"verdict": "passed"}})", "", 1800);
  const auto a = store.get("a");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->status == "success");
  BOOST_TEST(a->started_unix_ms == 1500);
  BOOST_TEST(a->finished_unix_ms == 1800);
  const auto view = service::task_json(*a);
  BOOST_TEST(view.at("agent_type").as_string() == "Performance-Agent");
  BOOST_TEST(view.at("result").at("verdict").as_string() == "passed");
  BOOST_TEST(!view.contains("error_message"));
  const auto listed = store.list(10);
  BOOST_REQUIRE_EQUAL(listed.size(), 2u);
  BOOST_TEST(listed[0].task_id == "b");
  BOOST_TEST(store.list(1).size() == 1u);
  BOOST_TEST(!store.get("c"));
}

BOOST_AUTO_TEST_CASE(running_tasks_of_a_dead_process_become_interrupted_errors) {
  const auto file = fresh_db("restart");
  {
    service::TaskStore store(file);
    store.add("done", "{}", "", 1);
    store.finish("done", "success", R"({"result": {"verdict": "passed"}})", "", 2);
    store.add("busy", "{}", R"({"test_cases": [], "metadata": {}})", 3);
    store.set_running("busy", 4);
    store.add("waiting", R"({"task_id": "waiting"})", "", 5);
  }
  service::TaskStore store(file);
  BOOST_TEST(store.interrupt_running(10) == 1u);
  const auto busy = store.get("busy");
  BOOST_TEST(busy->status == "error");
  BOOST_TEST(busy->error_message == "interrupted");
  BOOST_TEST(!service::task_json(*busy).contains("result"));  // nothing half-written
  BOOST_TEST(store.get("done")->status == "success");
  const auto queued = store.queued();
  BOOST_REQUIRE_EQUAL(queued.size(), 1u);
  BOOST_TEST(queued[0].task_json == R"({"task_id": "waiting"})");
}

BOOST_AUTO_TEST_CASE(the_store_is_private_and_in_wal_mode) {
  const auto file = fresh_db("private");
  service::TaskStore store(file);
  struct stat st {};
  BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(sqlite_query_one(file, "PRAGMA journal_mode") == "wal");
}

BOOST_AUTO_TEST_CASE(a_history_file_readable_by_others_becomes_private_when_it_holds_tasks) {
  const auto file = fresh_db("shared-history");
  { std::ofstream(file.string()) << ""; }
  ::chmod(file.c_str(), 0644);
  service::TaskStore store(file);
  struct stat st {};
  BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
}

BOOST_AUTO_TEST_CASE(a_version_1_file_is_migrated_and_keeps_its_tasks) {
  const auto file = fresh_db("v1");
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE service_tasks (id INTEGER PRIMARY KEY, task_id TEXT NOT NULL UNIQUE,"
               " status TEXT NOT NULL, created_unix_ms INTEGER NOT NULL, started_unix_ms INTEGER"
               " NOT NULL DEFAULT 0, finished_unix_ms INTEGER NOT NULL DEFAULT 0, task_json TEXT"
               " NOT NULL, report_json TEXT NOT NULL DEFAULT '', error_message TEXT NOT NULL"
               " DEFAULT '');"
               "INSERT INTO service_tasks (task_id, status, created_unix_ms, task_json)"
               " VALUES ('old', 'success', 7, '{}');"
               "PRAGMA user_version = 1;",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  {
    service::TaskStore store(file);
    BOOST_TEST(store.get("old")->created_unix_ms == 7);
  }
  BOOST_TEST(sqlite_query_one(file, "PRAGMA user_version") ==
             std::to_string(service::TaskStore::schema_version));
  BOOST_TEST(sqlite_query_one(file,
                              "SELECT count(*) FROM sqlite_master WHERE name = "
                              "'service_tasks_by_status'") == "1");
}

BOOST_AUTO_TEST_CASE(a_file_from_a_newer_perf_agent_is_refused) {
  const auto file = fresh_db("newer");
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  BOOST_CHECK_EXCEPTION(service::TaskStore{file}, UserError, [&](const UserError& e) {
    return std::string(e.what()).find("newer") != std::string::npos &&
           std::string(e.what()).find(file.string()) == 0;
  });
}

BOOST_AUTO_TEST_CASE(routes_match_by_method_and_pattern) {
  server::Router router;
  router.add(http::verb::get, "/api/v1/tasks/{id}",
             [](const server::Request&, const server::PathParams& p) {
               return server::json_response(http::status::ok, p.at("id"));
             });
  const auto found = router.route(request(http::verb::get, "/api/v1/tasks/abc?x=1"));
  BOOST_TEST(found.result_int() == 200);
  BOOST_TEST(found.body() == "abc");
  BOOST_TEST(router.route(request(http::verb::put, "/api/v1/tasks/abc")).result_int() == 405);
  BOOST_TEST(router.route(request(http::verb::get, "/api/v1/tasks")).result_int() == 404);
  BOOST_TEST(router.route(request(http::verb::get, "/api/v1/tasks/a/b")).result_int() == 404);
}

BOOST_AUTO_TEST_CASE(a_handler_that_throws_answers_500_without_detail) {
  server::Router router;
  router.add(http::verb::get, "/boom",
             [](const server::Request&, const server::PathParams&) -> server::Response {
               throw std::runtime_error("secret value");
             });
  const auto r = router.route(request(http::verb::get, "/boom"));
  BOOST_TEST(r.result_int() == 500);
  BOOST_TEST(r.body().find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(guards_refuse_before_handlers_on_their_prefix_only) {
  server::Router router;
  const server::BearerToken token("s3cret");
  router.guard("/api/", [&](const server::Request& r) { return token.check(r); });
  auto ok = [](const server::Request&, const server::PathParams&) {
    return server::json_response(http::status::ok, "{}");
  };
  router.add(http::verb::get, "/api/v1/tasks", ok);
  router.add(http::verb::get, "/open", ok);
  auto bare = request(http::verb::get, "/api/v1/tasks");
  const auto refused = router.route(bare);
  BOOST_TEST(refused.result_int() == 401);
  BOOST_TEST(refused[http::field::www_authenticate] == "Bearer");
  auto wrong = bare;
  wrong.set(http::field::authorization, "Bearer s3cres");
  BOOST_TEST(router.route(wrong).result_int() == 401);
  auto prefix_only = bare;
  prefix_only.set(http::field::authorization, "Bearer s3cre");
  BOOST_TEST(router.route(prefix_only).result_int() == 401);
  auto right = bare;
  right.set(http::field::authorization, "Bearer s3cret");
  BOOST_TEST(router.route(right).result_int() == 200);
  BOOST_TEST(router.route(request(http::verb::get, "/open")).result_int() == 200);
  BOOST_TEST(router.route(request(http::verb::get, "/api")).result_int() == 401);
}

BOOST_AUTO_TEST_CASE(query_parameters_are_read_from_the_target) {
  BOOST_TEST(*server::query_parameter("/x?limit=5&y=2", "limit") == "5");
  BOOST_TEST(*server::query_parameter("/x?y=2&limit=7", "limit") == "7");
  BOOST_TEST(!server::query_parameter("/x?limits=5", "limit"));
  BOOST_TEST(!server::query_parameter("/x", "limit"));
  BOOST_TEST(server::target_path("/a/b?c=d") == "/a/b");
}

BOOST_AUTO_TEST_CASE(a_generated_token_file_is_private_and_reads_back) {
  const auto file = std::filesystem::path(test::temp_dir()) / "tokens" / "service.token";
  const auto token = server::BearerToken::generate(file);
  BOOST_TEST(token.value().size() == 64u);
  struct stat st {};
  BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(server::BearerToken::from_file(file).value() == token.value());  // newline dropped
  BOOST_TEST(token.matches(token.value()));
  BOOST_TEST(!token.matches(token.value() + "x"));
}

BOOST_AUTO_TEST_CASE(an_upgrade_request_is_handed_to_its_handler_after_the_guards) {
  // The hook the live stream builds on: the handler gets the stream and owns the connection.
  namespace websocket = boost::beast::websocket;
  auto router = std::make_shared<server::Router>();
  const server::BearerToken token("s3cret");
  router->guard("/api/", [&](const server::Request& r) { return token.check(r); });
  router->add_upgrade(
      "/api/v1/tasks/{id}/live",
      [](boost::beast::tcp_stream stream, server::Request request, server::PathParams params) {
        websocket::stream<boost::beast::tcp_stream> ws(std::move(stream));
        ws.accept(request);
        ws.write(boost::asio::buffer("hello " + params.at("id")));
      });
  exec::Executor executor(1);
  server::HttpServer http(executor, {boost::asio::ip::make_address("127.0.0.1"), 0}, router,
                          server::Limits{});
  http.start();
  const auto port = std::to_string(http.local_endpoint().port());
  auto connect = [&](const std::string& bearer) {
    boost::asio::io_context io;
    websocket::stream<boost::beast::tcp_stream> ws(io);
    ws.next_layer().connect(http.local_endpoint());
    ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& r) {
      if (!bearer.empty()) r.set(http::field::authorization, "Bearer " + bearer);
    }));
    boost::system::error_code ec;
    ws.handshake("127.0.0.1:" + port, "/api/v1/tasks/t7/live", ec);
    if (ec) return std::string("refused");
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    return boost::beast::buffers_to_string(buffer.data());
  };
  BOOST_TEST(connect("s3cret") == "hello t7");
  BOOST_TEST(connect("") == "refused");
  BOOST_TEST(connect("wrong") == "refused");
  http.stop();
  executor.stop();
}
