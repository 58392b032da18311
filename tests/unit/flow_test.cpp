// Flows without a server: ${var} substitution, extraction from responses, and the checks a
// config file's flows pass at load (DESIGN §10.6).
#define BOOST_TEST_MODULE unit_flows
#include "perf/flow/extraction.hpp"
#include "perf/flow/flow_config.hpp"
#include "perf/flow/flow_json.hpp"
#include "perf/flow/template.hpp"
#include "perf/openapi/spec_loader.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace perf::flow;

namespace {

std::string render(const Template& t, const std::vector<Value>& values) {
  std::string out;
  t.render(out, values);
  return out;
}

// A spec with a create/read pair, as json::value (YAML-free so the test shows it all).
perf::api::ApiModel pets() {
  const auto spec = json::parse(R"({
    "openapi": "3.0.3", "info": {"title": "pets", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:9"}],
    "paths": {
      "/pets": {"post": {"operationId": "createPet",
        "requestBody": {"content": {"application/json": {"schema": {"type": "object",
          "properties": {"name": {"type": "string", "example": "rex"}}}}}},
        "responses": {"201": {"description": "created"}}}},
      "/pets/{petId}": {"get": {"operationId": "getPet",
        "parameters": [{"name": "petId", "in": "path", "required": true,
                        "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok"}}}}}})");
  return perf::openapi::load_spec_document(spec, "pets.json");
}

// The config file's flows resolved against pets(): the exception's text, or "" when none.
std::string load_error(const std::string& yaml) {
  const auto model = pets();
  perf::openapi::RequestBuilder builder(perf::openapi::RequestBuildOptions{});
  try {
    const auto doc = perf::util::parse_document(yaml, "flows.yaml");
    for (const auto& f :
         flows_from_config(doc.as_object().at("flows"), "flows.yaml", {model, builder, false, {}}))
      validate_flow(f, "flows.yaml", true);
  } catch (const perf::UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(substitution)

BOOST_AUTO_TEST_CASE(a_path_value_is_percent_encoded_and_a_header_value_is_not) {
  VariableTable table;
  const auto target = Template::compile("/pets/${id}?q=${q}", Escape::url, table);
  const auto header = Template::compile("Bearer ${token}", Escape::raw, table);
  std::vector<Value> values(table.names().size());
  values[std::size_t(table.find("id"))] = {"a/b c", false, true};
  values[std::size_t(table.find("q"))] = {"x", false, true};
  values[std::size_t(table.find("token"))] = {"t/1 2", false, true};
  BOOST_TEST(render(target, values) == "/pets/a%2Fb%20c?q=x");
  BOOST_TEST(render(header, values) == "Bearer t/1 2");
}

BOOST_AUTO_TEST_CASE(a_whole_json_string_takes_the_values_type_and_a_part_is_escaped) {
  VariableTable table;
  const auto body = Template::compile(R"({"id":"${id}","note":"id ${id}, said \"${who}\""})",
                                      Escape::raw, table, true);
  std::vector<Value> values(table.names().size());
  values[std::size_t(table.find("id"))] = {"42", true, true};  // a number from a JSON body
  values[std::size_t(table.find("who"))] = {"a \"b\"", false, true};
  const auto text = render(body, values);
  BOOST_TEST(text == R"({"id":42,"note":"id 42, said \"a \"b\"\""})");
  values[std::size_t(table.find("id"))] = {"x\"y", false, true};  // a string stays a string
  BOOST_TEST(json::parse(render(body, values)).at("id").as_string() == "x\"y");
}

