// --http2 end to end: the real perf-agent against nginx with `http2` on loopback, h2c with prior
// knowledge and h2 over TLS chosen by ALPN. What the server saw is read from nginx's access log
// ($server_protocol, $connection, $connection_requests), written out once nginx has stopped.
#define BOOST_TEST_MODULE http2
#include "nginx.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace json = boost::json;
using perf::test::run;

namespace {

const std::string delay_server = PERF_AGENT_BINARY_DIR "/tests/servers/perf-delay-server";

std::string out(const std::string& name) {
  return perf::test::temp_dir() + "/" + name;
}

// One access log line: protocol, connection serial number, requests on it so far, status, URI.
struct Logged {
  std::string protocol;
  long connection = 0;
  long connection_requests = 0;
  int status = 0;
  std::string uri;
};

const std::string log_format =
    "log_format h2 '$server_protocol $connection $connection_requests $status $request_uri';";
const std::string access_log = "access_log @DIR@/logs/access.log h2;";

// nginx with HTTP/2 on its port (h2c, or h2 with TLS), logging every request; stop() writes the
// log out and returns it.
class H2Nginx {
 public:
  explicit H2Nginx(const std::string& locations, bool tls = false,
                   const std::string& http_extra = "")
      : nginx_(std::in_place, access_log + "\n" + locations, log_format + "\n" + http_extra, tls,
               "worker_connections 1024;", "http2") {}
  std::string url() const { return nginx_->url(); }
  const std::string& certificate() const { return nginx_->certificate(); }
  // The run's requests for `uri` as nginx logged them, less the pre-flight: the first one, on a
  // connection of its own.
  std::vector<Logged> stop(const std::string& uri) {
    const std::string path = nginx_->dir() + "/logs/access.log";
    nginx_.reset();  // SIGQUIT: nginx finishes, writes and exits
    std::vector<Logged> lines;
    std::istringstream in(perf::test::slurp(path));
    for (Logged l; in >> l.protocol >> l.connection >> l.connection_requests >> l.status >> l.uri;)
      if (l.uri == uri) lines.push_back(l);
    BOOST_REQUIRE(!lines.empty());
    const long preflight = lines.front().connection;
    BOOST_TEST(std::count_if(lines.begin(), lines.end(),
                             [&](const Logged& l) { return l.connection == preflight; }) == 1);
    lines.erase(lines.begin());
    return lines;
  }

