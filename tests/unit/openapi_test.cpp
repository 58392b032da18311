#define BOOST_TEST_MODULE openapi
#include "perf/openapi/request_builder.hpp"
#include "perf/openapi/spec_loader.hpp"
#include "perf/util/user_error.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

using perf::openapi::load_spec;

namespace {

struct ManifestRow {
  std::string file;
  std::size_t operations = 0;
};

std::vector<ManifestRow> manifest() {
  std::ifstream in(perf::test::shared_dir() + "/specs/MANIFEST.tsv");
  std::vector<ManifestRow> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::vector<std::string> f;
    for (std::string cell; std::getline(fields, cell, '\t');) f.push_back(cell);
    if (f.size() > 7) rows.push_back({f[0], std::stoul(f[7])});
  }
  return rows;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = perf::test::temp_dir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(every_real_world_spec_loads_with_all_its_operations) {
  const auto rows = manifest();
  BOOST_REQUIRE_GE(rows.size(), 15u);
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.file) {
      const auto model = load_spec(perf::test::shared_dir() + "/specs/" + row.file);
      BOOST_TEST(model.operations.size() == row.operations);
      if (row.operations == 0) BOOST_TEST(!model.note.empty());
      for (const auto& op : model.operations)
        for (const auto& p : op.parameters)
          if (p.location == "path")
            BOOST_TEST(op.path.find("{" + p.name + "}") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(swagger_host_base_path_and_bodies) {
  const auto model =
      load_spec(perf::test::shared_dir() + "/specs/oai-v2.0-petstore-separate/spec/swagger.json");
  BOOST_TEST(model.server_url == "http://petstore.swagger.io/api");
  bool saw_body = false;
  for (const auto& op : model.operations)
    if (op.method == "POST") {
      BOOST_REQUIRE(op.body.has_value());
      BOOST_TEST(op.body->example.is_object());
      saw_body = true;
    }
  BOOST_TEST(saw_body);
}

BOOST_AUTO_TEST_CASE(server_variables_take_their_defaults) {
  const auto model = load_spec(perf::test::shared_dir() + "/specs/oai-v3.0-uspto.json");
  BOOST_TEST(model.server_url == "https://developer.uspto.gov/ds-api");
}

BOOST_AUTO_TEST_CASE(path_level_parameters_merge_with_operation_ones) {
  const auto path = write_temp("merge.yaml", R"(openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /users/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: verbose, in: query, schema: {type: boolean}}
    get:
      parameters:
        - {name: verbose, in: query, required: true, schema: {type: string, enum: [yes]}}
      responses: {200: {description: ok}}
)");
  const auto model = load_spec(path);
  BOOST_REQUIRE(model.operations.size() == 1u);
  const auto& params = model.operations[0].parameters;
  BOOST_REQUIRE(params.size() == 2u);
  BOOST_TEST(params[1].required);  // the operation's definition replaced the path's
  BOOST_TEST(params[1].example.as_string() == "yes");
  BOOST_TEST(model.operations[0].response_codes.at(0) == "200");
}

BOOST_AUTO_TEST_CASE(a_dangling_ref_names_file_and_pointer) {
  const auto path = write_temp("dangling.yaml", R"(openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - $ref: '#/components/parameters/Missing'
      responses: {200: {description: ok}}
)");
  try {
    load_spec(path);
    BOOST_FAIL("accepted a dangling $ref");
  } catch (const perf::UserError& e) {
    const std::string m = e.what();
    BOOST_TEST(m.find("dangling.yaml") != std::string::npos, m);
    BOOST_TEST(m.find("/components/parameters/Missing") != std::string::npos, m);
  }
}

BOOST_AUTO_TEST_CASE(a_ref_to_a_file_name_the_system_refuses_is_a_user_error) {
  // Found by the spec_loader fuzz target: a file name over NAME_MAX (255 bytes) made
  // std::filesystem::exists throw filesystem_error, which reached the user as an internal error.
  const std::string long_name(300, 'n');
  const auto path = write_temp("long-ref.yaml", R"(openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - $ref: ')" + long_name + R"(.yaml#/P'
      responses: {200: {description: ok}}
)");
  try {
    load_spec(path);
    BOOST_FAIL("accepted a $ref to a file that cannot exist");
  } catch (const perf::UserError& e) {
    const std::string m = e.what();
    BOOST_TEST(m.find("long-ref.yaml: $ref '" + long_name) != std::string::npos, m);
    BOOST_TEST(m.find("File name too long") != std::string::npos, m);
  }
}

BOOST_AUTO_TEST_CASE(ref_fragments_are_percent_decoded_then_read_as_json_pointers) {
  // "~1" is '/', "~0" is '~' (RFC 6901); %XX in the fragment is decoded first (RFC 6901 6).
  const auto path = write_temp("escapes.yaml", R"(openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      parameters:
        - $ref: '#/components/parameters/a~1b'
        - $ref: '#/components/parameters/t~0ilde'
        - $ref: '#/components/parameters/sp%20ace'
      responses: {200: {description: ok}}
  /b/{id}:
    $ref: '#/paths/~1a~1%7Bid%7D'
components:
  parameters:
    a/b: {name: id, in: path, required: true, schema: {type: string, example: "x/y z?"}}
    t~ilde: {name: q, in: query, required: true, schema: {type: string, example: "1+1"}}
    sp ace: {name: tag, in: query, required: true, schema: {type: string, example: "50%"}}
)");
  const auto model = load_spec(path);
  BOOST_REQUIRE(model.operations.size() == 2u);
  const perf::openapi::RequestBuilder builder({});
  for (const auto& op : model.operations) {
    BOOST_REQUIRE(op.parameters.size() == 3u);
    // The path value is one segment; '+' and '%' in query values are data, not form syntax.
    const std::string prefix = op.path.substr(0, 2);
    BOOST_TEST(builder.requests_for(op).at(0).target == prefix + "/x%2Fy%20z%3F?q=1%2B1&tag=50%25");
  }
}

BOOST_AUTO_TEST_CASE(a_ref_that_breaks_rfc_3986_or_6901_is_named_as_malformed) {
  const std::pair<const char*, const char*> cases[] = {
      {"#/components/parameters/100%", "write % as %25"},  // the old decoder kept the '%'
      {"#/info/a~2b", "invalid escape"}};                  // the old walker read "~2" as itself
  for (const auto& [ref, why] : cases) {
    const auto path = write_temp("malformed.yaml", std::string(R"(openapi: 3.0.0
info: {title: t, version: "1"}
paths:
  /a:
    get:
      parameters:
        - $ref: ')") + ref + R"('
      responses: {200: {description: ok}}
)");
    try {
      load_spec(path);
      BOOST_FAIL("accepted " << ref);
    } catch (const perf::UserError& e) {
      const std::string m = e.what();
      BOOST_TEST(m.find("malformed $ref") != std::string::npos, m);
      BOOST_TEST(m.find(why) != std::string::npos, m);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_target_with_a_query_keeps_it_and_gets_the_added_parameters) {
  perf::api::Operation op;  // quick mode: --target http://host/fast?x=1
  op.method = "GET";
  op.path = "/fast?x=1";
  op.parameters.push_back({"n", "query", true, {}, "a b"});
  const perf::openapi::RequestBuilder builder({});
  BOOST_TEST(builder.request_with(op, {{"page", "2"}}).target == "/fast?x=1&n=a%20b&page=2");
  BOOST_TEST(builder.request_with(op, {{"n", "+"}}).target == "/fast?x=1&n=%2B");
}

BOOST_AUTO_TEST_CASE(form_bodies_encode_names_and_values_as_data) {
  const boost::json::object form{{"a b", "1+1"}, {"c", "x&y=z"}, {"n", 5}};
  BOOST_TEST(perf::openapi::serialize_body(form, "application/x-www-form-urlencoded") ==
             "a%20b=1%2B1&c=x%26y%3Dz&n=5");
}

BOOST_AUTO_TEST_CASE(a_document_that_is_not_a_spec_is_refused) {
  BOOST_CHECK_THROW(load_spec(write_temp("notaspec.json", "{\"hello\": 1}")), perf::UserError);
}

BOOST_AUTO_TEST_CASE(a_pattern_no_example_can_meet_becomes_a_note_for_its_operation) {
  const auto spec = boost::json::parse(R"({"openapi":"3.0.3","info":{"title":"t","version":"1"},
    "paths":{"/pets/{kind}":{"get":{"parameters":[
      {"name":"kind","in":"path","required":true,"schema":{"type":"string","pattern":"^(cat|dog)$"}},
      {"name":"code","in":"query","schema":{"type":"string","pattern":"^[A-Z]{3}$"}},
      {"name":"id","in":"query","schema":{"type":"string","format":"int64"}}],
      "responses":{"200":{"description":"ok"}}}}}})");
  std::vector<perf::openapi::LoadNote> notes;
  const auto model = perf::openapi::load_spec_document(spec, "pets.json", {1, &notes});
  BOOST_REQUIRE(model.operations.size() == 1u);
  const auto& params = model.operations.front().parameters;
  BOOST_TEST(params[1].example.as_string() == "AAA");  // met by the generator
  BOOST_TEST(params[2].example.as_string() == "1");    // int64 as a string: digits
  BOOST_REQUIRE(notes.size() == 1u);                   // only the alternation is beyond it
  BOOST_TEST(notes[0].method == "GET");
  BOOST_TEST(notes[0].path == "/pets/{kind}");
  BOOST_TEST(notes[0].text.find("parameter 'kind'") == 0u);
}

BOOST_AUTO_TEST_CASE(data_columns_fill_body_properties_and_pointers) {
  perf::api::RequestBody body;
  body.schema = boost::json::parse(R"({"type":"object","properties":{
      "key":{"type":"string"},"count":{"type":"integer"},"ratio":{"type":"number"},
      "dry":{"type":"boolean"},
      "lease":{"type":"object","properties":{"ID":{"type":"integer"}}},
      "meta":{"type":"object","properties":{"source":{"type":"string"}}}}})");
  body.example = boost::json::parse(R"({"key":"example","count":1})");
  // As a CSV row gives them: text, typed by the schema where it says so.
  const boost::json::object row{{"key", "user/42"},    {"count", "12"},
                                {"ratio", "0.5"},      {"dry", "false"},
                                {"/lease/ID", "7"},    {"/meta/source", "csv"},
                                {"unrelated", "skip"}, {"/perm/permType", "READ"}};
  const auto out = perf::openapi::RequestBuilder::body_with_row(body, row).as_object();
  BOOST_TEST(out.at("key") == boost::json::value("user/42"));
  BOOST_TEST(out.at("count") == boost::json::value(12));
  BOOST_TEST(out.at("ratio") == boost::json::value(0.5));
  BOOST_TEST(out.at("dry") == boost::json::value(false));
  BOOST_TEST(out.at("lease").at("ID") == boost::json::value(7));         // a pointer, typed
  BOOST_TEST(out.at("meta").at("source") == boost::json::value("csv"));  // parents made
  BOOST_TEST(!out.contains("unrelated"));  // names no property: for parameters only
  BOOST_TEST(!out.contains("perm"));       // a place this body does not have: another's column
}

BOOST_AUTO_TEST_CASE(data_pointers_reach_array_elements_and_allof_parts_and_keep_other_parents) {
  perf::api::RequestBody body;
  body.schema = boost::json::parse(R"({"allOf":[
      {"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"}}}},
      {"type":"object","properties":{"lease":{"type":"object","properties":{
          "ID":{"type":"integer"}}}, "name":{"type":"string"}}}]})");
  body.example = boost::json::parse(R"({"tags":["x"],"name":"n"})");
  const boost::json::object row{{"/tags/0", "csv"}, {"/lease/ID", "7"}, {"/name/first", "no"}};
  const auto out = perf::openapi::RequestBuilder::body_with_row(body, row).as_object();
  BOOST_TEST(out.at("tags") == boost::json::parse(R"(["csv"])"));  // in place, still an array
  BOOST_TEST(out.at("lease").at("ID") == boost::json::value(7));   // found through allOf: typed
  BOOST_TEST(out.at("name") == boost::json::value("n"));           // a string is not a parent
}

