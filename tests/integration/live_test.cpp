// Live views (issue 17, DESIGN §10.3) against the real binary: `run --live` streams one interval
// a second per running case over a WebSocket (token as a header or as the `bearer.TOKEN`
// subprotocol), a late client gets the series so far first, the streamed requests add up to the
// report's total, /metrics passes `promtool check metrics`, the dashboard draws points in headless
// Chromium with no script error; and against `serve`, a real Prometheus scrapes the run's request
// count and the dashboard's totals match the task's result.
//
// Polling: the Prometheus query API and a task's status have no event to wait on; those loops
// poll every 100 ms with a deadline (as the service tests do). Everything else waits on lines,
// messages or process exits.
#define BOOST_TEST_MODULE live
#include "http_call.hpp"
#include "perf/exec/executor.hpp"
#include "perf/live/live_views.hpp"
#include "perf/server/http_server.hpp"
#include "perf/util/document.hpp"
#include "process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace perf::test;

namespace {

const std::string delay_server = PERF_AGENT_BINARY_DIR "/tests/servers/perf-delay-server";

struct LiveAddress {
  std::string host, port, token;
  std::string base() const { return "http://" + host + ":" + port; }
};

// "perf-agent: live at http://127.0.0.1:PORT/#token=TOKEN" from the run's stderr.
LiveAddress live_address(Process& run) {
  BOOST_REQUIRE_MESSAGE(run.wait_for_stderr("live at "), run.err_so_far());
  static const std::regex line(R"(live at http://([0-9.]+):([0-9]+)/#token=([0-9a-f]+))");
  std::smatch m;
  const auto err = run.err_so_far();
  BOOST_REQUIRE_MESSAGE(std::regex_search(err, m, line), err);
  return {m[1], m[2], m[3]};
}

// A WebSocket client of /api/v1/tasks/{task}/live, synchronous.
class LiveClient {
 public:
  // `subprotocol` false: the token as an Authorization header; true: as `bearer.TOKEN`.
  LiveClient(const LiveAddress& at, const std::string& task, bool subprotocol) : ws_(context_) {
    asio::ip::tcp::resolver resolver(context_);
    asio::connect(ws_.next_layer(), resolver.resolve(at.host, at.port));
    ws_.set_option(beast::websocket::stream_base::decorator([&](beast::websocket::request_type& r) {
      if (subprotocol)
        r.set(beast::http::field::sec_websocket_protocol, "json, bearer." + at.token);
      else
        r.set(beast::http::field::authorization, "Bearer " + at.token);
    }));
    ws_.handshake(response_, at.host + ":" + at.port, "/api/v1/tasks/" + task + "/live");
  }
  const beast::websocket::response_type& handshake() const { return response_; }

  // The next message; nullopt once the server has closed the stream.
  std::optional<json::object> next() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    if (ec) return std::nullopt;
    return json::parse(beast::buffers_to_string(buffer.data())).as_object();
  }

 private:
  asio::io_context context_;
  beast::websocket::stream<asio::ip::tcp::socket> ws_;
  beast::websocket::response_type response_;
};

// A handshake's HTTP status when the server refuses to upgrade (0 when it accepted).
int refused_upgrade_status(const LiveAddress& at, const std::string& task,
                           const std::string& token_header) {
  asio::io_context context;
  beast::websocket::stream<asio::ip::tcp::socket> ws(context);
  asio::ip::tcp::resolver resolver(context);
  asio::connect(ws.next_layer(), resolver.resolve(at.host, at.port));
  ws.set_option(beast::websocket::stream_base::decorator([&](beast::websocket::request_type& r) {
    if (!token_header.empty()) r.set(beast::http::field::authorization, token_header);
  }));
  beast::websocket::response_type response;
  beast::error_code ec;
  ws.handshake(response, at.host + ":" + at.port, "/api/v1/tasks/" + task + "/live", ec);
  return ec ? int(response.result_int()) : 0;
}

std::string artifact(const std::string& name) {
  const auto dir = fs::path(PERF_AGENT_BINARY_DIR) / "tests" / "artifacts";
  fs::create_directories(dir);
  return (dir / name).string();
}

