#define BOOST_TEST_MODULE tls_and_monitor
#include "nginx.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

namespace json = boost::json;
using perf::test::run;

namespace {
json::value report(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}
std::string out(const std::string& name) {
  return perf::test::temp_dir() + "/" + name;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(certificates_are_verified_unless_told_otherwise) {
  perf::test::Nginx nginx("location / { return 200 \"secure\\n\"; }", "", true);
  const std::string agent = perf::test::perf_agent();
  const std::vector<std::string> base = {
      agent, "run",     "--target", nginx.url() + "/",        "--users", "2", "--duration",
      "1",   "--quiet", "--report", "json:" + out("tls.json")};
  auto verified = run(base);
  BOOST_TEST(verified.exit_code == 3);  // self-signed: refused before any load
  BOOST_TEST(verified.err.find("tls") != std::string::npos, verified.err);

  auto insecure = base;
  insecure.push_back("--insecure");
  const auto r = run(insecure);
  BOOST_TEST(r.exit_code == 0, r.err);
  const auto m = report(out("tls.json")).at("test_cases").at(0).at("metrics");
  BOOST_TEST(m.at("total_requests").as_int64() > 50);
  BOOST_TEST(m.at("failed_requests").as_int64() == 0);
  BOOST_TEST(m.at("timing").at("sums_us").at(2).as_int64() > 0);  // TLS handshakes were timed

  auto trusted = base;
  trusted.insert(trusted.end(), {"--ca-file", nginx.certificate()});
  BOOST_TEST(run(trusted).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resource_monitor)

BOOST_AUTO_TEST_CASE(the_target_is_sampled_by_pid_and_by_prometheus_metrics) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  for (const auto& source :
       std::vector<std::vector<std::string>>{{"--target-pid", std::to_string(demo.pid())},
                                             {"--target-metrics", demo.url() + "/metrics"}}) {
    std::vector<std::string> argv = {perf::test::perf_agent(),
                                     "run",
                                     "--target",
                                     demo.url() + "/fast",
                                     "--users",
                                     "2",
                                     "--duration",
                                     "2.5",
                                     "--quiet",
                                     "--report",
                                     "json:" + out("mon.json")};
    argv.insert(argv.end(), source.begin(), source.end());
    const auto r = run(argv);
    BOOST_TEST_CONTEXT(source[0]) {
      BOOST_TEST(r.exit_code == 0, r.err);
      const auto m = report(out("mon.json")).at("test_cases").at(0).at("metrics");
      BOOST_TEST(m.at("peak_memory_mb").to_number<double>() > 1.0);  // the agent's own
      int sampled = 0;
      for (const auto& p : m.at("intervals").as_array())
        if (p.as_object().contains("target_rss_mb") &&
            p.at("target_rss_mb").to_number<double>() > 1.0)
          ++sampled;
      BOOST_TEST(sampled >= 2);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