BOOST_AUTO_TEST_CASE(a_data_integer_beyond_int64_stays_a_number_not_undefined_behaviour) {
  // Found by the data_rows fuzz target: a CSV cell of 43 digits for an integer property was
  // converted to int64 as it was (undefined behaviour).
  perf::api::RequestBody body;
  body.schema = boost::json::parse(R"({"type":"object","properties":{"id":{"type":"integer"}}})");
  body.example = boost::json::object{};
  const auto rows = perf::openapi::parse_data_rows(
      "id\n6666666666666666666666666666666666666666666\n9007199254740992\n", "data.csv");
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  const auto huge = perf::openapi::RequestBuilder::body_with_row(body, rows[0]).as_object();
  BOOST_TEST(huge.at("id").is_double());
  BOOST_TEST(huge.at("id").as_double() == 6.666666666666667e42);
  const auto fits = perf::openapi::RequestBuilder::body_with_row(body, rows[1]).as_object();
  BOOST_TEST(fits.at("id") == boost::json::value(std::int64_t(9007199254740992)));
}

BOOST_AUTO_TEST_CASE(data_pointers_unescape_slash_and_tilde_in_property_names) {
  perf::api::RequestBody body;
  body.schema = boost::json::parse(R"({"type":"object","properties":{
      "a/b":{"type":"object","properties":{"c~d":{"type":"integer"}}},"x~1":{}}})");
  body.example = boost::json::object{};
  const boost::json::object row{{"/a~1b/c~0d", "5"}, {"/x~01", "t"}};
  const auto out = perf::openapi::RequestBuilder::body_with_row(body, row).as_object();
  BOOST_TEST(out.at("a/b").at("c~d") == boost::json::value(5));  // found in the schema: typed
  BOOST_TEST(out.at("x~1") == boost::json::value("t"));          // "~01" is "~1", not "/"
}

BOOST_AUTO_TEST_CASE(csv_data_keeps_quoted_commas_quotes_and_newlines_in_one_field) {
  const std::string file = perf::test::temp_dir() + "/rows.csv";
  std::ofstream(file) << "id,note\r\n"
                         "1,\"two\nlines\"\r\n"
                         "\r\n"
                         "2,\"a, \"\"quoted\"\" word\"\n";
  const auto rows = perf::openapi::load_data_rows(file);
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].at("note").as_string() == "two\nlines");
  BOOST_TEST(rows[1].at("id").as_string() == "2");
  BOOST_TEST(rows[1].at("note").as_string() == "a, \"quoted\" word");

  std::ofstream(file) << "id,note\n1,ok\n\n2\n";
  try {
    perf::openapi::load_data_rows(file);
    BOOST_FAIL("a short row must be refused");
  } catch (const perf::UserError& e) {
    BOOST_TEST(std::string(e.what()) == file + ":4: 1 fields, the header has 2");
  }
  std::ofstream(file) << "id,note\n1,\"never closed\n";
  BOOST_CHECK_THROW(perf::openapi::load_data_rows(file), perf::UserError);
}

BOOST_AUTO_TEST_SUITE_END()
