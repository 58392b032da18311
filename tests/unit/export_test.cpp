#define BOOST_TEST_MODULE export_units
// The export writers and the LLM suggestion checks, without a server: load shapes from the plan,
// thresholds in each tool's words, what is not carried, escaping, credentials kept out.
#include "perf/export/export_script.hpp"
#include "perf/export/load_shape.hpp"
#include "perf/llm/suggestion_check.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace perf;

namespace {

api::TestCase get_case(const std::string& id, const std::string& type) {
  api::TestCase c;
  c.id = id;
  c.test_type = type;
  c.method = "GET";
  c.endpoint = "/items";
  c.base_url = "http://127.0.0.1:8080";
  c.requests.push_back(api::RequestSpec("GET", "/items", {{"Accept", "application/json"}}));
  return c;
}

plan::Plan plan_of(std::vector<api::TestCase> cases) {
  plan::Plan p;
  p.api_title = "test API";
  p.test_cases = std::move(cases);
  return p;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(load_shapes)

BOOST_AUTO_TEST_CASE(spike_parameters_become_scaled_stages_up_and_down) {
  auto c = get_case("spike_test:GET:/items", "spike_test");
  c.parameters =
      json::object{{"baseline_users", 10}, {"spike_users", 100}, {"baseline_duration", 30},
                   {"spike_duration", 60}, {"ramp_up", 5},       {"recovery_duration", 60},
                   {"think_time", 0.1}};
  exporter::NotCarried notes;
  const auto s = exporter::load_shape(c, 0.1, notes);
  BOOST_TEST(!s.open);
  BOOST_TEST(s.peak() == 100);
  BOOST_TEST(s.duration_s() == (0.01 + 30 + 5 + 60 + 0.01 + 60) * 0.1,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(s.think_time_s == 0.1);  // think time is not scaled
  BOOST_TEST(s.stages.back().target == 10);
  BOOST_TEST(notes.lines().size() == 1u);  // the recovery verdict stays perf-agent's
}

BOOST_AUTO_TEST_CASE(a_rate_is_an_open_model_and_users_with_ramp_a_closed_one) {
  auto c = get_case("load_test:GET:/items:custom", "load_test");
  c.performance_config = json::object{
      {"concurrent_users", 5}, {"duration_seconds", 20}, {"ramp_up_seconds", 0}, {"rate_rps", 40}};
  exporter::NotCarried notes;
  auto s = exporter::load_shape(c, 1, notes);
  BOOST_TEST(s.open);
  BOOST_TEST(s.constant());
  BOOST_TEST(s.peak() == 40);
  c.performance_config = json::object{
      {"concurrent_users", 5}, {"duration_seconds", 20}, {"ramp_up_seconds", 5}, {"think_time", 1}};
  s = exporter::load_shape(c, 1, notes);
  BOOST_TEST(!s.open);
  BOOST_TEST(!s.constant());
  BOOST_TEST(s.stages.size() == 2u);
  BOOST_TEST(s.duration_s() == 20);
  BOOST_TEST(notes.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(writers)

BOOST_AUTO_TEST_CASE(k6_thresholds_are_per_scenario_and_unknown_assertions_are_listed) {
  auto c = get_case("load_test:GET:/items:custom", "load_test");
  c.performance_config = json::object{{"concurrent_users", 2}, {"duration_seconds", 10}};
  c.assertions.push_back({"p95_response_time", "less_than", 800, "", {}, {}});
  c.assertions.push_back({"error_rate", "less_than", 5, "", {}, {}});
  c.assertions.push_back({"cache_hit_ratio", "greater_than", 0.5, "", {}, {}});
  exporter::ExportOptions options;
  options.thresholds = {"http_reqs{test_type:load_test}: rate>3",
                        "http_reqs{test_type:spike_test}: rate>9"};
  const auto script = exporter::export_plan(plan_of({c}), exporter::Format::k6, options);
  BOOST_TEST(script.text.find(R"("http_req_duration{scenario:case_1}": ["p(95)<800", ])") !=
                 std::string::npos,
             script.text);
  BOOST_TEST(script.text.find(R"("http_req_failed{scenario:case_1}": ["rate<0.05", ])") !=
             std::string::npos);
  BOOST_TEST(script.text.find("rate>3") != std::string::npos);  // its tags name this case
  BOOST_TEST(script.text.find("rate>9") == std::string::npos);  // another test type's
  BOOST_TEST(script.text.find("executor: 'constant-vus', vus: 2, duration: '10s'") !=
             std::string::npos);
  BOOST_REQUIRE(script.not_carried.lines().size() == 1u);
  BOOST_TEST(script.not_carried.lines()[0].find("cache_hit_ratio") != std::string::npos);
  BOOST_TEST(script.text.find(script.not_carried.lines()[0]) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(jmeter_escapes_text_and_layers_a_spike_into_thread_groups) {
  auto c = get_case("spike_test:GET:/items", "spike_test");
  c.requests = {api::RequestSpec("POST", "/items?a=1&b=2", {{"Content-Type", "application/json"}},
                                 R"({"name":"<b> & \"q\""})")};
  c.parameters =
      json::object{{"baseline_users", 10}, {"spike_users", 100}, {"baseline_duration", 30},
                   {"spike_duration", 60}, {"ramp_up", 5},       {"recovery_duration", 60}};
  exporter::ExportOptions options;
  options.credentials.bearer = true;
  const auto script = exporter::export_plan(plan_of({c}), exporter::Format::jmeter, options);
  const auto& t = script.text;
  BOOST_TEST(t.find("/items?a=1&amp;b=2") != std::string::npos);
  BOOST_TEST(t.find("&lt;b&gt; &amp; \\&quot;q\\&quot;") != std::string::npos, t);
  // 10 users throughout, 90 more from the ramp to the end of the spike.
  BOOST_TEST(count(t, "<ThreadGroup ") == 2u);
  BOOST_TEST(t.find(R"(<stringProp name="ThreadGroup.num_threads">90</stringProp>)") !=
             std::string::npos);
  BOOST_TEST(t.find("Bearer ${__P(PERF_AGENT_BEARER_TOKEN,)}") != std::string::npos);
  // Comments hold no "--" but the one closing them.
  const auto comment = t.find("<!--") + 4, comment_end = t.find("-->");
  BOOST_TEST(t.substr(comment, comment_end - comment).find("--") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(data_rows_become_a_csv_data_set_beside_the_script) {
  auto c = get_case("load_test:GET:/items/{id}:custom", "load_test");
  c.requests = {api::RequestSpec("GET", "/items/1"), api::RequestSpec("GET", "/items/\"42\",x")};
  exporter::ExportOptions options;
  options.script_name = "items.yml";
  const auto script = exporter::export_plan(plan_of({c}), exporter::Format::artillery, options);
  BOOST_REQUIRE(script.data_files.size() == 1u);
  BOOST_TEST(script.data_files[0].name == "items.case_1.csv");
  BOOST_TEST(script.data_files[0].text == "\"/items/1\"\r\n\"/items/\"\"42\"\",x\"\r\n");
  BOOST_TEST(
      script.text.find(R"(url: "http://127.0.0.1:8080{{ perf_target }}")") != std::string::npos,
      script.text);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(suggestion_checks)

json::value schema(const char* text) {
  return json::parse(text);
}

BOOST_AUTO_TEST_CASE(types_enums_and_bounds) {
  using llm::schema_problem;
  BOOST_TEST(!schema_problem(7, schema(R"({"type":"integer","minimum":1,"maximum":10})")));
  BOOST_TEST(*schema_problem(0, schema(R"({"type":"integer","minimum":1})")) ==
             "/: below minimum 1");
  BOOST_TEST(schema_problem(1.5, schema(R"({"type":"integer"})")).has_value());
  BOOST_TEST(schema_problem("7", schema(R"({"type":"integer"})")).has_value());
  BOOST_TEST(!schema_problem(nullptr, schema(R"({"type":"string","nullable":true})")));
  BOOST_TEST(!schema_problem("b", schema(R"({"enum":["a","b"]})")));
  BOOST_TEST(schema_problem("c", schema(R"({"enum":["a","b"]})")).has_value());
  BOOST_TEST(schema_problem(5, schema(R"({"exclusiveMaximum":5})")).has_value());
  BOOST_TEST(schema_problem("abcd", schema(R"({"type":"string","maxLength":3})")).has_value());
  BOOST_TEST(
      schema_problem("x-1", schema(R"({"type":"string","pattern":"^[a-z]+$"})")).has_value());
}

BOOST_AUTO_TEST_CASE(formats) {
  using llm::schema_problem;
  BOOST_TEST(!schema_problem("2024-05-01", schema(R"({"type":"string","format":"date"})")));
  BOOST_TEST(schema_problem("May 1st", schema(R"({"type":"string","format":"date"})")).has_value());
  BOOST_TEST(!schema_problem("a@b.io", schema(R"({"type":"string","format":"email"})")));
  BOOST_TEST(schema_problem("nobody", schema(R"({"type":"string","format":"email"})")).has_value());
  BOOST_TEST(schema_problem("123", schema(R"({"type":"string","format":"uuid"})")).has_value());
}

BOOST_AUTO_TEST_CASE(objects_required_and_closed) {
  using llm::schema_problem;
  const auto s = schema(R"({"type":"object","required":["user"],"additionalProperties":false,
    "properties":{"user":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}})");
  BOOST_TEST(!schema_problem(json::parse(R"({"user":"a","tags":["x"]})"), s));
  BOOST_TEST(*schema_problem(json::parse(R"({"tags":[]})"), s) ==
             "/: missing required property user");
  BOOST_TEST(*schema_problem(json::parse(R"({"user":"a","tags":[1]})"), s) ==
             "/tags/0: expected string, got 1");
  BOOST_TEST(schema_problem(json::parse(R"({"user":"a","admin":true})"), s).has_value());
  BOOST_TEST(!schema_problem(json::parse(R"({"user":"a"})"),
                             schema(R"({"oneOf":[{"type":"string"},{"type":"object"}]})")));
}

BOOST_AUTO_TEST_SUITE_END()
