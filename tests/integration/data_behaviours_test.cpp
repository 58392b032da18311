#define BOOST_TEST_MODULE data_behaviours
#include "case_runs.hpp"
#include "nginx.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace json = boost::json;
using perf::test::demo_spec;
using perf::test::finding;
using perf::test::number;
using perf::test::out;
using perf::test::run;
using perf::test::run_case;

namespace {

std::string json_server_spec() {
  return perf::test::source_dir() + "/tests/fixtures/json-server-api.yaml";
}

// json-server over a generated database of 3,000 items.
struct JsonServer {
  static std::string db() {
    const auto path = out("db.json");
    json::array items;
    const char* colours[] = {"red", "blue", "green", "black"};
    const char* things[] = {"shoes", "hammer", "lamp", "chair", "kettle"};
    const char* categories[] = {"tools", "home", "garden"};
    for (int i = 1; i <= 3000; ++i)
      items.push_back(json::object{
          {"id", i},
          {"title", std::string(colours[i % 4]) + " " + things[i % 5] + " " + std::to_string(i)},
          {"category", categories[i % 3]},
          {"price", 5 + (i * 37) % 200}});
    json::array comments;
    for (int i = 1; i <= 3000; ++i)
      comments.push_back(json::object{
          {"id", i}, {"itemId", 1 + (i * 7) % 3000}, {"text", "comment " + std::to_string(i)}});
    std::ofstream(path) << json::serialize(json::object{{"items", items}, {"comments", comments}});
    return path;
  }
  int port = perf::test::free_port();
  perf::test::Server server{
      {perf::test::source_dir() + "/tests/fixtures/json-server/node_modules/.bin/json-server", db(),
       "--port", std::to_string(port), "--host", "127.0.0.1", "--quiet"},
      port};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(json_server)

BOOST_AUTO_TEST_CASE(pagination_over_page_and_limit_finds_no_duplicates_or_gaps) {
  JsonServer js;
  const auto c = run_case(
      json_server_spec(), js.server.url(), "pagination_test", "listItems",
      R"({"test_options": {"pagination_test": {"page_size": 25, "max_pages": 200, "samples": 3}}})");
  BOOST_TEST(number(c, "pages_walked") == 120.0);  // 3000 / 25, reached the end
  BOOST_TEST(number(c, "duplicate_items") == 0.0);
  BOOST_TEST(number(c, "missing_items") == 0.0);
  BOOST_TEST(number(c, "bytes_per_item") > 20.0);
  BOOST_TEST(c.at("verdict").as_string() != "failed");
}

BOOST_AUTO_TEST_CASE(search_over_q_ranks_query_shapes) {
  JsonServer js;
  const auto c = run_case(json_server_spec(), js.server.url(), "search_test", "listItems",
                          R"({"test_options": {"search_test": {"samples": 3}}})");
  const auto ranking = finding(c, "ranking");
  BOOST_REQUIRE(ranking.is_array());
  BOOST_TEST(ranking.as_array().size() >= 4u);  // none, 1..n terms, + filter, + sort
  BOOST_TEST(number(c, "slowest_query_ms") > 0.0);
  BOOST_TEST(finding(c, "slowest_query").as_string() == ranking.at(0).at("query").as_string());
  for (std::size_t i = 1; i < ranking.as_array().size(); ++i)  // slowest first
    BOOST_TEST(ranking.at(i).at("median_ms").to_number<double>() <=
               ranking.at(i - 1).at("median_ms").to_number<double>());
  bool searched = false;
  for (const auto& shape : ranking.as_array())
    searched |= shape.at("query").as_string().find("q=red") != json::string::npos;
  BOOST_TEST(searched);  // the spec's example word is among the queries
  BOOST_TEST(c.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_CASE(embedding_related_records_is_measured_per_item) {
  JsonServer js;
  const auto c =
      run_case(json_server_spec(), js.server.url(), "database_test", "listItems",
               R"({"test_options": {"database_test": {"samples": 3, "sizes": [10, 50, 100]}}})");
  // json-server embeds by scanning every comment for every item: a real per-item cost.
  BOOST_TEST(number(c, "expand_cost_ms") > 0.0);
  BOOST_TEST(number(c, "expand_ms_per_item") > 0.0);
  BOOST_TEST(number(c, "per_item_ms") < 0.5);  // the plain list is served from memory
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(demo_api)

BOOST_AUTO_TEST_CASE(the_n_plus_one_list_is_flagged_and_its_flat_twin_is_not) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--item-cost-ms", "1"});
  const std::string config = R"({"test_options": {"database_test": {"samples": 3}}})";
  const auto n1 = run_case(demo_spec(), demo.url(), "database_test", "listOrders", config);
  BOOST_TEST(number(n1, "n_plus_one_suspected") == 1.0);
  BOOST_TEST(number(n1, "per_item_ms") > 0.8);
  BOOST_TEST(number(n1, "per_item_ms") < 1.3);
  BOOST_TEST(number(n1, "queries_per_item") == 1.0);  // X-Query-Count: one query per order
  const auto flat = run_case(demo_spec(), demo.url(), "database_test", "listOrdersFlat", config);
  BOOST_TEST(number(flat, "n_plus_one_suspected") == 0.0);
  BOOST_TEST(flat.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_CASE(the_endpoint_that_keeps_memory_is_flagged_with_about_its_bytes_per_request) {
  // The target's memory is what is measured. In the sanitized build (scripts/test.sh
  // --sanitize) the demo API is sanitized too, and AddressSanitizer's quarantine holds every
  // freed block for a while: its memory grows with requests on every endpoint. Without the
  // quarantine its allocator reuses memory as glibc does; other checks stay on.
  const char* asan = std::getenv("ASAN_OPTIONS");
  perf::test::Server demo({perf::test::demo_api(), "--port", "0", "--leak-bytes", "10240"},
                          {std::string("ASAN_OPTIONS=") + (asan ? asan : "") +
                           (asan && *asan ? ":" : "") + "quarantine_size_mb=0"});
  const std::string config =
      R"({"test_options": {"memory_leak_test": {"users": 4, "duration": 6, "think_time": 0.005, "warmup": 1}}})";
  const auto leaky = run_case(demo_spec(), demo.url(), "memory_leak_test", "getLeaky", config,
                              {"--target-pid", std::to_string(demo.pid())});
  BOOST_TEST(number(leaky, "leak_suspected") == 1.0);
  const double slope = number(leaky, "memory_slope_bytes_per_request");
  BOOST_TEST(slope > 10240 * 0.7, slope);
  BOOST_TEST(slope < 10240 * 1.4, slope);
  const auto twin = run_case(demo_spec(), demo.url(), "memory_leak_test", "getFast", config,
                             {"--target-metrics", demo.url() + "/metrics"});
  BOOST_TEST(number(twin, "leak_suspected") == 0.0);
  const auto blind = run_case(demo_spec(), demo.url(), "memory_leak_test", "getFast", config);
  BOOST_TEST(blind.at("verdict").as_string() == "warning");
  BOOST_TEST(blind.at("reason").as_string().starts_with("cannot decide"));
}

BOOST_AUTO_TEST_CASE(deep_pages_are_measured_slower_where_they_are) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string config =
      R"({"test_options": {"pagination_test": {"max_pages": 120, "samples": 5}}})";
  const auto offset = run_case(demo_spec(), demo.url(), "pagination_test", "listItems", config);
  BOOST_TEST(number(offset, "deep_page_slowdown") > 3.0);  // page 100 walks past 990 rows
  BOOST_TEST(number(offset, "duplicate_items") == 0.0);
  BOOST_TEST(offset.at("verdict").as_string() == "warning");
  const auto cursor =
      run_case(demo_spec(), demo.url(), "pagination_test", "listItemsByCursor", config);
  BOOST_TEST(number(cursor, "pages_walked") == 100.0);  // 1000 items, 10 a page, via next_cursor
  BOOST_TEST(number(cursor, "duplicate_items") == 0.0);
  BOOST_TEST(number(cursor, "missing_items") == 0.0);
  BOOST_TEST(cursor.at("verdict").as_string() == "passed");
}

BOOST_AUTO_TEST_CASE(
    a_list_that_shifts_while_it_is_paged_shows_duplicates_and_its_stable_twin_none) {
  perf::test::Server demo({perf::test::demo_api(), "--port", "0"});
  const std::string config =
      R"({"test_options": {"pagination_test": {"max_pages": 20, "samples": 3}}})";
  // /shifting gains an item per request, so page 2 repeats the last item of page 1, and so on.
  const auto shifting =
      run_case(demo_spec(), demo.url(), "pagination_test", "listShiftingItems", config);
  BOOST_TEST(number(shifting, "duplicate_items") > 0.0);
  BOOST_TEST(shifting.at("verdict").as_string() == "failed");
  BOOST_TEST(shifting.at("reason").as_string().starts_with("inconsistent pages"),
             shifting.at("reason").as_string());
  const auto stable = run_case(demo_spec(), demo.url(), "pagination_test", "listItems", config);
  BOOST_TEST(number(stable, "pages_walked") == 20.0);
  BOOST_TEST(number(stable, "duplicate_items") == 0.0);
  BOOST_TEST(number(stable, "missing_items") == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
