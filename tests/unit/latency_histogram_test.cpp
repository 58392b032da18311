#define BOOST_TEST_MODULE metrics
#include "perf/metrics/latency_histogram.hpp"
#include "perf/api/metrics.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

using perf::metrics::LatencyHistogram;

BOOST_AUTO_TEST_SUITE(latency_histogram)

BOOST_AUTO_TEST_CASE(percentiles_are_within_three_significant_digits) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v);  // 1 us .. 100 ms, uniform
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9}) {
    const double exact = p / 100.0 * 100000;
    const double got = double(h.value_at_percentile(p));
    BOOST_TEST(std::abs(got - exact) / exact < 0.001, "p" << p << ": " << got << " vs " << exact);
  }
  BOOST_TEST(h.min_us() == 1u);
  BOOST_TEST(h.max_us() == 100000u);
  BOOST_TEST(h.mean_us() == 50000.5, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(the_median_of_two_values_is_the_lower_one) {
  LatencyHistogram h;
  h.record(10);
  h.record(20);
  BOOST_TEST(h.value_at_percentile(50) == 10u);  // rank 1 of 2 (nearest rank)
  BOOST_TEST(h.value_at_percentile(100) == 20u);
  BOOST_TEST(h.value_at_percentile(0) == 10u);
}

BOOST_AUTO_TEST_CASE(small_samples_give_their_exact_nearest_rank) {
  LatencyHistogram h;  // 100, 200, ... 1000 us, recorded out of order; exact below 2048 us
  for (std::uint64_t v = 1000; v >= 100; v -= 100) h.record(v);
  BOOST_TEST(h.value_at_percentile(10) == 100u);  // rank 1 of 10
  BOOST_TEST(h.value_at_percentile(30) == 300u);  // rank 3
  BOOST_TEST(h.value_at_percentile(50) == 500u);  // rank 5
  BOOST_TEST(h.value_at_percentile(90) == 900u);  // rank 9
  BOOST_TEST(h.value_at_percentile(99) == 1000u);
  LatencyHistogram four;
  for (std::uint64_t v : {40u, 10u, 30u, 20u}) four.record(v);
  BOOST_TEST(four.value_at_percentile(25) == 10u);
  BOOST_TEST(four.value_at_percentile(50) == 20u);
  BOOST_TEST(four.value_at_percentile(75) == 30u);
  BOOST_TEST(four.value_at_percentile(100) == 40u);
}

BOOST_AUTO_TEST_CASE(values_over_an_hour_are_counted_as_saturated) {
  LatencyHistogram h;
  h.record(LatencyHistogram::highest_us * 2);
  BOOST_TEST(h.count() == 1u);
  BOOST_TEST(h.saturated() == 1u);
  BOOST_TEST(h.max_us() == LatencyHistogram::highest_us);
}

BOOST_AUTO_TEST_CASE(merge_equals_recording_everything_in_one) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(8.0, 1.5);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const auto v = std::uint64_t(latency(random)) + 1;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  BOOST_TEST((a == all));
}

BOOST_AUTO_TEST_CASE(json_encoding_is_lossless) {
  LatencyHistogram h;
  for (std::uint64_t v : {1u, 17u, 2048u, 2049u, 999999u, 123456789u}) h.record(v);
  const auto text = boost::json::serialize(h.to_json());
  const auto back = LatencyHistogram::from_json(boost::json::parse(text));
  BOOST_TEST((back == h));
  BOOST_TEST(back.value_at_percentile(50) == h.value_at_percentile(50));
}

BOOST_AUTO_TEST_CASE(an_encoding_of_another_layout_is_refused) {
  auto encoded = LatencyHistogram().to_json();
  encoded.as_object()["significant_digits"] = 2;
  BOOST_CHECK_THROW(LatencyHistogram::from_json(encoded), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(memory_is_constant_whatever_is_recorded) {
  // A million values spread over the whole range from 1 µs to an hour: a histogram that kept
  // samples, or grew buckets on demand, would grow here.
  perf::api::LatencyDistribution d;
  const auto empty = d.footprint_bytes();  // no counts array until the first value
  d.record(1);
  const auto before = d.footprint_bytes();
  BOOST_TEST(empty < before);
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> log_us(0.0, std::log(3.6e9));
  for (int i = 0; i < 1000000; ++i) d.record(std::uint64_t(std::exp(log_us(random))));
  BOOST_TEST(d.count() == 1000001u);
  BOOST_TEST(d.footprint_bytes() == before);
  // And the footprint is the fixed layout's: about 23 thousand 8-byte counters, not more.
  BOOST_TEST(before < 300u * 1024u);
}

BOOST_AUTO_TEST_CASE(copies_and_moves_keep_every_count_and_leave_a_usable_source) {
  LatencyHistogram h;
  for (std::uint64_t v : {3u, 250u, 9'000u, 1'200'000u}) h.record(v);
  LatencyHistogram copy(h);
  BOOST_TEST((copy == h));
  LatencyHistogram moved(std::move(copy));
  BOOST_TEST((moved == h));
  BOOST_TEST(copy.count() == 0u);  // NOLINT: moved-from is empty and usable
  copy.record(7);
  BOOST_TEST(copy.value_at_percentile(100) == 7u);
  LatencyHistogram assigned;
  assigned.record(42);
  assigned = h;  // the old count at 42 must not survive
  BOOST_TEST((assigned == h));
  assigned.reset();
  BOOST_TEST((assigned == LatencyHistogram()));
}

BOOST_AUTO_TEST_CASE(an_encoding_with_counts_outside_min_and_max_is_refused) {
  LatencyHistogram h;
  h.record(100);
  auto encoded = h.to_json();
  encoded.as_object()["max_us"] = 50;  // the count at 100 lies above the stated maximum
  BOOST_CHECK_THROW(LatencyHistogram::from_json(encoded), std::invalid_argument);
  // A range the array does not have, with no counts at all to catch it (it was read and written
  // out of bounds by merge and reset).
  auto beyond = LatencyHistogram().to_json();
  beyond.as_object()["count"] = 5;
  beyond.as_object()["min_us"] = 1;
  beyond.as_object()["max_us"] = 1'000'000'000'000'000ULL;
  BOOST_CHECK_THROW(LatencyHistogram::from_json(beyond), std::invalid_argument);
  // Counts that do not add up to the count.
  auto short_count = h.to_json();
  short_count.as_object()["count"] = 2;
  BOOST_CHECK_THROW(LatencyHistogram::from_json(short_count), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
