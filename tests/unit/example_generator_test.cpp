#include "perf/openapi/example_generator.hpp"
#include "perf/openapi/pattern_example.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace perf::openapi;
namespace json = boost::json;

namespace {
// Every property, so the generator's structure is what is tested; the body policy has its own.
json::value example(const char* schema, bool body = true) {
  ExampleOptions options{1, body};
  options.body_fields = BodyFields::all;
  return example_of(json::parse(schema), options);
}

json::value body_with(BodyFields fields, const char* schema) {
  ExampleOptions options{1, true};
  options.body_fields = fields;
  return example_of(json::parse(schema), options);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(example_generator)

BOOST_AUTO_TEST_CASE(explicit_examples_come_first) {
  BOOST_TEST(example(R"({"type":"integer","example":7,"default":3})") == json::value(7));
  BOOST_TEST(example(R"({"type":"integer","default":3})") == json::value(3));
  BOOST_TEST(example(R"({"type":"string","enum":["b","a"]})") == json::value("b"));
  BOOST_TEST(example(R"({"const":"fixed"})") == json::value("fixed"));
}

BOOST_AUTO_TEST_CASE(formats_and_bounds_are_respected) {
  BOOST_TEST(example(R"({"type":"string","format":"date-time"})").as_string() ==
             "2024-01-15T12:00:00Z");
  BOOST_TEST(example(R"({"type":"string","format":"email"})").as_string().find('@') !=
             json::string::npos);
  BOOST_TEST(example(R"({"type":"string","format":"uuid"})").as_string().size() == 36u);
  BOOST_TEST(example(R"({"type":"string","minLength":12})").as_string().size() == 12u);
  BOOST_TEST(example(R"({"type":"string","maxLength":3})").as_string().size() == 3u);
  BOOST_TEST(example(R"({"type":"integer","minimum":10,"maximum":20})") == json::value(10));
  BOOST_TEST(example(R"({"type":"integer","maximum":0,"exclusiveMaximum":true})") ==
             json::value(-1));
  BOOST_TEST(example(R"({"type":"integer","exclusiveMinimum":5})") == json::value(6));  // 3.1 form
  BOOST_TEST(example(R"({"type":"integer","minimum":7,"multipleOf":5})") == json::value(10));
}

BOOST_AUTO_TEST_CASE(numbers_written_as_strings_are_digits_within_bounds) {
  // gRPC-gateway's int64 and friends: a server parses these; "example" is a 400.
  BOOST_TEST(example(R"({"type":"string","format":"int64"})").as_string() == "1");
  BOOST_TEST(example(R"({"type":"string","format":"uint64","minimum":100})").as_string() == "100");
  BOOST_TEST(example(R"({"type":"string","format":"int32","maximum":-5})").as_string() == "-5");
  BOOST_TEST(example(R"({"type":"string","format":"double"})").as_string() == "1.5");
  BOOST_TEST(example(R"({"type":"string","format":"decimal","minimum":2.25})").as_string() ==
             "2.25");
  BOOST_TEST(example(R"({"type":"string","format":"int64","minLength":3})").as_string() == "001");
  BOOST_TEST(example(R"({"type":"string","format":"unknown-format"})").as_string() == "example");
}

BOOST_AUTO_TEST_CASE(simple_patterns_are_met_and_the_rest_noted) {
  BOOST_TEST(example(R"({"type":"string","pattern":"^[0-9]{5}$"})").as_string() == "00000");
  BOOST_TEST(example(R"({"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"})").as_string() == "AA-111");
  BOOST_TEST(example(R"({"type":"string","pattern":"^ab+c?$"})").as_string() == "ab");
  // Already matching: kept.
  BOOST_TEST(example(R"({"type":"string","pattern":"amp"})").as_string() == "example");
  // Beyond the generator: the value stays, and the plan is told.
  std::vector<std::string> notes;
  ExampleOptions options{1, true};
  options.notes = &notes;
  const auto v = example_of(json::parse(R"({"type":"string","pattern":"^(cat|dog)$"})"), options);
  BOOST_TEST(v.as_string() == "example");
  BOOST_REQUIRE(notes.size() == 1u);
  BOOST_TEST(notes.front().find("^(cat|dog)$") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(composition_and_nullable_types) {
  const auto merged = example(R"({"allOf":[{"type":"object","properties":{"a":{"type":"integer"}}},
                                            {"properties":{"b":{"type":"boolean"}}}]})");
  BOOST_TEST(merged.as_object().at("a") == json::value(1));
  BOOST_TEST(merged.as_object().at("b") == json::value(true));
  BOOST_TEST(example(R"({"oneOf":[{"type":"null"},{"type":"string","example":"x"}]})") ==
             json::value("x"));
  BOOST_TEST(example(R"({"type":["null","integer"]})") == json::value(1));
}

BOOST_AUTO_TEST_CASE(read_only_properties_stay_out_of_request_bodies) {
  const char* schema =
      R"({"type":"object","properties":{"id":{"type":"integer","readOnly":true},"name":{"type":"string"}}})";
  BOOST_TEST(!example(schema, true).as_object().contains("id"));
  BOOST_TEST(example(schema, false).as_object().contains("id"));
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_values) {
  const auto schema = json::parse(R"({"type":"string","format":"uuid"})");
  BOOST_TEST(example_of(schema, {42, true}) == example_of(schema, {42, true}));
  BOOST_TEST(example_of(schema, {42, true}) != example_of(schema, {43, true}));
}

BOOST_AUTO_TEST_CASE(bodies_grow_to_a_size_and_stay_valid) {
  const auto schema = json::parse(R"({"type":"object","required":["title","lines"],"properties":{
      "title":{"type":"string","maxLength":200},"lines":{"type":"array","items":{"type":"string"}}}})");
  for (std::size_t size : {1024u, 10240u, 102400u, 1048576u}) {
    const auto body = example_of_size(schema, size, {1, true});
    const auto text = json::serialize(body);
    BOOST_TEST(text.size() >= size * 95 / 100, size << " -> " << text.size());
    BOOST_TEST(text.size() <= size * 110 / 100, size << " -> " << text.size());
    BOOST_TEST(body.as_object().at("title").as_string().size() <= 200u);
    BOOST_TEST(!body.as_object().contains("padding"));  // grown inside the schema, not beside it
  }
}