 private:
  std::optional<perf::test::Nginx> nginx_;
};

const std::string static_site = "location / { return 200 \"hello over h2\\n\"; }";

json::object metrics_of(const std::string& report) {
  const auto doc = json::parse(perf::test::slurp(report));
  return doc.at("test_cases").at(0).at("metrics").as_object();
}

std::int64_t count(const json::object& m, const char* map, const char* key) {
  const auto* entry = m.at(map).as_object().if_contains(key);
  return entry ? entry->as_int64() : 0;
}

std::vector<std::string> agent(const std::string& url, const std::string& report,
                               std::vector<std::string> extra) {
  std::vector<std::string> argv = {perf::test::perf_agent(),
                                   "run",
                                   "--target",
                                   url,
                                   "--http2",
                                   "--threads",
                                   "1",
                                   "--quiet",
                                   "--report",
                                   "json:" + report};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// A loopback port whose listen backlog accepts connections that nothing ever answers.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 128) != 0)
      throw std::runtime_error("cannot listen on loopback");
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http2)

BOOST_AUTO_TEST_CASE(h2c_with_prior_knowledge_answers_every_request_over_http2) {
  H2Nginx nginx(static_site);
  const auto report = out("h2c.json");
  const auto r =
      run(agent(nginx.url() + "/hello", report, {"--users", "4", "--iterations", "300"}));
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto m = metrics_of(report);
  BOOST_TEST(m.at("total_requests").as_int64() == 300);
  BOOST_TEST(m.at("failed_requests").as_int64() == 0);
  BOOST_TEST(count(m, "status_codes", "200") == 300);
  const auto& sums = m.at("timing").at("sums_us").as_array();
  BOOST_TEST(sums.at(1).as_int64() > 0);  // connects were timed
  BOOST_TEST(sums.at(4).as_int64() > 0);  // and waiting for answers

  const auto log = nginx.stop("/hello");
  BOOST_TEST(log.size() == 300u);
  for (const auto& l : log) {
    BOOST_TEST(l.protocol == "HTTP/2.0");
    BOOST_TEST(l.status == 200);
  }
}

BOOST_AUTO_TEST_CASE(h2_over_tls_is_chosen_by_alpn) {
  H2Nginx nginx(static_site, true);
  const auto report = out("h2.json");
  const auto r = run(agent(
      nginx.url() + "/hello", report,
      {"--users", "3", "--iterations", "150", "--streams", "3", "--ca-file", nginx.certificate()}));
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto m = metrics_of(report);
  BOOST_TEST(m.at("total_requests").as_int64() == 150);
  BOOST_TEST(count(m, "status_codes", "200") == 150);
  BOOST_TEST(m.at("timing").at("sums_us").at(2).as_int64() > 0);  // TLS handshakes were timed

  const auto log = nginx.stop("/hello");
  BOOST_TEST(log.size() == 150u);
  for (const auto& l : log) BOOST_TEST(l.protocol == "HTTP/2.0");
}

BOOST_AUTO_TEST_CASE(a_tls_server_without_h2_is_refused_instead_of_spoken_to_in_http1) {
  perf::test::Nginx nginx(static_site, "", true);  // TLS, HTTP/1.1 only: ALPN has no "h2"
  const auto r = run(agent(nginx.url() + "/hello", out("no-h2.json"),
                           {"--users", "1", "--iterations", "3", "--insecure"}));
  BOOST_TEST(r.exit_code == 3, r.err);  // the pre-flight, over HTTP/2 too, found no h2 there
  BOOST_TEST(r.err.find("tls") != std::string::npos, r.err);
}

// nginx refuses the handshake itself when ALPN offers nothing it speaks, so the test above ends
// in a TLS error before our own check. `openssl s_server` without -alpn completes the handshake
// and chooses no protocol: the client must notice and refuse, not speak HTTP/1.1 or HTTP/2.
BOOST_AUTO_TEST_CASE(a_handshake_that_chooses_no_protocol_is_refused_by_the_client) {
  const auto dir = perf::test::temp_dir();
  const auto made = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                         dir + "/alpn-key.pem", "-out", dir + "/alpn-cert.pem", "-days", "1",
                         "-subj", "/CN=127.0.0.1"});
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
  const int port = perf::test::free_port();
  // s_server says nothing on stderr when ready: Server waits until the port accepts.
  perf::test::Server server(
      {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
       dir + "/alpn-cert.pem", "-key", dir + "/alpn-key.pem", "-www", "-quiet"},
      port);
  const auto r = run(agent("https://127.0.0.1:" + std::to_string(port) + "/", out("no-alpn.json"),
                           {"--users", "1", "--iterations", "3", "--insecure"}));
  BOOST_TEST(r.exit_code == 3, r.err);  // every request failed
  // Each as a protocol error whose sample names why (TLS itself went well).
  const auto m = metrics_of(out("no-alpn.json"));
  BOOST_TEST(count(m, "errors", "protocol") == 3);
  BOOST_TEST(count(m, "errors", "tls") == 0);
  const auto& sample = m.at("samples").at(0);
  BOOST_TEST(sample.at("key").as_string() == "protocol");
  BOOST_TEST(
      sample.at("detail").as_string().find("did not choose HTTP/2 (h2)") != std::string::npos,
      boost::json::serialize(sample));
}

BOOST_AUTO_TEST_CASE(users_share_a_connection_up_to_the_streams_per_connection) {
  {
    H2Nginx nginx(static_site);
    const auto report = out("shared.json");
    const auto r = run(agent(nginx.url() + "/hello", report,
                             {"--users", "2", "--streams", "10", "--iterations", "100"}));
    BOOST_TEST(r.exit_code == 0, r.err);
    std::set<long> connections;
    long most = 0;
    for (const auto& l : nginx.stop("/hello")) {
      connections.insert(l.connection);
      most = std::max(most, l.connection_requests);
    }
    BOOST_TEST(connections.size() == 1u);  // 2 users, 10 streams: one connection
    BOOST_TEST(most == 100);
  }
  {
    H2Nginx nginx(static_site);
    const auto report = out("split.json");
    const auto r = run(agent(nginx.url() + "/hello", report,
                             {"--users", "5", "--streams", "2", "--iterations", "100"}));
    BOOST_TEST(r.exit_code == 0, r.err);
    std::set<long> connections;
    for (const auto& l : nginx.stop("/hello")) connections.insert(l.connection);
    BOOST_TEST(connections.size() == 3u);  // 5 users, 2 streams: ceil(5 / 2) connections
  }
}

BOOST_AUTO_TEST_CASE(the_open_model_fills_streams_within_the_connection_bound) {
  H2Nginx nginx(static_site);
  const auto report = out("open.json");
  const auto r =
      run(agent(nginx.url() + "/hello", report,
                {"--rate", "200", "--duration", "1", "--streams", "5", "--max-connections", "2"}));
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto m = metrics_of(report);
  // 200 arrivals (one more or less: how the arrival times round at the end of the second).
  const auto arrivals = m.at("total_requests").as_int64() + m.at("dropped_iterations").as_int64();
  BOOST_TEST(arrivals >= 199);
  BOOST_TEST(arrivals <= 201);
  BOOST_TEST(m.at("failed_requests").as_int64() == 0);
  const auto log = nginx.stop("/hello");
  BOOST_TEST(log.size() == std::size_t(m.at("total_requests").as_int64()));
  std::set<long> connections;
  for (const auto& l : log) connections.insert(l.connection);
  BOOST_TEST(connections.size() <= 2u);
}

