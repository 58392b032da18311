#define BOOST_TEST_MODULE analysis
#include "perf/analysis/fits.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace perf::analysis;

BOOST_AUTO_TEST_SUITE(fits)

BOOST_AUTO_TEST_CASE(least_squares_recovers_an_exact_line) {
  std::vector<Point> p;
  for (int x = 0; x < 10; ++x) p.push_back({double(x), 3.0 * x + 2});
  const auto f = least_squares(p);
  BOOST_REQUIRE(f);
  BOOST_TEST(f->slope == 3.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(f->intercept == 2.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(f->r_squared == 1.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!least_squares({{1, 1}, {1, 2}}));  // no spread in x: no line
}

BOOST_AUTO_TEST_CASE(theil_sen_ignores_wild_outliers_that_move_least_squares) {
  std::vector<Point> p;
  for (int x = 0; x < 20; ++x) p.push_back({double(x), 10.0 * x});
  p[17].y = 5000;  // a GC pause, a noisy neighbour
  p[18].y = -3000;
  const auto robust = theil_sen(p);
  const auto plain = least_squares(p);
  BOOST_REQUIRE(robust && plain);
  BOOST_TEST(robust->slope == 10.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(std::fabs(plain->slope - 10.0) > 5.0);
}

BOOST_AUTO_TEST_CASE(usl_recovers_known_contention_and_coherency) {
  const double lambda = 100, sigma = 0.05, kappa = 0.002;
  std::vector<Point> p;
  for (double n : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0})
    p.push_back({n, lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))});
  const auto f = fit_usl(p);
  BOOST_REQUIRE(f);
  BOOST_TEST(f->lambda == lambda, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(f->sigma == sigma, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(f->kappa == kappa, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(f->peak_users == std::sqrt((1 - sigma) / kappa), boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(a_fully_serialized_resource_has_sigma_one_and_peaks_at_its_rate) {
  // One at a time at 10 ms: 100 req/s whatever the users.
  const auto f = fit_usl({{1, 100}, {2, 100}, {4, 100}, {8, 100}});
  BOOST_REQUIRE(f);
  BOOST_TEST(f->sigma == 1.0, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(f->kappa == 0.0);
  BOOST_TEST(f->peak_throughput == 100.0, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(usl_needs_three_distinct_user_counts) {
  BOOST_TEST(!fit_usl({{1, 10}, {2, 19}}));
  BOOST_TEST(!fit_usl({{1, 10}, {1, 11}, {2, 19}}));
}

BOOST_AUTO_TEST_CASE(median_of_even_and_odd_counts) {
  BOOST_TEST(median({3, 1, 2}) == 2.0);
  BOOST_TEST(median({4, 1, 3, 2}) == 2.5);
  BOOST_TEST(median({}) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
