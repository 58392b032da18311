#include "case_runs.hpp"

#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

namespace perf::test {

namespace json = boost::json;

std::string demo_spec() {
  return source_dir() + "/examples/demo-api/openapi.yaml";
}
std::string out(const std::string& name) {
  return temp_dir() + "/" + name;
}

json::object run_case(const std::string& spec, const std::string& target, const std::string& test,
                      const std::string& operation_id, const std::string& config,
                      const std::vector<std::string>& extra) {
  static int n = 0;
  const auto config_path = out("case-config" + std::to_string(++n) + ".json");
  std::ofstream(config_path) << config;
  const auto report = out("case-report" + std::to_string(n) + ".json");
  std::vector<std::string> argv = {perf_agent(),     "run",        "--spec",        spec,
                                   "--target",       target,       "--tests",       test,
                                   "--operation-id", operation_id, "--config",      config_path,
                                   "--quiet",        "--report",   "json:" + report};
  argv.insert(argv.end(), extra.begin(), extra.end());
  const auto r = run(argv);
  BOOST_TEST_MESSAGE(test << " " << operation_id << ": exit " << r.exit_code << " " << r.err);
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  BOOST_REQUIRE_MESSAGE(!text.str().empty(),
                        "no report from " << test << " " << operation_id << ": " << r.err);
  return json::parse(text.str()).at("test_cases").at(0).as_object();
}

json::value finding(const json::object& c, const std::string& id) {
  for (const auto& f : c.at("findings").as_array())
    if (f.at("id").as_string() == id) return f.at("value");
  BOOST_FAIL("no finding " << id << " in " << json::serialize(c.at("findings")));
  return nullptr;
}

double number(const json::object& c, const std::string& id) {
  const auto v = finding(c, id);
  BOOST_REQUIRE_MESSAGE(v.is_number(), id << " is " << json::serialize(v));
  return v.to_number<double>();
}

}  // namespace perf::test
