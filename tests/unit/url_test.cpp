#include "perf/http/url.hpp"
#include "perf/http/connection.hpp"
#include "perf/util/user_error.hpp"

#include <boost/test/unit_test.hpp>

using namespace perf::http;

BOOST_AUTO_TEST_SUITE(url)

BOOST_AUTO_TEST_CASE(parts_and_defaults) {
  auto u = parse_url("https://api.example.com/v1/");
  BOOST_TEST(u.host == "api.example.com");
  BOOST_TEST(u.port == "443");
  BOOST_TEST(u.path == "/v1");
  BOOST_TEST(u.authority() == "api.example.com");
  u = parse_url("http://[::1]:8080");
  BOOST_TEST(u.host == "::1");
  BOOST_TEST(u.authority() == "[::1]:8080");
  BOOST_TEST(u.path == "");
}

BOOST_AUTO_TEST_CASE(malformed_urls_are_user_errors_naming_the_url) {
  for (const char* bad : {"localhost:8080", "ftp://x", "http://", "http://host:99999",
                          "http://host:abc", "http://user:pw@host/"}) {
    try {
      parse_url(bad);
      BOOST_FAIL("accepted " << bad);
    } catch (const perf::UserError& e) {
      BOOST_TEST(std::string(e.what()).find(bad) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(requests_are_serialized_once_with_host_and_length) {
  perf::api::RequestSpec spec{"POST", "/items?x=1", {{"Content-Type", "application/json"}}, "{}"};
  const auto p = PreparedRequest::make(spec, parse_url("http://127.0.0.1:9000/api"), true);
  BOOST_TEST(p.bytes.rfind("POST /api/items?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n", 0) == 0);
  BOOST_TEST(p.bytes.find("Content-Length: 2\r\n") != std::string::npos);
  BOOST_TEST(p.bytes.find("Connection: close") == std::string::npos);
  BOOST_TEST(p.bytes.substr(p.bytes.size() - 6) == "\r\n\r\n{}");
}

BOOST_AUTO_TEST_SUITE_END()
