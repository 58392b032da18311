// Response samples: the first answer of each non-2xx status and error kind, kept small, valid
// UTF-8, merged without duplicates, and read back from a report.
#include "perf/api/metrics.hpp"
#include "perf/engine/recorder.hpp"
#include "perf/report/result_json.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

namespace api = perf::api;

namespace {
api::ResponseSample sample_for(std::string key, int status = 0) {
  api::ResponseSample s;
  s.key = std::move(key);
  s.status = status;
  if (!status) s.error_kind = s.key;
  s.request = "GET /x";
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(response_samples)

BOOST_AUTO_TEST_CASE(the_first_sample_of_a_key_stays_and_the_list_is_bounded) {
  std::vector<api::ResponseSample> kept;
  auto first = sample_for("404", 404);
  first.body = "first";
  auto second = sample_for("404", 404);
  second.body = "second";
  api::keep_sample(kept, first);
  api::keep_sample(kept, second);
  BOOST_REQUIRE_EQUAL(kept.size(), 1u);
  BOOST_TEST(kept[0].body == "first");
  for (int status = 300; status < 340; ++status)
    api::keep_sample(kept, sample_for(std::to_string(status), status));
  BOOST_TEST(kept.size() == api::max_samples);
}

BOOST_AUTO_TEST_CASE(add_counts_merges_samples_and_error_latency) {
  api::Metrics a, b;
  a.samples.push_back(sample_for("400", 400));
  b.samples.push_back(sample_for("400", 400));
  b.samples.push_back(sample_for("request_timeout"));
  b.error_latency.record(5000);
  a.add_counts(b);
  BOOST_REQUIRE_EQUAL(a.samples.size(), 2u);
  BOOST_TEST(a.samples[1].key == "request_timeout");
  BOOST_TEST(a.error_latency.count() == 1u);
  BOOST_TEST(a.latency.count() == 0u);
}

BOOST_AUTO_TEST_CASE(excerpts_are_valid_utf8_cut_at_a_character) {
  // "é" is two bytes: a cap of 4 after "ab" must not split it.
  BOOST_TEST(api::sample_excerpt("ab\xC3\xA9\xC3\xA9", 4) == "ab\xC3\xA9");
  // Invalid bytes and control characters become U+FFFD; tab and newline stay.
  BOOST_TEST(api::sample_excerpt("a\xFF\x01\tb\n", 64) == "a\xEF\xBF\xBD\xEF\xBF\xBD\tb\n");
  // A truncated multi-byte character at the end is replaced, not kept half.
  BOOST_TEST(api::sample_excerpt("x\xE2\x82", 64) == "x\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(api::sample_excerpt(std::string(2000, 'a')).size() == api::sample_body_bytes);
}

BOOST_AUTO_TEST_CASE(excerpts_are_text_json_readers_accept_and_terminals_show) {
  // Overlong forms, surrogates, code points above U+10FFFF: JSON readers refuse them.
  for (const std::string bad :
       {"\xE0\x80\xAF", "\xED\xA0\x80", "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80", "\xC0\xAF"}) {
    const auto text = api::sample_excerpt("a" + bad + "b");
    BOOST_TEST(text.front() == 'a');
    BOOST_TEST(text.back() == 'b');
    BOOST_TEST(text.find(bad) == std::string::npos);
    BOOST_CHECK_NO_THROW(boost::json::parse(boost::json::serialize(boost::json::value(text))));
  }
  // C1 controls and bidirectional overrides are replaced; other text stays.
  BOOST_TEST(api::sample_excerpt("x\xC2\x9By") == "x\xEF\xBF\xBDy");
  BOOST_TEST(api::sample_excerpt("x\xE2\x80\xAEy") == "x\xEF\xBF\xBDy");
  BOOST_TEST(api::sample_excerpt("N\xC3\xA3o \xE2\x82\xAC \xF0\x9F\x98\x80") ==
             "N\xC3\xA3o \xE2\x82\xAC \xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(a_header_sent_twice_keeps_both_values) {
  api::Metrics m;
  auto s = sample_for("401", 401);
  s.headers = {{"WWW-Authenticate", "Bearer"}, {"WWW-Authenticate", "Basic realm=\"x\""}};
  m.samples.push_back(s);
  const auto o = m.to_json();
  BOOST_TEST(o.at("samples").at(0).at("headers").at("WWW-Authenticate").as_string() ==
             "Bearer, Basic realm=\"x\"");
}

BOOST_AUTO_TEST_CASE(secrets_in_a_json_request_body_are_not_reported) {
  perf::http::PreparedRequest request;
  request.bytes =
      "POST /login HTTP/1.1\r\nHost: h\r\n\r\n"
      R"({"user":"ann","password":"hunter2","nested":{"api_key":"k","n":1}})";
  api::ResponseSample s;
  perf::engine::describe_request(request, s);
  BOOST_TEST(s.request_body ==
             R"({"user":"ann","password":"***","nested":{"api_key":"***","n":1}})");
}

BOOST_AUTO_TEST_CASE(only_headers_that_explain_an_answer_are_kept) {
  BOOST_TEST(api::sample_keeps_header("Retry-After"));
  BOOST_TEST(api::sample_keeps_header("content-type"));
  BOOST_TEST(api::sample_keeps_header("WWW-Authenticate"));
  BOOST_TEST(!api::sample_keeps_header("Set-Cookie"));
  BOOST_TEST(!api::sample_keeps_header("Date"));
}

BOOST_AUTO_TEST_CASE(samples_survive_the_json_report) {
  api::Metrics m;
  m.status_codes[400] = 110;
  auto s = sample_for("400", 400);
  s.status_line = "HTTP/1.1 400 Bad Request";
  s.headers = {{"Content-Type", "application/json"}};
  s.body = R"({"error":"invalid character 'e'"})";
  s.body_bytes = 33;
  s.request = "POST /v3/kv/put";
  s.request_body = R"({"key":"example"})";
  m.samples.push_back(s);
  m.error_latency.record(5'001'000);
  const auto back =
      api::Metrics::from_json(boost::json::parse(boost::json::serialize(m.to_json())).as_object());
  BOOST_REQUIRE_EQUAL(back.samples.size(), 1u);
  const auto& r = back.samples[0];
  BOOST_TEST(r.key == "400");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.status_line == s.status_line);
  BOOST_TEST(r.headers == s.headers);
  BOOST_TEST(r.body == s.body);
  BOOST_TEST(r.body_bytes == 33u);
  BOOST_TEST(r.request_body == s.request_body);
  BOOST_TEST((back.error_latency == m.error_latency));
  BOOST_TEST(perf::report::sample_line(back, r) ==
             "400 \u00d7110, e.g. {\"error\":\"invalid character 'e'\"} (POST /v3/kv/put)");
}

BOOST_AUTO_TEST_CASE(a_transport_error_line_shows_its_detail) {
  api::Metrics m;
  m.errors["request_timeout"] = 3;
  auto s = sample_for("request_timeout");
  s.detail = "no complete response within the timeout (50 ms)";
  BOOST_TEST(perf::report::sample_line(m, s) ==
             "request_timeout \u00d73: no complete response within the timeout (50 ms) (GET /x)");
}

BOOST_AUTO_TEST_CASE(a_request_is_described_without_the_credentials_in_its_query) {
  perf::http::PreparedRequest request;
  request.bytes =
      "POST /v1/items?page=2&api_key=s3cret&Access_Token=t&q=a HTTP/1.1\r\nHost: h\r\n"
      "Content-Length: 7\r\n\r\n{\"a\":1}";
  api::ResponseSample s;
  perf::engine::describe_request(request, s);
  BOOST_TEST(s.request == "POST /v1/items?page=2&api_key=***&Access_Token=***&q=a");
  BOOST_TEST(s.request_body == "{\"a\":1}");
}

BOOST_AUTO_TEST_SUITE_END()