BOOST_AUTO_TEST_CASE(the_first_404_is_kept_as_a_sample) {
  H2Nginx nginx(static_site + "\nlocation = /missing { return 404 \"no such thing\\n\"; }");
  const auto report = out("404.json");
  const auto r = run(agent(nginx.url() + "/missing", report,
                           {"--users", "4", "--streams", "2", "--iterations", "40"}));
  BOOST_TEST(r.exit_code == 1, r.err);  // every request failed its status check
  const auto m = metrics_of(report);
  BOOST_TEST(count(m, "status_codes", "404") == 40);
  const auto& samples = m.at("samples").as_array();
  BOOST_REQUIRE_EQUAL(samples.size(), 1u);
  const auto& s = samples[0].as_object();
  BOOST_TEST(s.at("key").as_string() == "404");
  BOOST_TEST(s.at("status").as_int64() == 404);
  BOOST_TEST(s.at("status_line").as_string() == "HTTP/2 404");
  BOOST_TEST(s.at("body").as_string() == "no such thing\n");
  BOOST_TEST(s.at("request").as_string() == "GET /missing");
}

BOOST_AUTO_TEST_CASE(a_slow_stream_times_out_alone_and_is_reset) {
  perf::test::Server slow({delay_server, "--delay-ms", "3000"});
  H2Nginx nginx(static_site + "\nlocation /slow { proxy_pass " + slow.url() + "; }");
  const auto report = out("slow.json");
  const auto r =
      run(agent(nginx.url() + "/slow", report,
                {"--users", "2", "--streams", "2", "--duration", "1.2", "--timeout", "0.3"}),
          {}, std::chrono::seconds(60));
  const auto m = metrics_of(report);
  const auto timeouts = count(m, "errors", "request_timeout");
  BOOST_TEST(timeouts >= 4, r.err);  // 2 users, 0.3 s each, for 1.2 s
  BOOST_TEST(m.at("total_requests").as_int64() == timeouts);
  const auto& samples = m.at("samples").as_array();
  BOOST_REQUIRE_EQUAL(samples.size(), 1u);
  BOOST_TEST(samples[0].at("key").as_string() == "request_timeout");
  // nginx saw each stream cancelled by the client (499) on one connection that stayed up.
  const auto log = nginx.stop("/slow");
  BOOST_TEST(log.size() == std::size_t(timeouts));
  std::set<long> connections;
  for (const auto& l : log) {
    connections.insert(l.connection);
    BOOST_TEST(l.status == 499);
  }
  BOOST_TEST(connections.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_silent_server_times_out_instead_of_hanging) {
  SilentServer silent;
  const auto report = out("silent.json");
  const auto r =
      run(agent(silent.url(), report,
                {"--users", "3", "--streams", "3", "--duration", "1", "--timeout", "0.3"}),
          {}, std::chrono::seconds(60));
  const auto m = metrics_of(report);
  BOOST_TEST(m.at("total_requests").as_int64() >= 3, r.err);
  BOOST_TEST(count(m, "errors", "request_timeout") == m.at("total_requests").as_int64());
}

BOOST_AUTO_TEST_CASE(ctrl_c_ends_streams_under_way) {
  // One request a minute: the pre-flight is answered at once, the load's requests are held.
  H2Nginx nginx("location /held { limit_req zone=held burst=100; }", false,
                "limit_req_zone $server_name zone=held:1m rate=1r/m;");
  const auto report = out("interrupted.json");
  perf::test::Process agent({perf::test::perf_agent(), "run", "--target", nginx.url() + "/held",
                             "--http2", "--streams", "4", "--users", "8", "--duration", "60",
                             "--timeout", "30", "--report", "json:" + report});
  BOOST_REQUIRE_MESSAGE(agent.wait_for_stderr(" req/s"),
                        "no progress line: " << agent.err_so_far());
  const auto interrupted = std::chrono::steady_clock::now();
  agent.signal(SIGINT);
  const auto r = agent.wait(std::chrono::seconds(30));
  BOOST_TEST(r.exit_code == 130, r.err);
  // Every stream waits a minute for its answer: stopping at once means they were ended.
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count() <
             10.0);
  const auto doc = json::parse(perf::test::slurp(report));
  BOOST_TEST(doc.at("interrupted").as_bool());
}

BOOST_AUTO_TEST_CASE(streams_needs_http2) {
  const auto r =
      run({perf::test::perf_agent(), "run", "--target", "http://127.0.0.1:1/", "--streams", "4"});
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--http2") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