// Headless Chromium opens the dashboard and waits (tests/tools/dashboard_probe.js) until the
// page's own state meets `condition`; returns the DOM. The page's console errors, warnings and
// exceptions fail the test; the screenshot is kept in build/tests/artifacts.
std::string dashboard_dom(const std::string& url, const std::string& condition,
                          const std::string& screenshot) {
  BOOST_REQUIRE_MESSAGE(fs::exists("/usr/bin/chromium"),
                        "chromium is not installed (scripts/setup.sh installs it)");
  const auto profile = temp_dir() + "/chromium-" + std::to_string(std::rand());
  const auto r = run({"node", PERF_AGENT_SOURCE_DIR "/tests/tools/dashboard_probe.js", url,
                      condition, "20000", screenshot, profile},
                     {}, std::chrono::seconds(60));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const auto probe = json::parse(r.out).as_object();
  BOOST_TEST(probe.at("condition_met").as_bool(), condition);
  BOOST_TEST(probe.at("exceptions").as_array().empty(), json::serialize(probe.at("exceptions")));
  for (const auto& m : probe.at("console").as_array()) {
    const std::string type(m.at("type").as_string());
    BOOST_TEST((type != "error" && type != "warning" && type != "assert"), json::serialize(m));
  }
  BOOST_TEST(fs::exists(screenshot));
  return std::string(probe.at("dom").as_string());
}

// An attribute of <body> in a DOM dump ("" when absent).
std::string body_attribute(const std::string& dom, const std::string& name) {
  const std::regex attr(name + R"(=\"([^\"]*)\")");
  std::smatch m;
  const auto body = dom.find("<body");
  const std::string tag =
      body == std::string::npos ? "" : dom.substr(body, dom.find('>', body) - body);
  return std::regex_search(tag, m, attr) ? std::string(m[1]) : "";
}

