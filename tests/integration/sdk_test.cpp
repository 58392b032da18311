#define BOOST_TEST_MODULE sdk
#include "process.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using perf::test::run;

BOOST_AUTO_TEST_SUITE(sdk)

BOOST_AUTO_TEST_CASE(third_party_plugins_build_against_the_installed_sdk_and_load) {
  const std::string prefix = perf::test::temp_dir() + "/prefix";
  const std::string build = perf::test::temp_dir() + "/third-party-build";
  const auto install = run({"cmake", "--install", PERF_AGENT_BINARY_DIR, "--prefix", prefix});
  BOOST_REQUIRE_MESSAGE(install.exit_code == 0, install.out + install.err);
  const std::string agent = prefix + "/bin/perf-agent";
  // The installed tree works on its own: the executable finds its bundled plugins.
  const auto listed = run({agent, "plugins", "--json"});
  BOOST_REQUIRE_EQUAL(listed.exit_code, 0);
  BOOST_TEST(listed.out.find(prefix + "/lib/perf-agent/libperf-load.so") != std::string::npos,
             listed.out);

  const auto configure =
      run({"cmake", "-S", perf::test::source_dir() + "/examples/third-party-plugin", "-B", build,
           "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release"});
  BOOST_REQUIRE_MESSAGE(configure.exit_code == 0, configure.out + configure.err);
  const auto compiled = run({"cmake", "--build", build, "-j2"}, {}, std::chrono::seconds(600));
  BOOST_REQUIRE_MESSAGE(compiled.exit_code == 0, compiled.out + compiled.err);

  const auto with_plugins = run({agent, "plugins", "--plugin-dir", build});
  BOOST_TEST(with_plugins.out.find("head_check") != std::string::npos, with_plugins.out);
  BOOST_TEST(with_plugins.out.find("markdown") != std::string::npos, with_plugins.out);
  BOOST_TEST(with_plugins.out.find("Not loaded") == std::string::npos, with_plugins.out);

  perf::test::Server demo({prefix + "/bin/perf-demo-api", "--port", "0"});
  const std::string summary = perf::test::temp_dir() + "/summary.md";
  const auto r =
      run({agent, "run", "--spec", perf::test::source_dir() + "/examples/demo-api/openapi.yaml",
           "--target", demo.url(), "--plugin-dir", build, "--tests", "head_check", "--include-path",
           "/fast", "--report", "markdown:" + summary, "--quiet"});
  BOOST_TEST(r.exit_code == 0, r.err);
  std::ifstream in(summary);
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str().find("| head_check:GET:/fast | passed |") != std::string::npos, text.str());
}

BOOST_AUTO_TEST_SUITE_END()
