#define BOOST_TEST_MODULE plugin_loading
#include "perf/engine/load_engine.hpp"
#include "perf/plugins/plugin_registry.hpp"
#include "perf/run/case_session.hpp"
#include "perf/run/metrics_bus.hpp"
#include "perf/settings/settings_loader.hpp"
#include "process.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace perf;
using perf::plugins::PluginRegistry;

namespace {

const std::string fixtures = PERF_AGENT_TEST_PLUGIN_DIR;

std::string reason_for(const PluginRegistry& r, const std::string& file_name) {
  for (const auto& p : r.problems())
    if (p.file.filename() == file_name) return p.reason;
  return "";
}

api::ApiModel one_operation_model() {
  api::ApiModel model;
  api::Operation op;
  op.method = "GET";
  op.path = "/fast";
  model.operations.push_back(op);
  return model;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(plugin_loading)

BOOST_AUTO_TEST_CASE(a_good_plugin_loads_with_its_descriptor) {
  PluginRegistry registry;
  registry.load_folders({fixtures + "/good"});
  BOOST_TEST(registry.problems().empty());
  const auto* p = registry.find("good_probe", api::PluginKind::test_type);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->version == "0.0.1");
  BOOST_TEST(p->sdk == std::to_string(api::sdk_major) + "." + std::to_string(api::sdk_minor));
  BOOST_TEST(p->file.filename() == "libperf-good_test_plugin.so");
}

BOOST_AUTO_TEST_CASE(unusable_files_are_named_with_a_reason_and_the_rest_still_load) {
  const fs::path dir = fs::path(test::temp_dir()) / "mixed-plugins";
  fs::create_directories(dir);
  fs::copy(fixtures + "/bad", dir,
           fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  fs::copy(fixtures + "/good", dir,
           fs::copy_options::overwrite_existing | fs::copy_options::recursive);
  {
    std::ofstream garbage(dir / "libgarbage.so", std::ios::binary);
    std::mt19937 random(1);
    for (int i = 0; i < 4096; ++i) garbage.put(char(random()));
  }
  std::ofstream(dir / "README.txt") << "not a candidate: ignored";
  PluginRegistry registry;
  registry.load_folders({dir});
  BOOST_TEST(reason_for(registry, "libgarbage.so").find("not a shared library") !=
             std::string::npos);
  BOOST_TEST(reason_for(registry, "libnot_a_plugin.so").find("no perf-agent entry point") !=
             std::string::npos);
  BOOST_TEST(reason_for(registry, "libperf-wrong_abi_plugin.so")
                     .find("built against SDK 999.0, this perf-agent uses SDK " +
                           std::to_string(perf::api::sdk_major) + ".") != std::string::npos,
             reason_for(registry, "libperf-wrong_abi_plugin.so"));
  BOOST_TEST(reason_for(registry, "libperf-newer_minor_plugin.so").find("newer than this") !=
                 std::string::npos,
             reason_for(registry, "libperf-newer_minor_plugin.so"));
  BOOST_TEST(registry.problems().size() == 4u);
  BOOST_TEST(registry.find("good_probe", api::PluginKind::test_type));
}

BOOST_AUTO_TEST_CASE(a_second_plugin_with_the_same_id_is_a_duplicate) {
  const fs::path copy = fs::path(test::temp_dir()) / "copy-of-good";
  fs::create_directories(copy);
  fs::copy_file(fixtures + "/good/libperf-good_test_plugin.so", copy / "libperf-good-again.so",
                fs::copy_options::overwrite_existing);
  PluginRegistry registry;
  registry.load_folders({fixtures + "/good", copy});
  BOOST_TEST(
      reason_for(registry, "libperf-good-again.so").find("duplicate test_type id 'good_probe'") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_plugin_object_keeps_its_library_loaded_after_the_registry_is_gone) {
  const std::string file = fixtures + "/good/libperf-good_test_plugin.so";
  std::shared_ptr<api::TestType> probe;
  {
    PluginRegistry registry;
    registry.load_folders({fixtures + "/good"});
    probe = registry.create_test_type(*registry.find("good_probe", api::PluginKind::test_type));
  }
  // The registry (the host-side handle) is gone; the object must still work.
  void* still_loaded = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  BOOST_REQUIRE(still_loaded);
  auto* instances = static_cast<std::atomic<int>*>(dlsym(still_loaded, "good_plugin_instances"));
  BOOST_REQUIRE(instances);
  BOOST_TEST(instances->load() == 1);
  dlclose(still_loaded);
  const auto settings = settings::resolve_settings({});
  struct NoRequests final : api::RequestFactory {
    std::vector<api::RequestSpec> requests_for(const api::Operation&) const override {
      return {{}};
    }
    api::RequestSpec request_with(
        const api::Operation&,
        const std::vector<std::pair<std::string, std::string>>&) const override {
      return {};
    }
    std::string body_of_size(const api::Operation&, std::size_t) const override { return ""; }
    std::string base_url_for(const api::Operation&) const override { return "http://127.0.0.1:1"; }
  } factory;
  BOOST_TEST(probe->plan(one_operation_model(), {settings, factory}).cases.size() == 1u);
  probe.reset();  // the last owner: destructor runs, then the library may go
  BOOST_TEST(dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD) == nullptr);
}

BOOST_AUTO_TEST_CASE(two_plugins_run_at_once_on_the_shared_executor) {
  test::Server demo({test::demo_api(), "--port", "0"});
  PluginRegistry registry;
  registry.load_folders({test::plugin_dir(), fixtures + "/good"});
  auto load = registry.create_test_type(*registry.find("load_test", api::PluginKind::test_type));
  auto probe = registry.create_test_type(*registry.find("good_probe", api::PluginKind::test_type));

  auto settings = settings::resolve_settings({});
  exec::Executor executor(2);
  engine::EngineOptions options;
  options.default_base_url = demo.url();
  engine::LoadEngine engine(executor, options);
  run::MetricsBus bus;
  run::StopSignal stop;
  run::RunContext context{executor, engine, bus, settings, stop, nullptr, {}};

  api::TestCase load_case;
  load_case.id = "load";
  load_case.test_type = "load_test";
  load_case.requests = {{"GET", "/fast", {}, ""}};
  load_case.performance_config =
      boost::json::object{{"concurrent_users", 4}, {"duration_seconds", 1}, {"think_time", 0}};
  api::TestCase probe_case = load_case;
  probe_case.id = "probe";
  run::CaseSession load_session(context, "load", demo.url());
  run::CaseSession probe_session(context, "probe", demo.url());
  auto a = boost::asio::co_spawn(executor.control(), load->run(load_case, load_session),
                                 boost::asio::use_future);
  auto b = boost::asio::co_spawn(executor.control(), probe->run(probe_case, probe_session),
                                 boost::asio::use_future);
  const auto load_result = a.get();
  const auto probe_result = b.get();
  executor.stop();
  BOOST_TEST(load_result.metrics.total_requests > 100u);
  BOOST_TEST(load_result.metrics.failed_requests == 0u);
  BOOST_TEST(api::to_string(probe_result.verdict) == "passed");
}

// tests/fixtures/sdk-3.0: a test type compiled against the frozen SDK 3.0 headers, linked with
// today's libperf-sdk, run by the real perf-agent against the demo API.
BOOST_AUTO_TEST_CASE(a_plugin_built_against_the_sdk_3_0_headers_loads_and_runs) {
  const std::string dir = fixtures + "/sdk-3.0";
  const auto listed = test::run({test::perf_agent(), "plugins", "--json", "--plugin-dir", dir});
  BOOST_REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  const auto plugins = boost::json::parse(listed.out);
  BOOST_TEST(plugins.at("problems").as_array().empty(), listed.out);
  const boost::json::object* legacy = nullptr;
  for (const auto& p : plugins.at("plugins").as_array())
    if (p.at("id").as_string() == "legacy_probe") legacy = &p.as_object();
  BOOST_REQUIRE_MESSAGE(legacy, listed.out);
  BOOST_TEST(legacy->at("sdk").as_string() == "3.0");
  BOOST_TEST(legacy->at("kind").as_string() == "test_type");
  BOOST_TEST(
      fs::equivalent(fs::path(std::string(legacy->at("file").as_string())).parent_path(), dir));

  test::Server demo({test::demo_api(), "--port", "0"});
  const std::string report = test::temp_dir() + "/legacy.json";
  const auto r = test::run({test::perf_agent(), "run", "--spec",
                            test::source_dir() + "/examples/demo-api/openapi.yaml", "--target",
                            demo.url(), "--plugin-dir", dir, "--tests", "legacy_probe",
                            "--include-path", "/fast", "--report", "json:" + report, "--quiet"});
  BOOST_TEST(r.exit_code == 0, r.err);
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = boost::json::parse(text.str());
  const auto& cases = doc.at("test_cases").as_array();
  BOOST_REQUIRE_EQUAL(cases.size(), 1u);
  const auto& c = cases.front().as_object();
  BOOST_TEST(c.at("id").as_string() == "legacy_probe:GET:/fast");
  BOOST_TEST(c.at("verdict").as_string() == "passed", c.at("reason").as_string());
  // The probe and the phase's 20 requests, every one answered 200.
  BOOST_TEST(c.at("metrics").at("total_requests").as_int64() == 21);
  BOOST_TEST(c.at("metrics").at("status_codes").at("200").as_int64() == 21);
  std::map<std::string, double> findings;
  for (const auto& f : c.at("findings").as_array())
    findings[std::string(f.at("id").as_string())] = f.at("value").to_number<double>();
  BOOST_TEST(findings["probe_status"] == 200);
  BOOST_TEST(findings["probe_has_content_type"] == 1);
  BOOST_TEST(findings["phase_requests"] == 20);
}

BOOST_AUTO_TEST_SUITE_END()