int free_port() {
  asio::io_context context;
  asio::ip::tcp::acceptor acceptor(context, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(live)

BOOST_AUTO_TEST_CASE(run_live_streams_every_second_and_the_stream_adds_up_to_the_report) {
  Server server({delay_server, "--delay-ms", "2"});
  const auto report = temp_dir() + "/live-run.json";
  Process agent({perf_agent(), "run", "--target", server.url(), "--users", "2", "--duration", "5",
                 "--think-time", "0.01", "--live", "127.0.0.1:0", "--report", "json:" + report,
                 "-q"});
  const auto at = live_address(agent);

  // Without the token: no stream and no metrics.
  BOOST_TEST(refused_upgrade_status(at, "run", "") == 401);
  BOOST_TEST(refused_upgrade_status(at, "run", "Bearer wrong") == 401);
  BOOST_TEST(http_call(at.base(), "GET", "/metrics").status == 401);
  BOOST_TEST(refused_upgrade_status(at, "no-such-task", "Bearer " + at.token) == 404);

  LiveClient first(at, "run", false);
  std::vector<json::object> seen;
  while (seen.size() < 2) {  // two seconds of the run, then a late client joins
    auto m = first.next();
    BOOST_REQUIRE(m);
    seen.push_back(*m);
  }
  LiveClient late(at, "run", true);
  // A browser drops a handshake that does not name one of its offered subprotocols.
  BOOST_TEST(std::string(late.handshake()[beast::http::field::sec_websocket_protocol]) ==
             "bearer." + at.token);
  const auto late_first = late.next();
  BOOST_REQUIRE(late_first);
  BOOST_TEST(json::serialize(*late_first) == json::serialize(seen.front()));  // history first

  // /metrics while the run goes on: the text format promtool accepts.
  auto metrics = http_call(at.base(), "GET", "/metrics", at.token);
  BOOST_TEST_REQUIRE(metrics.status == 200);
  BOOST_TEST(metrics.headers["Content-Type"].find("text/plain; version=0.0.4") == 0);
  BOOST_TEST(metrics.body.find("perf_agent_requests_total{case=\"load_test:GET:/:custom\","
                               "status=\"2xx\"}") != std::string::npos,
             metrics.body);
  const auto exposition = temp_dir() + "/exposition.txt";
  std::ofstream(exposition) << metrics.body;
  const auto check = run({"/bin/sh", "-c", "promtool check metrics < " + exposition});
  BOOST_TEST(check.exit_code == 0, check.out << check.err);

  // The dashboard, drawn by headless Chromium from the live stream.
  const auto dom =
      dashboard_dom(at.base() + "/#token=" + at.token, "+document.body.dataset.points >= 2",
                    artifact("live-dashboard.png"));
  BOOST_TEST(std::stoi("0" + body_attribute(dom, "data-points")) >= 2, dom.substr(0, 2000));
  BOOST_TEST(body_attribute(dom, "data-errors").empty(), dom);
  BOOST_TEST(dom.find("load_test:GET:/:custom") != std::string::npos, dom);

  // The rest of the stream: intervals, case_done, end, then the server closes it.
  std::uint64_t streamed = 0;
  std::size_t intervals = 0, done = 0;
  std::string end_status;
  std::vector<json::object> all = seen;
  while (auto m = first.next()) all.push_back(*m);
  for (const auto& m : all) {
    const std::string type(m.at("type").as_string());
    if (type == "interval") {
      ++intervals;
      streamed += m.at("requests").to_number<std::uint64_t>();
      BOOST_TEST(m.at("case").as_string() == "load_test:GET:/:custom");
      for (const char* key :
           {"t_s", "rps", "p50_ms", "p95_ms", "p99_ms", "errors_per_s", "active_users"})
        BOOST_TEST(m.contains(key), key);
    } else if (type == "case_done") {
      ++done;
      BOOST_TEST(m.at("verdict").as_string() == "passed");
    } else if (type == "end") {
      end_status = m.at("status").as_string();
    }
  }
  const auto exit = agent.wait();
  BOOST_TEST(exit.exit_code == 0, exit.err);
  BOOST_TEST(intervals >= 4u);
  BOOST_TEST(done == 1u);
  BOOST_TEST(end_status == "success");
  const auto result = perf::util::load_document(report).as_object();
  const auto& metrics_json = result.at("test_cases").as_array()[0].at("metrics").as_object();
  BOOST_TEST(streamed == metrics_json.at("total_requests").to_number<std::uint64_t>());
}

BOOST_AUTO_TEST_CASE(a_client_that_stops_reading_is_dropped_and_never_slows_the_run) {
  // In process: the live views on a server of their own, a client with a tiny receive buffer
  // that reads nothing, and a run publishing far more than the socket buffers hold. Publishing
  // must go on at once (the bus only queues), and the server must drop the client.
  perf::exec::Executor executor(1);
  const perf::server::BearerToken token("slow-client-token");
  perf::live::LiveViews views(token);
  perf::run::MetricsBus bus;
  views.watch("slow", bus);
  auto router = std::make_shared<perf::server::Router>();
  views.add_routes(*router);
  perf::server::HttpServer server(executor, {asio::ip::make_address("127.0.0.1"), 0}, router,
                                  perf::server::Limits{});
  server.start();
  const auto port = std::to_string(server.local_endpoint().port());

  asio::io_context context;
  beast::websocket::stream<asio::ip::tcp::socket> ws(context);
  ws.next_layer().open(asio::ip::tcp::v4());
  ws.next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.local_endpoint().port()});
  ws.set_option(beast::websocket::stream_base::decorator([&](beast::websocket::request_type& r) {
    r.set(beast::http::field::authorization, "Bearer slow-client-token");
  }));
  ws.handshake("127.0.0.1:" + port, "/api/v1/tasks/slow/live");

  const std::size_t published = 20000;  // ~5 MB of messages: more than any socket buffer here
  perf::api::Snapshot s;
  s.case_id = std::string(200, 'c');
  for (std::size_t i = 0; i < published; ++i) {
    s.point.requests = 1;
    bus.interval(s);
  }
  // Now read: what the buffers held, then the close (1008) or the end of the connection.
  std::size_t received = 0;
  beast::error_code ec;
  for (;;) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) break;
    ++received;
  }
  BOOST_TEST_MESSAGE("slow client got " << received << " of " << published
                                        << " messages: " << ec.message());
  BOOST_TEST(received < published);
  if (ec == beast::websocket::error::closed)
    BOOST_TEST(int(ws.reason().code) == int(beast::websocket::close_code::policy_error));
  std::promise<void> stopped;
  asio::post(executor.control(), [&] {
    server.stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
}

BOOST_AUTO_TEST_CASE(a_real_prometheus_scrapes_the_service_and_the_dashboard_matches_the_result) {
  BOOST_REQUIRE_MESSAGE(fs::exists("/usr/bin/prometheus"),
                        "prometheus is not installed (scripts/setup.sh installs it)");
  Server target({delay_server, "--delay-ms", "2"});
  const auto dir = temp_dir() + "/service";
  fs::create_directories(dir);
  const std::string token = "live-test-token-0123456789";
  std::ofstream(dir + "/token") << token << "\n";
  Process service({perf_agent(), "serve", "--listen", "127.0.0.1:0", "--db", dir + "/tasks.db",
                   "--token-file", dir + "/token"},
                  {"XDG_DATA_HOME=" + dir});
  BOOST_REQUIRE_MESSAGE(service.wait_for_stderr("serving on "), service.err_so_far());
  const auto err = service.err_so_far();
  const auto from = err.find("serving on ") + 11;
  const std::string url = err.substr(from, err.find(' ', from) - from);
  const std::string host_port = url.substr(7);

  // Prometheus scrapes /metrics every second with the bearer token, as DESIGN §10.3 says.
  const int prometheus_port = free_port();
  std::ofstream(dir + "/prometheus.yml")
      << "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: perf-agent\n"
      << "    scrape_interval: 1s\n    authorization:\n      type: Bearer\n"
      << "      credentials_file: " << dir << "/token\n"
      << "    static_configs:\n      - targets: ['" << host_port << "']\n";
  Process prometheus({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                      "--storage.tsdb.path=" + dir + "/tsdb",
                      "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port)});
  BOOST_REQUIRE_MESSAGE(prometheus.wait_for_stderr("Server is ready to receive web requests"),
                        prometheus.err_so_far());

  const json::object task{{"task_id", "live-1"},
                          {"parameters",
                           {{"test_types", {"load_test"}},
                            {"target", target.url()},
                            {"users", 2},
                            {"duration", 3},
                            {"think_time", 0.01}}}};
  BOOST_TEST_REQUIRE(http_call(url, "POST", "/api/v1/tasks", token, json::serialize(task)).status ==
                     202);
  json::object done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {  // polled: a task's end has no event a client can wait on
    const auto reply = http_call(url, "GET", "/api/v1/tasks/live-1", token);
    done = json::parse(reply.body).as_object();
    const std::string status(done.at("status").as_string());
    if (status != "queued" && status != "running") break;
    BOOST_REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST_REQUIRE(done.at("status").as_string() == "success", json::serialize(done));
  BOOST_TEST_REQUIRE(done.at("result").at("test_cases").as_array().size() == 1u,
                     json::serialize(done).substr(0, 3000));
  const auto total = done.at("result")
                         .at("test_cases")
                         .as_array()[0]
                         .at("metrics")
                         .at("total_requests")
                         .to_number<std::uint64_t>();

  // Prometheus has the run's request count within a scrape or two of the end.
  const std::string prometheus_url = "http://127.0.0.1:" + std::to_string(prometheus_port);
  double scraped = -1;
  const auto scrape_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < scrape_deadline) {  // polled: see the file comment
    const auto reply =
        http_call(prometheus_url, "GET", "/api/v1/query?query=sum(perf_agent_requests_total)");
    if (reply.status == 200) {
      const auto answer = json::parse(reply.body);
      const auto& result = answer.at("data").at("result").as_array();
      if (!result.empty())
        scraped = std::stod(std::string(result[0].at("value").as_array()[1].as_string()));
      if (scraped == double(total)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(scraped == double(total));
  const auto tasks_gauge = http_call(
      prometheus_url, "GET", "/api/v1/query?query=perf_agent_tasks%7Bstate%3D%22success%22%7D");
  BOOST_TEST(tasks_gauge.body.find("\"1\"") != std::string::npos, tasks_gauge.body);

  // The dashboard of the finished task: the streamed requests it drew add up to the result.
  const auto dom = dashboard_dom(url + "/#token=" + token, "document.body.dataset.ended",
                                 artifact("service-dashboard.png"));
  BOOST_TEST(body_attribute(dom, "data-requests") == std::to_string(total), dom.substr(0, 3000));
  BOOST_TEST(body_attribute(dom, "data-ended") == "success");
  BOOST_TEST(body_attribute(dom, "data-errors").empty());
  // The finished task's HTML report, linked from the task list.
  BOOST_TEST(dom.find("/api/v1/tasks/live-1/report.html") != std::string::npos);
  const auto page = http_call(url, "GET", "/api/v1/tasks/live-1/report.html", token);
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.body.find("<h1>Performance report") != std::string::npos);
  BOOST_TEST(page.body.find("load_test:GET:/:custom") != std::string::npos);
  BOOST_TEST(http_call(url, "GET", "/api/v1/tasks/live-1/report.html").status == 401);
  BOOST_TEST(http_call(url, "GET", "/api/v1/tasks/nope/report.html", token).status == 404);
  service.signal(SIGTERM);
  service.wait();
  prometheus.signal(SIGTERM);
  prometheus.wait();
}

BOOST_AUTO_TEST_SUITE_END()
