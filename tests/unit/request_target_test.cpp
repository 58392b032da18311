// Editing the query of request targets: the SDK's paging helpers, the run's API key in the query
// and Link rel="next" targets, all through Boost.URL.
#include "perf/cases/response_items.hpp"
#include "perf/run/request_decoration.hpp"

#include <boost/test/unit_test.hpp>

using perf::cases::with_query;
using perf::cases::without_query;

BOOST_AUTO_TEST_SUITE(request_target)

BOOST_AUTO_TEST_CASE(a_parameter_is_replaced_and_the_others_kept) {
  BOOST_TEST(with_query("/items?page=1&limit=10&page=3", "page", "2") == "/items?limit=10&page=2");
  BOOST_TEST(with_query("/items", "page", "2") == "/items?page=2");
  BOOST_TEST(with_query("/items?", "page", "2") == "/items?page=2");
}

BOOST_AUTO_TEST_CASE(names_match_however_they_were_encoded) {
  BOOST_TEST(without_query("/items?page%5Bsize%5D=5&q=x", "page[size]") == "/items?q=x");
  BOOST_TEST(without_query("/items?page[size]=5", "page[size]") == "/items");
  BOOST_TEST(with_query("/items?page%5bsize%5d=5", "page[size]", "9") == "/items?page%5Bsize%5D=9");
  BOOST_TEST(without_query("/items", "page") == "/items");
}

BOOST_AUTO_TEST_CASE(plus_and_percent_in_values_reach_the_server_as_themselves) {
  // '+' is a space to servers that decode forms, so a value's '+' is sent as %2B.
  BOOST_TEST(with_query("/search?q=old", "q", "c++ 100%") == "/search?q=c%2B%2B%20100%25");
  BOOST_TEST(with_query("/search", "a&b=c", "x#y") == "/search?a%26b%3Dc=x%23y");
}

BOOST_AUTO_TEST_CASE(a_target_no_url_could_hold_is_encoded_not_refused) {
  // A spec path with a space or an unfilled template: the old code sent the bytes as they were.
  BOOST_TEST(with_query("/a b/{x}", "n", "1") == "/a%20b/%7Bx%7D?n=1");
  BOOST_TEST(with_query("/50%?x=1", "n", "1") == "/50%25?x=1&n=1");
  BOOST_TEST(with_query("//double", "n", "1") == "//double?n=1");  // a path, not an authority
}

BOOST_AUTO_TEST_CASE(an_api_key_in_the_query_joins_the_existing_parameters) {
  perf::run::RequestDecoration d;
  d.query.emplace_back("api key", "a+b/c");
  perf::api::RequestSpec r("GET", "/pets?limit=5");
  d.apply(r);
  BOOST_TEST(r.target == "/pets?limit=5&api%20key=a%2Bb%2Fc");
}

BOOST_AUTO_TEST_CASE(next_links_become_targets_with_their_path_kept_exactly) {
  auto next = [](std::string link) {
    perf::api::Exchange e;
    e.headers.emplace_back("Link", std::move(link));
    return perf::cases::read_page(e).next_link.value_or("<none>");
  };
  BOOST_TEST(next("<https://api.example.com/items/?page=2>; rel=\"next\"") == "/items/?page=2");
  // The old parser dropped the slash: "/items/" and "/items" are different resources.
  BOOST_TEST(next("<https://[::1]:8080/items/>; rel=\"next\"") == "/items/");
  BOOST_TEST(next("<https://api.example.com?page=2#top>; rel=next") == "/?page=2");
  BOOST_TEST(next("</items?page=3>; rel=\"prev\", </items?page=5>; rel=\"next\"") ==
             "/items?page=5");
  BOOST_TEST(next("<http://host:x/items>; rel=\"next\"") == "<none>");
}

BOOST_AUTO_TEST_SUITE_END()
