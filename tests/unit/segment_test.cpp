// Execution segments (perf/engine/segment.hpp) and --start-at instants (perf/util/instant.hpp).
#include "perf/engine/segment.hpp"
#include "perf/util/instant.hpp"
#include "perf/util/user_error.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <vector>

using perf::engine::Segment;

namespace {

// Sets environment variables for one test and restores the old state after it.
struct Environment {
  std::vector<const char*> names;
  ~Environment() {
    for (const char* n : names) ::unsetenv(n);
  }
  void set(const char* name, const char* value) {
    names.push_back(name);
    ::setenv(name, value, 1);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(segments)

BOOST_AUTO_TEST_CASE(shares_add_up_to_the_whole_and_the_first_segments_take_the_rest) {
  // 10 users over 3 segments: 4 + 3 + 3; 1 user over 2: 1 + 0.
  BOOST_TEST((Segment{0, 3}.share_of(10)) == 4u);
  BOOST_TEST((Segment{1, 3}.share_of(10)) == 3u);
  BOOST_TEST((Segment{2, 3}.share_of(10)) == 3u);
  BOOST_TEST((Segment{0, 2}.share_of(1)) == 1u);
  BOOST_TEST((Segment{1, 2}.share_of(1)) == 0u);
  for (std::uint32_t n : {1u, 2u, 3u, 7u, 16u})
    for (std::uint64_t total : {0u, 1u, 5u, 99u, 100u, 1001u}) {
      std::uint64_t sum = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        const Segment s{i, n};
        std::uint64_t owned = 0;
        for (std::uint64_t k = 0; k < total; ++k) owned += s.owns(k);
        BOOST_TEST(owned == s.share_of(total));  // share_of counts exactly what owns() takes
        sum += owned;
      }
      BOOST_TEST(sum == total);
    }
}

BOOST_AUTO_TEST_CASE(every_unit_belongs_to_exactly_one_segment) {
  for (std::uint64_t k = 0; k < 50; ++k) {
    int owners = 0;
    for (std::uint32_t i = 0; i < 4; ++i) owners += Segment{i, 4}.owns(k);
    BOOST_TEST(owners == 1);
  }
  BOOST_TEST(Segment{}.whole());
  BOOST_TEST(Segment{}.owns(12345));
}

BOOST_AUTO_TEST_CASE(segment_arguments_are_checked) {
  const auto s = perf::engine::parse_segment("2/5", "--segment");
  BOOST_TEST(s.index == 2u);
  BOOST_TEST(s.count == 5u);
  for (const char* bad : {"5/5", "1/0", "1", "a/2", "1/2/3", "-1/2", "", "1/"})
    BOOST_CHECK_THROW(perf::engine::parse_segment(bad, "--segment"), perf::UserError);
}

BOOST_AUTO_TEST_CASE(auto_reads_slurm_then_an_indexed_job) {
  {
    Environment env;
    env.set("SLURM_PROCID", "3");
    env.set("SLURM_NTASKS", "8");
    const auto s = perf::engine::segment_from_environment();
    BOOST_TEST(s.index == 3u);
    BOOST_TEST(s.count == 8u);
  }
  {
    Environment env;
    env.set("JOB_COMPLETION_INDEX", "1");
    env.set("PERF_AGENT_SEGMENTS", "2");
    const auto s = perf::engine::segment_from_environment();
    BOOST_TEST(s.index == 1u);
    BOOST_TEST(s.count == 2u);
  }
  {
    Environment env;
    env.set("JOB_COMPLETION_INDEX", "1");  // without the count
    BOOST_CHECK_THROW(perf::engine::segment_from_environment(), perf::UserError);
  }
  BOOST_CHECK_THROW(perf::engine::segment_from_environment(), perf::UserError);
}

BOOST_AUTO_TEST_CASE(instants_read_unix_seconds_and_rfc3339) {
  using perf::util::parse_instant;
  const auto epoch_ms = [](auto t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  BOOST_TEST(epoch_ms(parse_instant("1764316800", "--start-at")) == 1764316800000);
  BOOST_TEST(epoch_ms(parse_instant("1764316800.5", "--start-at")) == 1764316800500);
  BOOST_TEST(epoch_ms(parse_instant("2025-11-28T08:00:00Z", "--start-at")) == 1764316800000);
  BOOST_TEST(epoch_ms(parse_instant("2025-11-28T09:00:00.250+01:00", "--start-at")) ==
             1764316800250);
  BOOST_TEST(epoch_ms(parse_instant("2025-11-28T05:30:00-02:30", "--start-at")) == 1764316800000);
  for (const char* bad : {"2025-11-28T08:00:00", "2025-13-01T00:00:00Z", "tomorrow", "",
                          "2025-11-28T08:00:00.Z", "-5"})
    BOOST_CHECK_THROW(parse_instant(bad, "--start-at"), perf::UserError);
}

BOOST_AUTO_TEST_SUITE_END()