BOOST_AUTO_TEST_CASE(text_without_references_is_constant_and_dollars_alone_are_literal) {
  VariableTable table;
  const auto t = Template::compile("costs $5 ${ not a name } ${}", Escape::raw, table);
  BOOST_TEST(t.constant());
  BOOST_TEST(render(t, {}) == "costs $5 ${ not a name } ${}");
  BOOST_TEST(table.names().empty());
  BOOST_TEST((placeholders("/a/${x}/${y.z}") == std::vector<std::string>{"x", "y.z"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(extraction)

BOOST_AUTO_TEST_CASE(a_pointer_takes_a_value_from_the_body_keeping_numbers_unquoted) {
  const std::string body = R"({"id": 7, "user": {"token": "abc"}})";
  ParsedBody parsed(body);
  Value v;
  BOOST_TEST(!extract({"id", "/id"}, {}, parsed, "create", v));
  BOOST_TEST(v.text == "7");
  BOOST_TEST(v.json_literal);
  BOOST_TEST(!extract({"token", "/user/token"}, {}, parsed, "create", v));
  BOOST_TEST(v.text == "abc");
  BOOST_TEST(!v.json_literal);
}

BOOST_AUTO_TEST_CASE(a_header_is_found_whatever_its_case) {
  const std::string body;
  ParsedBody parsed(body);
  Value v;
  BOOST_TEST(
      !extract({"where", "header:location"}, {{"Location", "/pets/9"}}, parsed, "create", v));
  BOOST_TEST(v.text == "/pets/9");
}

BOOST_AUTO_TEST_CASE(a_failed_extraction_names_the_variable_the_place_and_the_step) {
  const std::string body = R"({"name": "rex"})", html = "<html>";
  ParsedBody parsed(body), not_json(html);
  Value v;
  BOOST_TEST(extract({"id", "/id"}, {}, parsed, "create", v).value_or("") ==
             "extract id: no /id in response of step create");
  BOOST_TEST(extract({"id", "/id"}, {}, not_json, "create", v).value_or("") ==
             "extract id: response of step create is not JSON");
  BOOST_TEST(extract({"t", "header:X-Token"}, {}, parsed, "login", v).value_or("") ==
             "extract t: no header X-Token in response of step login");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(validation)

BOOST_AUTO_TEST_CASE(a_valid_flow_resolves_its_operations_with_placeholders_kept) {
  const auto model = pets();
  perf::openapi::RequestBuilder builder(perf::openapi::RequestBuildOptions{});
  const auto doc = perf::util::parse_document(R"(
flows:
  - name: adopt
    weight: 2
    steps:
      - {name: create, operation_id: createPet, body: {name: "${pet}"}, extract: {id: /id}}
      - {name: read, operation_id: getPet, params: {petId: "${id}"}, expect: 200}
)",
                                              "flows.yaml");
  auto flows = flows_from_config(doc.as_object().at("flows"), "flows.yaml",
                                 {model, builder, false, {json::object{{"pet", "tom"}}}});
  BOOST_REQUIRE(flows.size() == 1u);
  const auto& f = flows.front();
  BOOST_TEST(f.weight == 2);
  BOOST_TEST(f.base_url == "http://127.0.0.1:9");
  BOOST_TEST(f.steps[0].request.method == "POST");
  BOOST_TEST(f.steps[0].request.body == R"({"name":"${pet}"})");
  BOOST_TEST(f.steps[1].request.target == "/pets/${id}");  // not percent-encoded
  BOOST_TEST(f.steps[1].expect_status == 200);
  BOOST_TEST(f.data.at(0).at("pet") == "tom");
  validate_flow(f, "flows.yaml", true);
  BOOST_CHECK_THROW(validate_flow(f, "flows.yaml", false), perf::UserError);  // POST is unsafe
}

BOOST_AUTO_TEST_CASE(an_unknown_operation_is_named_with_the_file_flow_and_step) {
  BOOST_TEST(load_error("flows: [{name: f, steps: [{name: s, operation_id: nope}]}]") ==
             "flows.yaml: flow 'f', step 's': unknown operation 'nope' (no operationId of that "
             "name in the spec)");
}

BOOST_AUTO_TEST_CASE(a_variable_used_before_any_step_extracts_it_is_refused) {
  BOOST_TEST(load_error(R"(flows: [{name: f, steps: [
      {name: read, operation_id: getPet, params: {petId: "${id}"}},
      {name: create, operation_id: createPet, extract: {id: /id}}]}])") ==
             "flows.yaml: flow 'f', step 'read': unknown variable ${id}: no earlier step extracts "
             "it and --data has no such column");
}

BOOST_AUTO_TEST_CASE(a_bad_pointer_is_refused) {
  BOOST_TEST(load_error("flows: [{name: f, steps: [{name: c, operation_id: createPet, "
                        "extract: {id: id}}]}]") ==
             "flows.yaml: flow 'f', step 'c': extract id: 'id' is neither a JSON pointer "
             "(starting with '/') nor header:NAME");
  BOOST_TEST(load_error("flows: [{name: f, steps: [{name: c, operation_id: createPet, "
                        "extract: {id: /a~2}}]}]") ==
             "flows.yaml: flow 'f', step 'c': extract id: '/a~2' is not a JSON pointer: '~' must "
             "be followed by 0 or 1");
}

BOOST_AUTO_TEST_CASE(a_flow_round_trips_through_plan_json) {
  const auto model = pets();
  perf::openapi::RequestBuilder builder(perf::openapi::RequestBuildOptions{});
  const auto doc = perf::util::parse_document(
      "flows: [{name: f, steps: [{name: c, operation_id: createPet, extract: {id: /id}, "
      "think_time: 0.5}, {name: r, operation_id: getPet, params: {petId: '${id}'}}]}]",
      "flows.yaml");
  const auto flows =
      flows_from_config(doc.as_object().at("flows"), "flows.yaml", {model, builder, false, {}});
  const auto back = flow_from_json(to_json(flows.front()), "plan.json", "/flows/0");
  BOOST_TEST(json::serialize(to_json(back)) == json::serialize(to_json(flows.front())));
  BOOST_TEST(back.steps[0].think_time_s == 0.5);
}

BOOST_AUTO_TEST_SUITE_END()