BOOST_AUTO_TEST_CASE(recursive_schemas_stop) {
  BOOST_TEST(example(R"({"type":"object","properties":{"child":{"x-perf-cut":"#/Node"}}})")
                 .as_object()
                 .at("child")
                 .is_object());
}

BOOST_AUTO_TEST_CASE(bodies_keep_required_fields_and_optional_ones_with_a_value) {
  // An etcd-like put: value and ignore_value exclude each other; filling both is a 400.
  const char* put = R"({"type":"object","required":["key"],"properties":{
      "key":{"type":"string","format":"byte"},
      "value":{"type":"string","format":"byte"},
      "lease":{"type":"string","format":"int64","example":"0"},
      "mode":{"type":"string","enum":["fast","safe"]},
      "ignore_value":{"type":"boolean"},
      "prev_kv":{"type":"boolean","default":false},
      "sync":{"type":"boolean"}}})";
  const auto examples = body_with(BodyFields::examples, put).as_object();
  BOOST_TEST(examples.contains("key"));                    // required
  BOOST_TEST(examples.at("lease") == json::value("0"));    // optional, with an example
  BOOST_TEST(examples.at("mode") == json::value("fast"));  // optional, with an enum
  BOOST_TEST(!examples.contains("value"));                 // optional, nothing given
  BOOST_TEST(!examples.contains("ignore_value"));          // booleans absent unless required
  BOOST_TEST(!examples.contains("prev_kv"));
  const auto required = body_with(BodyFields::required, put).as_object();
  BOOST_TEST(required.size() == 1u);
  BOOST_TEST(required.contains("key"));
  BOOST_TEST(body_with(BodyFields::all, put).as_object().size() == 7u);
}

