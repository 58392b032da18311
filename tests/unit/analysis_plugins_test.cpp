// Unit tests of each bundled test type's analysis, run through the real plugin on a FakeSession
// with scripted metrics: stress knee, spike recovery, USL fit, drift, leak slope, N+1 fit.
#define BOOST_TEST_MODULE analysis_plugins
#include "fake_session.hpp"
#include "perf/plugins/plugin_registry.hpp"
#include "perf/settings/settings_loader.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <string>

namespace json = boost::json;
namespace tt = boost::test_tools;
using namespace perf;
using perf::test::FakeSession;

namespace {

std::shared_ptr<api::TestType> bundled_test_type(const std::string& id) {
  static const plugins::PluginRegistry registry = [] {
    plugins::PluginRegistry r;
    r.load_folders({test::plugin_dir()});
    return r;
  }();
  const auto* plugin = registry.find(id, api::PluginKind::test_type);
  BOOST_REQUIRE_MESSAGE(plugin, id + " is not in " + test::plugin_dir());
  return registry.create_test_type(*plugin);
}

// The defaults (no environment, no config file) with `options` as the test type's test_options.
api::Settings settings_for(const std::string& test_type, json::object options,
                           double time_scale = 1) {
  settings::SettingsInput input;
  input.getenv = [](const char*) -> const char* { return nullptr; };
  auto s = settings::resolve_settings(input);
  s.test_options[test_type] = std::move(options);
  s.time_scale = time_scale;
  return s;
}

struct StubRequests final : api::RequestFactory {
  std::vector<api::RequestSpec> requests_for(const api::Operation& op) const override {
    return {api::RequestSpec("GET", op.path)};
  }
  api::RequestSpec request_with(
      const api::Operation& op,
      const std::vector<std::pair<std::string, std::string>>&) const override {
    return api::RequestSpec("GET", op.path);
  }
  std::string body_of_size(const api::Operation&, std::size_t) const override { return "{}"; }
  std::string base_url_for(const api::Operation&) const override { return "http://fake.test"; }
};

api::Operation get_operation(const std::string& path) {
  api::Operation op;
  op.method = "GET";
  op.path = path;
  op.operation_id = "listItems";
  op.response_codes = {"200"};
  return op;
}

// The one case the plugin's own plan() makes for `op`.
api::TestCase planned_case(const api::TestType& type, const api::Settings& s,
                           const api::Operation& op) {
  api::ApiModel model;
  model.operations.push_back(op);
  const StubRequests requests;
  auto out = type.plan(model, api::PlanContext{s, requests});
  BOOST_REQUIRE_EQUAL(out.cases.size(), 1u);
  return out.cases.front();
}

const json::value& finding(const api::CaseResult& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return f.value;
  BOOST_FAIL("no finding " << id << " (reason: " << r.reason << ")");
  static const json::value none;
  return none;
}

double number(const api::CaseResult& r, const std::string& id) {
  const auto& v = finding(r, id);
  BOOST_REQUIRE_MESSAGE(v.is_number(), id << " is " << json::serialize(v) << ", not a number");
  return v.to_number<double>();
}

// Within `fraction` of `expected`. (BOOST_TEST's tolerance turns absolute when one side is 0,
// so a finding of 0 would pass for any expected value under the tolerance.)
tt::predicate_result near(double actual, double expected, double fraction) {
  if (std::fabs(actual - expected) <= fraction * std::fabs(expected)) return true;
  tt::predicate_result result(false);
  result.message() << actual << " is not within " << fraction * 100 << " % of " << expected;
  return result;
}

bool has_finding(const api::CaseResult& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return true;
  return false;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- stress_test ----------------------------------------------------------------------------

// Four steps of 30 plan seconds at time scale 2.
api::Settings stress_settings() {
  return settings_for(
      "stress_test",
      {{"steps", json::array{10, 20, 40, 80}}, {"step_duration", 30}, {"think_time", 0}}, 2);
}

// A step at `rps` req/s over the phase's run seconds, every response 20 ms.
api::Metrics step_at(const api::Phase& phase, double rps, double scale, double error_share = 0) {
  const double seconds = phase.duration_s * scale;
  const auto requests = std::uint64_t(std::llround(rps * seconds));
  return test::metrics_of(requests, seconds, 20,
                          std::uint64_t(std::llround(error_share * double(requests))));
}

// ---- spike_test -----------------------------------------------------------------------------

// Baseline 10 s, ramp 2 s, spike 10 s, recovery 20 s (plan seconds) at time scale 2: in run
// seconds the spike starts at 20 s and ends at 44 s, and the run lasts about 84 s.
api::Settings spike_settings() {
  return settings_for("spike_test",
                      {{"baseline_users", 5},
                       {"spike_users", 50},
                       {"baseline_duration", 10},
                       {"ramp_up", 2},
                       {"spike_duration", 10},
                       {"recovery_duration", 20},
                       {"think_time", 0},
                       {"recovery_tolerance", 0.5}},
                      2);
}

// The run's per-second series: p95 10 ms until 20 s, the spike (p95 200 ms, `spike_errors` of
// 500 requests failing each second) until 44 s, then `slow_seconds` at 150 ms before p95 is back
// at about 10 ms.
api::Metrics spike_series(int slow_seconds, std::uint64_t spike_errors) {
  std::vector<api::IntervalPoint> points;
  for (int t = 1; t <= 84; ++t) {
    if (t <= 20)
      points.push_back(test::second_at(t, 50, 10));
    else if (t <= 44)
      points.push_back(test::second_at(t, 500, 200, spike_errors));
    else if (t <= 44 + slow_seconds)
      points.push_back(test::second_at(t, 50, 150));
    else
      points.push_back(test::second_at(t, 50, 10.5));
  }
  return test::metrics_of(std::move(points));
}

// ---- scalability_test -----------------------------------------------------------------------

double usl(double n, double lambda, double sigma, double kappa) {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

// Each step answers the throughput the USL gives for its users (no errors, no think time).
void answer_with_usl(FakeSession& session, double lambda, double sigma, double kappa) {
  session.on_load([=](const api::Phase& p) {
    const double rps = usl(p.users, lambda, sigma, kappa);
    return test::metrics_of(std::uint64_t(std::llround(rps * p.duration_s)), p.duration_s,
                            1000.0 * p.users / rps);
  });
}

api::Settings scalability_settings() {
  return settings_for("scalability_test",
                      {{"steps", json::array{1, 2, 4, 8, 16}}, {"step_duration", 60}});
}

// ---- endurance_test -------------------------------------------------------------------------

// 20 users for 600 s after a 30 s ramp.
api::Settings endurance_settings() {
  return settings_for("endurance_test", {{"users", 20},
                                         {"duration", 600},
                                         {"ramp_up", 30},
                                         {"think_time", 1},
                                         {"max_p95_drift", 25}});
}

// 600 seconds at 50 req/s whose p95 rises by `percent_per_hour` of its mid-run level (100 ms at
// 316 s, the middle of the steady part after the ramp), with four wild seconds, two high and two
// low.
api::Metrics drifting_p95(double percent_per_hour) {
  std::vector<api::IntervalPoint> points;
  const std::map<int, double> wild = {{100, 5000}, {250, 1}, {400, 4000}, {500, 0.5}};
  for (int t = 1; t <= 600; ++t) {
    double p95 = 100 * (1 + percent_per_hour / 100 * (t - 316) / 3600.0);
    if (const auto it = wild.find(t); it != wild.end()) p95 = it->second;
    points.push_back(test::second_at(t, 50, p95));
  }
  return test::metrics_of(std::move(points));
}

// ---- memory_leak_test -----------------------------------------------------------------------

api::Settings memory_settings() {
  return settings_for("memory_leak_test",
                      {{"users", 10}, {"duration", 60}, {"think_time", 0.05}, {"warmup", 2}});
}

constexpr double mib = 1024.0 * 1024.0;

// 60 seconds of 100 requests each; `rss_mb(t, cumulative requests)` is the target's memory.
template <typename Rss>
api::Metrics memory_series(Rss rss_mb) {
  std::vector<api::IntervalPoint> points;
  for (int t = 1; t <= 60; ++t)
    points.push_back(test::second_at(t, 100, 5, 0, rss_mb(t, 100.0 * t)));
  return test::metrics_of(std::move(points));
}

// ---- database_test --------------------------------------------------------------------------

// GET /items?limit=N with limit up to 50: the sizes 1, 5, 10, 20, 35, 50 of the default list.
api::Operation list_operation() {
  auto op = get_operation("/items");
  api::Parameter limit;
  limit.name = "limit";
  limit.location = "query";
  limit.schema = json::object{{"type", "integer"}, {"maximum", 50}};
  limit.example = 10;
  op.parameters.push_back(limit);
  return op;
}

api::Settings database_settings() {
  return settings_for("database_test", {{"samples", 3}});
}

int limit_of(const api::RequestSpec& request) {
  const auto at = request.target.find("limit=");
  BOOST_REQUIRE(at != std::string::npos);
  return std::stoi(request.target.substr(at + 6));
}

std::string page_of(int items) {
  json::array a;
  for (int i = 0; i < items; ++i) a.push_back(json::object{{"id", i + 1}});
  return json::serialize(a);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stress)

BOOST_AUTO_TEST_CASE(stress_breaks_at_the_step_where_throughput_stops_rising) {
  auto type = bundled_test_type("stress_test");
  const auto s = stress_settings();
  FakeSession session(s);
  const std::map<int, double> rps_by_users = {{10, 100}, {20, 200}, {40, 380}, {80, 390}};
  session.on_load(
      [&](const api::Phase& p) { return step_at(p, rps_by_users.at(p.users), s.time_scale); });
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_REQUIRE_EQUAL(session.phases().size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(session.phases()[i].users == (10 << i));
    BOOST_TEST(session.phases()[i].duration_s == 30.0);  // plan seconds: the session scales
  }
  BOOST_TEST(session.progress_lines().back() == "step 4/4: 80 users");
  BOOST_TEST(number(result, "breaking_point_users") == 80.0);
  BOOST_TEST(near(number(result, "max_sustainable_rps"), 380.0, 1e-6));
  BOOST_TEST(api::to_string(result.verdict) == "passed");
  BOOST_TEST(contains(result.reason, "breaking point found at 80 users"), result.reason);
  BOOST_TEST(contains(result.reason, "throughput stopped rising"), result.reason);
}

BOOST_AUTO_TEST_CASE(stress_fails_when_the_first_step_passes_the_error_limit) {
  auto type = bundled_test_type("stress_test");
  const auto s = stress_settings();
  FakeSession session(s);
  session.on_load([&](const api::Phase& p) { return step_at(p, 100, s.time_scale, 0.10); });
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(session.phases().size() == 1u);  // stops at the step that broke
  BOOST_TEST(number(result, "breaking_point_users") == 10.0);
  BOOST_TEST(number(result, "max_sustainable_rps") == 0.0);
  BOOST_TEST(api::to_string(result.verdict) == "failed");
  BOOST_TEST(starts_with(result.reason, "broke at the first step (10 users): error rate 10.0 %"),
             result.reason);
}

BOOST_AUTO_TEST_CASE(stress_that_holds_every_step_has_no_breaking_point) {
  auto type = bundled_test_type("stress_test");
  const auto s = stress_settings();
  FakeSession session(s);
  session.on_load([&](const api::Phase& p) { return step_at(p, 10.0 * p.users, s.time_scale); });
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(session.phases().size() == 4u);
  BOOST_TEST(finding(result, "breaking_point_users").is_null());
  BOOST_TEST(near(number(result, "max_sustainable_rps"), 800.0, 1e-6));
  BOOST_TEST(api::to_string(result.verdict) == "passed");
  BOOST_TEST(result.reason == "held every step");
}

BOOST_AUTO_TEST_CASE(a_step_cut_short_by_a_stop_is_neither_judged_nor_held) {
  auto type = bundled_test_type("stress_test");
  const auto s = stress_settings();
  FakeSession session(s);
  session.on_load([&](const api::Phase& p) {
    // The second step is interrupted (Ctrl-C), its throughput flattering the truth.
    if (p.users == 20) {
      session.request_stop();
      return step_at(p, 100.0 * p.users, s.time_scale);
    }
    return step_at(p, 10.0 * p.users, s.time_scale);
  });
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));
  BOOST_TEST(session.phases().size() == 2u);
  BOOST_TEST(finding(result, "breaking_point_users").is_null());
  BOOST_TEST(near(number(result, "max_sustainable_rps"), 100.0, 1e-6));  // the first step only
  BOOST_TEST(result.interrupted);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(spike)

BOOST_AUTO_TEST_CASE(spike_recovery_time_counts_run_seconds_from_the_end_of_the_spike) {
  auto type = bundled_test_type("spike_test");
  const auto s = spike_settings();
  FakeSession session(s);
  session.script_load(spike_series(7, 10));
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_REQUIRE_EQUAL(session.phases().size(), 1u);
  const auto& stages = session.phases()[0].stages;  // plan seconds
  BOOST_REQUIRE_EQUAL(stages.size(), 6u);
  BOOST_TEST(stages[1].duration_s == 10.0);
  BOOST_TEST(stages[1].target == 5.0);
  BOOST_TEST(stages[2].duration_s == 2.0);
  BOOST_TEST(stages[3].duration_s == 10.0);
  BOOST_TEST(stages[3].target == 50.0);
  BOOST_TEST(stages[5].duration_s == 20.0);
  BOOST_TEST(near(number(result, "baseline_p95_ms"), 10.0, 1e-9));
  BOOST_TEST(near(number(result, "spike_p95_ms"), 200.0, 1e-9));
  BOOST_TEST(near(number(result, "spike_error_rate"), 2.0, 1e-9));
  BOOST_TEST(near(number(result, "recovery_time_s"), 7.0, 1e-6));
  BOOST_TEST(api::to_string(result.verdict) == "passed");
  BOOST_TEST(contains(result.reason, "recovered in 7.0 s"), result.reason);
}

BOOST_AUTO_TEST_CASE(spike_that_never_comes_back_to_the_baseline_fails) {
  auto type = bundled_test_type("spike_test");
  const auto s = spike_settings();
  FakeSession session(s);
  session.script_load(spike_series(40, 10));  // slow to the end of the run
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(finding(result, "recovery_time_s").is_null());
  BOOST_TEST(near(number(result, "spike_error_rate"), 2.0, 1e-9));
  BOOST_TEST(api::to_string(result.verdict) == "failed");
  BOOST_TEST(starts_with(result.reason, "did not recover"), result.reason);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(scalability)

BOOST_AUTO_TEST_CASE(usl_fit_recovers_the_contention_and_coherency_behind_the_steps) {
  auto type = bundled_test_type("scalability_test");
  const auto s = scalability_settings();
  const double lambda = 100, sigma = 0.05, kappa = 0.002;
  FakeSession session(s);
  answer_with_usl(session, lambda, sigma, kappa);
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_REQUIRE_EQUAL(session.phases().size(), 5u);
  BOOST_TEST(session.phases()[4].users == 16);
  BOOST_TEST(session.phases()[4].think_time_s == 0.0);
  const double peak_users = std::sqrt((1 - sigma) / kappa);
  BOOST_TEST(near(number(result, "usl_sigma"), sigma, 0.02));
  BOOST_TEST(near(number(result, "usl_kappa"), kappa, 0.02));
  BOOST_TEST(near(number(result, "peak_users"), peak_users, 0.01));
  BOOST_TEST(
      near(number(result, "predicted_peak_rps"), usl(peak_users, lambda, sigma, kappa), 0.005));
  BOOST_TEST(number(result, "usl_r_squared") > 0.9999);
  const double efficiency = usl(16, lambda, sigma, kappa) / (16 * lambda);  // 0.45
  BOOST_TEST(near(number(result, "scaling_efficiency"), efficiency, 0.005));
  BOOST_TEST(api::to_string(result.verdict) == "failed");  // under min_efficiency 0.5
}

BOOST_AUTO_TEST_CASE(usl_reports_a_small_coherency_cost_instead_of_rounding_it_to_zero) {
  // κ of a few 1e-4 is typical of real services and still puts a peak in reach (49.5 users).
  auto type = bundled_test_type("scalability_test");
  const auto s = scalability_settings();
  const double lambda = 100, sigma = 0.02, kappa = 0.0004;
  FakeSession session(s);
  answer_with_usl(session, lambda, sigma, kappa);
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(near(number(result, "usl_kappa"), kappa, 0.05));
  BOOST_TEST(near(number(result, "usl_sigma"), sigma, 0.05));
  BOOST_TEST(near(number(result, "peak_users"), std::sqrt((1 - sigma) / kappa), 0.05));
}

BOOST_AUTO_TEST_CASE(perfectly_linear_scaling_has_efficiency_one_and_passes) {
  auto type = bundled_test_type("scalability_test");
  const auto s = scalability_settings();
  FakeSession session(s);
  session.on_load([](const api::Phase& p) {
    return test::metrics_of(std::uint64_t(100 * p.users * p.duration_s), p.duration_s, 10);
  });
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(near(number(result, "scaling_efficiency"), 1.0, 1e-9));
  BOOST_TEST(std::fabs(number(result, "usl_sigma")) < 1e-3);
  BOOST_TEST(std::fabs(number(result, "usl_kappa")) < 1e-3);
  BOOST_TEST(!has_finding(result, "peak_users"));  // no retrograde term: no peak
  BOOST_TEST(api::to_string(result.verdict) == "passed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(endurance)

BOOST_AUTO_TEST_CASE(endurance_p95_drift_is_robust_to_outliers_and_warns_over_the_limit) {
  auto type = bundled_test_type("endurance_test");
  const auto s = endurance_settings();
  FakeSession session(s);
  session.script_load(drifting_p95(40));
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_REQUIRE_EQUAL(session.phases().size(), 1u);
  BOOST_TEST(session.phases()[0].users == 20);
  BOOST_TEST(session.phases()[0].duration_s == 600.0);
  BOOST_TEST(session.phases()[0].ramp_up_s == 30.0);
  BOOST_TEST(near(number(result, "p95_drift_percent_per_hour"), 40.0, 0.01));
  BOOST_TEST(number(result, "throughput_drift_percent_per_hour") == 0.0);
  BOOST_TEST(finding(result, "memory_drift_percent_per_hour").is_null());
  BOOST_TEST(api::to_string(result.verdict) == "warning");
  BOOST_TEST(contains(result.reason, "degradation: p95 drifts 40.0 %/h (limit 25)"), result.reason);
}

BOOST_AUTO_TEST_CASE(endurance_flat_p95_with_outliers_gives_no_degradation_warning) {
  auto type = bundled_test_type("endurance_test");
  const auto s = endurance_settings();
  FakeSession session(s);
  session.script_load(drifting_p95(0));
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(std::fabs(number(result, "p95_drift_percent_per_hour")) < 0.01);
  BOOST_TEST(api::to_string(result.verdict) == "passed");
  BOOST_TEST(!contains(result.reason, "degradation"), result.reason);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(memory_leak)

BOOST_AUTO_TEST_CASE(memory_growing_per_request_is_a_suspected_leak) {
  auto type = bundled_test_type("memory_leak_test");
  const auto s = memory_settings();
  FakeSession session(s);
  // 2048 bytes per request; the warm-up seconds jump around and are left out of the fit.
  session.script_load(memory_series(
      [](int t, double requests) { return t <= 2 ? 150.0 * t : 200 + requests * 2048 / mib; }));
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_REQUIRE_EQUAL(session.phases().size(), 1u);
  BOOST_TEST(session.phases()[0].users == 10);
  BOOST_TEST(session.phases()[0].duration_s == 60.0);
  BOOST_TEST(session.phases()[0].think_time_s == 0.05);
  BOOST_TEST(near(number(result, "memory_slope_bytes_per_request"), 2048.0, 1e-4));
  BOOST_TEST(near(number(result, "memory_growth_mb"), 5700 * 2048 / mib, 1e-3));
  BOOST_TEST(number(result, "leak_suspected") == 1.0);
  BOOST_TEST(api::to_string(result.verdict) == "failed");
  BOOST_TEST(starts_with(result.reason, "leak suspected: 2048 bytes per request"), result.reason);
}

BOOST_AUTO_TEST_CASE(flat_memory_is_no_leak) {
  auto type = bundled_test_type("memory_leak_test");
  const auto s = memory_settings();
  FakeSession session(s);
  session.script_load(
      memory_series([](int t, double) { return t % 2 ? 200.05 : 199.95; }));  // 0.1 MB of noise
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(std::fabs(number(result, "memory_slope_bytes_per_request")) < 1.0);
  BOOST_TEST(number(result, "leak_suspected") == 0.0);
  BOOST_TEST(api::to_string(result.verdict) == "passed");
}

BOOST_AUTO_TEST_CASE(memory_leak_without_a_memory_source_cannot_decide) {
  auto type = bundled_test_type("memory_leak_test");
  const auto s = memory_settings();
  FakeSession session(s);
  session.script_resources(api::ResourceSample{});  // target_known false, no error
  session.script_load(memory_series([](int, double) { return -1.0; }));
  const auto result = session.run(*type, planned_case(*type, s, get_operation("/items")));

  BOOST_TEST(session.resource_calls() >= 1);
  BOOST_TEST(finding(result, "leak_suspected").is_null());
  BOOST_TEST(!has_finding(result, "memory_slope_bytes_per_request"));
  BOOST_TEST(api::to_string(result.verdict) == "warning");
  BOOST_TEST(starts_with(result.reason, "cannot decide: no memory source"), result.reason);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(database)

BOOST_AUTO_TEST_CASE(database_latency_growing_per_item_is_a_suspected_n_plus_one) {
  auto type = bundled_test_type("database_test");
  const auto s = database_settings();
  FakeSession session(s);
  // 5 ms plus 0.8 ms per item; one query for the list and one per item; 0.6 ms of database time
  // per item.
  session.on_send([](const api::RequestSpec& r) {
    const int n = limit_of(r);
    return test::exchange(200, page_of(n), 5 + 0.8 * n,
                          {{"X-Query-Count", std::to_string(n + 1)},
                           {"Server-Timing", "db;dur=" + std::to_string(0.6 * n)}});
  });
  const auto result = session.run(*type, planned_case(*type, s, list_operation()));

  BOOST_REQUIRE_EQUAL(session.sent().size(), 6u * 3u);  // sizes up to the maximum 50, 3 samples
  BOOST_TEST(session.sent().front().target == "/items?limit=1");
  BOOST_TEST(session.sent().back().target == "/items?limit=50");
  BOOST_TEST(near(number(result, "per_item_ms"), 0.8, 1e-3));
  BOOST_TEST(near(number(result, "fixed_ms"), 5.0, 1e-3));
  BOOST_TEST(near(number(result, "fit_r_squared"), 1.0, 1e-3));
  BOOST_TEST(near(number(result, "queries_per_item"), 1.0, 1e-3));
  BOOST_TEST(near(number(result, "db_ms_per_item"), 0.6, 1e-3));
  BOOST_TEST(number(result, "n_plus_one_suspected") == 1.0);
  BOOST_TEST(api::to_string(result.verdict) == "failed");
  BOOST_TEST(starts_with(result.reason, "N+1 suspected: 0.800 ms per item"), result.reason);
}

BOOST_AUTO_TEST_CASE(database_latency_independent_of_items_is_no_n_plus_one) {
  auto type = bundled_test_type("database_test");
  const auto s = database_settings();
  FakeSession session(s);
  session.on_send(
      [](const api::RequestSpec& r) { return test::exchange(200, page_of(limit_of(r)), 12); });
  const auto result = session.run(*type, planned_case(*type, s, list_operation()));

  BOOST_TEST(std::fabs(number(result, "per_item_ms")) < 1e-9);
  BOOST_TEST(near(number(result, "fixed_ms"), 12.0, 1e-9));
  BOOST_TEST(number(result, "n_plus_one_suspected") == 0.0);
  BOOST_TEST(api::to_string(result.verdict) == "passed");
}

BOOST_AUTO_TEST_CASE(database_ignores_non_numeric_query_count_and_timing_headers) {
  auto type = bundled_test_type("database_test");
  const auto s = database_settings();
  FakeSession session(s);
  session.on_send([](const api::RequestSpec& r) {
    const int n = limit_of(r);
    return test::exchange(
        200, page_of(n), 5 + 0.8 * n,
        {{"X-Query-Count", "abc"}, {"X-Total-Count", "many"}, {"Server-Timing", "db;dur=1.2.3"}});
  });
  api::CaseResult result;
  BOOST_REQUIRE_NO_THROW(result = session.run(*type, planned_case(*type, s, list_operation())));

  BOOST_TEST(!has_finding(result, "queries_per_item"));
  BOOST_TEST(!has_finding(result, "db_ms_per_item"));
  BOOST_TEST(near(number(result, "per_item_ms"), 0.8, 1e-3));
  BOOST_TEST(api::to_string(result.verdict) == "failed");
}

BOOST_AUTO_TEST_SUITE_END()
