// The statistics of core/compare against reference values computed in the test by Debian's numpy
// and a published t table (tests/tools/numpy_reference.py says why not scipy): the quantile rule,
// the lag-1 autocorrelation behind the block length, E-divisive's energy statistic, and the
// change interval against Welch's interval where both apply (independent seconds).
#include "perf/compare/block_bootstrap.hpp"
#include "perf/compare/change_interval.hpp"
#include "perf/compare/change_points.hpp"
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

using namespace perf::compare;
namespace json = boost::json;

namespace {

const std::string reference_script = PERF_AGENT_SOURCE_DIR "/tests/tools/numpy_reference.py";

// Runs the reference script with Debian's Python (which has python3-numpy) on `request`; a
// missing numpy fails the test with its message.
json::object reference(const json::object& request) {
  const auto file = std::filesystem::path(perf::test::temp_dir()) / "reference-request.json";
  std::ofstream(file) << json::serialize(request);
  const auto r = perf::test::run({"/usr/bin/python3", reference_script, file.string()});
  BOOST_TEST_REQUIRE(r.exit_code == 0, "numpy_reference.py: " << r.err);
  return json::parse(r.out).as_object();
}

json::array to_array(const std::vector<double>& values) {
  json::array a;
  for (double v : values) a.push_back(v);
  return a;
}

std::vector<double> normal_values(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, sd);
  std::vector<double> out(n);
  for (auto& v : out) v = d(rng);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(statistics_reference)

BOOST_AUTO_TEST_CASE(quantiles_match_numpy_linear_interpolation) {
  auto data = normal_values(37, 20, 4, 1);
  std::sort(data.begin(), data.end());
  const std::vector<double> qs{0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
  const auto ref = reference({{"quantile", {{"data", to_array(data)}, {"q", to_array(qs)}}}});
  const auto& expected = ref.at("quantile").as_array();
  for (std::size_t i = 0; i < qs.size(); ++i)
    BOOST_TEST(quantile(data, qs[i]) == expected[i].to_number<double>(),
               boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(lag1_autocorrelation_matches_the_reference_estimator) {
  // An AR(1) series with φ = 0.6, as slow drifts of per-second latency make.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  SecondSeries s;
  std::vector<double> x;
  double d = 0;
  for (int i = 0; i < 45; ++i) {
    d = 0.6 * d + noise(rng);
    x.push_back(20 + d);
    s.add(20 + d, 1);
  }
  const auto ref = reference({{"acf", to_array(x)}});
  BOOST_TEST(lag1_autocorrelation(s) == ref.at("acf").to_number<double>(),
             boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(the_energy_statistic_matches_the_reference_at_every_split) {
  // A step with noise, and each split of it; Q must agree wherever the split falls.
  auto x = normal_values(14, 20, 0.5, 3);
  for (std::size_t i = 8; i < x.size(); ++i) x[i] += 3;
  json::array energy;
  for (std::size_t split = 2; split + 2 <= x.size(); ++split)
    energy.push_back(json::object{{"x", to_array(x)}, {"split", split}});
  const auto ref = reference({{"energy", energy}});
  const auto& expected = ref.at("energy").as_array();
  std::size_t i = 0;
  for (std::size_t split = 2; split + 2 <= x.size(); ++split, ++i)
    BOOST_TEST(split_statistic(x, 0, split, x.size()) == expected[i].to_number<double>(),
               boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(on_independent_seconds_the_interval_agrees_with_welchs) {
  // Error rates (fractions) of 60 independent seconds per run: the block bootstrap's interval of
  // the difference should be Welch's, up to the bootstrap's own noise and its blocks' fewer
  // degrees of freedom. Five pairs, each within 20 % in width; the estimate exactly.
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto a = normal_values(60, 0.30, 0.02, 100 + seed);
    const auto b = normal_values(60, 0.31, 0.02, 200 + seed);
    SecondSeries base, now;
    base.summary = now.summary = SecondSeries::Summary::ratio_of_sums;
    for (double v : a) base.add(v, 1);
    for (double v : b) now.add(v, 1);
    const auto ours = change_interval(base, now, ChangeScale::points, 0.95, 4000, seed);
    const auto ref =
        reference({{"welch", {{"a", to_array(a)}, {"b", to_array(b)}, {"confidence", 0.95}}}});
    const auto& w = ref.at("welch").as_object();
    const double difference = 100 * w.at("difference").to_number<double>();
    const double half_width = 100 * w.at("half_width").to_number<double>();
    BOOST_TEST_MESSAGE("seed " << seed << ": ours " << ours.estimate << " ± "
                               << (ours.high - ours.low) / 2 << " pp, Welch " << difference << " ± "
                               << half_width << " pp");
    BOOST_TEST(ours.estimate == difference, boost::test_tools::tolerance(1e-9));
    BOOST_TEST((ours.high - ours.low) / 2 == half_width, boost::test_tools::tolerance(0.2));
  }
}

BOOST_AUTO_TEST_SUITE_END()
