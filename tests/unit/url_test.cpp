#include "perf/http/url.hpp"
#include "perf/http/connection.hpp"
#include "perf/util/user_error.hpp"

#include <boost/test/unit_test.hpp>

using namespace perf::http;

namespace {

// The sentence parse_url refuses `text` with, or "accepted".
std::string refusal(const char* text) {
  try {
    parse_url(text);
    return "accepted";
  } catch (const perf::UserError& e) {
    return e.what();
  }
}

bool says(const std::string& message, const char* part) {
  return message.find(part) != std::string::npos;
}

}  // namespace

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
                          "http://host:abc", "http://user:pw@host/"})
    BOOST_TEST(says(refusal(bad), bad), refusal(bad));
}

BOOST_AUTO_TEST_CASE(ipv6_literal_hosts_keep_their_port_and_lose_their_brackets) {
  const auto u = parse_url("https://[2001:db8::7]:8443/api/?x=1");
  BOOST_TEST(u.host == "2001:db8::7");
  BOOST_TEST(u.port == "8443");
  BOOST_TEST(u.origin() == "https://[2001:db8::7]:8443");
  BOOST_TEST(u.path == "/api/?x=1");  // a query keeps the path's trailing slash
  BOOST_TEST(parse_url("http://[::1]").authority() == "[::1]");
  // Zone ids ("[fe80::1%25eth0]", RFC 6874) are beyond Boost.URL 1.81; the old parser took any
  // text between the brackets.
  for (const char* bad : {"http://[::1", "http://[zzz]/", "http://[::1]x/", "http://[v1.x]/",
                          "http://[fe80::1%25lo]"})
    BOOST_TEST(says(refusal(bad), "malformed URL"), refusal(bad));
}

BOOST_AUTO_TEST_CASE(credentials_in_a_url_are_refused_with_the_flag_to_use) {
  for (const char* bad : {"http://user:pw@host/", "http://user@host", "http://@host"})
    BOOST_TEST(says(refusal(bad), "use --basic"), refusal(bad));
}

BOOST_AUTO_TEST_CASE(ports_are_checked_and_written_the_way_they_are_connected_to) {
  BOOST_TEST(parse_url("HTTP://Example.com:08080").port == "8080");
  BOOST_TEST(parse_url("HTTP://Example.com:08080").scheme == "http");
  // RFC 3986 3.2.3: an empty port is the scheme's default (the old parser refused it).
  BOOST_TEST(parse_url("https://host:/v1").port == "443");
  BOOST_TEST(parse_url("http://host:80/").authority() == "host");
  // Boost.URL 1.81 alone would read the first two as a port followed by a path
  // (boostorg/url#636).
  for (const char* bad :
       {"http://host:8a", "http://host:80:90/", "http://host:0", "http://h:123456"})
    BOOST_TEST(says(refusal(bad), "port must be a number from 1 to 65535"), refusal(bad));
}

BOOST_AUTO_TEST_CASE(paths_and_queries_are_kept_as_written_without_the_fragment) {
  BOOST_TEST(parse_url("http://h/a%20b/c//").path == "/a%20b/c");
  BOOST_TEST(parse_url("http://h?q=a+b&x=%2B#frag").path == "/?q=a+b&x=%2B");
  BOOST_TEST(parse_url("http://h/#frag").path == "");
}

BOOST_AUTO_TEST_CASE(bytes_a_url_cannot_hold_are_named_not_sent) {
  // The old parser passed these into the request line; RFC 3986 has no place for them.
  const std::pair<const char*, const char*> cases[] = {
      {"http://h/a b", "character 11 (' ')"},
      {"http://h/{id}", "character 10 ('{')"},
      {"http://h/100%", "'%' that starts no %XX escape"}};
  for (const auto& [bad, why] : cases) BOOST_TEST(says(refusal(bad), why), refusal(bad));
}

BOOST_AUTO_TEST_CASE(percent_encoding_leaves_only_unreserved_characters) {
  BOOST_TEST(percent_encode("a/b c?") == "a%2Fb%20c%3F");
  BOOST_TEST(percent_encode("1+1=2&100%") == "1%2B1%3D2%26100%25");
  BOOST_TEST(percent_encode("A-z_0.9~") == "A-z_0.9~");
  BOOST_TEST(percent_encode("é") == "%C3%A9");  // UTF-8 bytes, upper-case hex (RFC 3986 2.1)
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