BOOST_AUTO_TEST_CASE(a_required_boolean_is_kept) {
  const auto body = body_with(
      BodyFields::examples,
      R"({"type":"object","required":["enabled"],"properties":{"enabled":{"type":"boolean"}}})");
  BOOST_TEST(body.as_object().at("enabled") == json::value(true));
}

BOOST_AUTO_TEST_CASE(body_fields_words) {
  BOOST_TEST((body_fields_from("required") == BodyFields::required));
  BOOST_TEST((body_fields_from("examples") == BodyFields::examples));
  BOOST_TEST((body_fields_from("all") == BodyFields::all));
  BOOST_TEST(!body_fields_from("some"));
}

BOOST_AUTO_TEST_CASE(lengths_and_counts_beyond_any_size_are_bounded_not_undefined) {
  // Found by the example_generator fuzz target: maxLength 4.4e44 was converted to size_t as it
  // was (undefined behaviour). Sizes from a schema are now read within [0, 1 MiB].
  BOOST_TEST(example(R"({"type": "string", "maxLength": 4.4e44})") == json::value("example"));
  BOOST_TEST(example(R"({"type": "string", "maxLength": -5})") == json::value(""));
  BOOST_TEST(example(R"({"type": "string", "minLength": 1e300})").as_string().size() == 1u << 20);
  BOOST_TEST(example(R"({"type": "array", "minItems": 1e300, "items": {"type": "integer"}})")
                 .as_array()
                 .size() == 3u);
  ExampleOptions options{1, true};
  const auto grown = example_of_size(
      json::parse(R"({"type": "array", "maxItems": 1e300, "items": {"type": "string"}})"), 4096,
      options);
  BOOST_TEST(json::serialize(grown).size() >= 4096u);
}

BOOST_AUTO_TEST_CASE(patterns_are_checked_in_linear_time_or_not_at_all) {
  // Found by the example_generator fuzz target, with std::regex: "( ?+++++++...)$" backtracked
  // for minutes, and a backreference "\\2222222222222222222" overflowed a long in libstdc++'s
  // regex compiler (undefined behaviour). Patterns are now checked with RE2.
  // A backtracker takes hours on these (2^40 ways to split the a's); a hang fails the suite by
  // CTest's timeout, no clock is read here.
  BOOST_TEST(!matches_pattern(std::string(40, 'a') + "!", "^(a+)+$"));
  BOOST_TEST(!matches_pattern("aaaa", "(^ ?+++++++/plain A-Z]{0,4}-\\={3,}*x+)$"));
  BOOST_TEST(!matches_pattern("aa", "(a)\\2222222222222222222"));
  BOOST_TEST(!matches_pattern("aa", "(a)\\1"));  // backreferences: RE2 does not, not checked
  BOOST_TEST(!matches_pattern("aa", "a{2222222222222222222}"));
  BOOST_TEST(!matches_pattern("aa", "a{1,1001}"));
  BOOST_TEST(matches_pattern("aa", "a{1,1000}"));
  BOOST_TEST(matches_pattern("{12345}", "\\{12345\\}"));
  BOOST_TEST(matches_pattern(std::string(5000, 'a'), "^a+$"));
  BOOST_TEST(!example_matching("^[0-9]{1000000000}$"));  // no example of a gigabyte
  BOOST_TEST(*example_matching("^[0-9]{3}$") == "000");
  std::vector<std::string> notes;
  ExampleOptions options{1, true};
  options.notes = &notes;
  const auto value = example_of(
      json::parse(R"({"type": "string", "pattern": "^a{2222222222222222222}$"})"), options);
  BOOST_TEST(value.is_string());
  BOOST_TEST(notes.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
