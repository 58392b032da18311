// A High Dynamic Range latency histogram (Gil Tene's HdrHistogram layout): fixed memory,
// 3 significant digits from 1 µs to 1 hour, exact merge. Written here rather than taken from
// a library: see docs/hdr-histogram.md for why.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace perf::metrics {

class LatencyHistogram {
 public:
  static constexpr std::uint64_t lowest_us = 1;
  static constexpr std::uint64_t highest_us = 3'600'000'000ULL;  // one hour
  static constexpr int significant_digits = 3;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram& other);
  LatencyHistogram& operator=(const LatencyHistogram& other);
  // The moved-from histogram is empty and usable.
  LatencyHistogram(LatencyHistogram&& other) noexcept;
  LatencyHistogram& operator=(LatencyHistogram&& other) noexcept;
  ~LatencyHistogram() = default;

  // Values above one hour are counted at one hour (and in saturated()).
  void record(std::uint64_t value_us) noexcept {
    if (value_us > highest_us) {
      value_us = highest_us;
      ++saturated_;
    }
    if (!counts_) [[unlikely]]
      counts_ = zeroed_counts();  // (188 KB: std::terminate if even that cannot be had)
    ++counts_[index_of(value_us)];
    ++total_count_;
    sum_us_ += value_us;
    if (value_us < min_us_) min_us_ = value_us;
    if (value_us > max_us_) max_us_ = value_us;
  }

  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return total_count_; }
  std::uint64_t saturated() const { return saturated_; }
  std::uint64_t min_us() const { return total_count_ ? min_us_ : 0; }
  std::uint64_t max_us() const { return max_us_; }
  double mean_us() const { return total_count_ ? double(sum_us_) / double(total_count_) : 0.0; }
  // The smallest recorded value (to histogram precision) at or below which `percentile` % of
  // all values lie; 0 when empty. Percentile in [0, 100].
  std::uint64_t value_at_percentile(double percentile) const;
  // Values at or below `value_us`, to the histogram's precision: the bucket holding `value_us`
  // counts whole (Prometheus histogram buckets are built from this).
  std::uint64_t count_at_or_below(std::uint64_t value_us) const;
  // Bytes held: the counts array, for the whole range, once anything was recorded. (Resident are
  // only the pages around recorded values: the array comes zeroed from calloc, perf-agent keeps
  // allocations this large out of the reused heap (mallopt in main), and merge, reset and copies
  // touch only the indexes between the smallest and largest value.)
  std::size_t footprint_bytes() const {
    return sizeof(*this) + (counts_ ? length() * sizeof(std::uint64_t) : 0);
  }

  // Lossless sparse encoding: {"lowest_us","highest_us","significant_digits","count","min_us",
  // "max_us","sum_us","saturated","counts":[index,count,index,count,...]}.
  boost::json::value to_json() const;
  // Throws std::invalid_argument on an encoding of another layout or a malformed one.
  static LatencyHistogram from_json(const boost::json::value& encoded);

  bool operator==(const LatencyHistogram& other) const;

 private:
  static constexpr int sub_bucket_count_magnitude = 11;  // 2048 > 2 * 10^3
  static constexpr std::uint64_t sub_bucket_count = 1ULL << sub_bucket_count_magnitude;
  static constexpr int sub_bucket_half_count_magnitude = sub_bucket_count_magnitude - 1;
  static constexpr std::uint64_t sub_bucket_half_count = sub_bucket_count / 2;
  static constexpr std::uint64_t sub_bucket_mask = sub_bucket_count - 1;

  static std::size_t index_of(std::uint64_t value) noexcept {
    const int pow2_ceiling = 64 - __builtin_clzll(value | sub_bucket_mask);
    const int bucket = pow2_ceiling - (sub_bucket_half_count_magnitude + 1);
    const std::uint64_t sub_bucket = value >> bucket;
    return (std::size_t(bucket + 1) << sub_bucket_half_count_magnitude) +
           std::size_t(sub_bucket - sub_bucket_half_count);
  }
  static std::uint64_t highest_equivalent_value(std::size_t index) noexcept;
  static std::size_t counts_length() noexcept;
  static std::size_t length() noexcept {
    static const std::size_t n = counts_length();
    return n;
  }
  // Indexes [first, last] that can hold counts: those of min_us_ and max_us_ (none when empty).
  std::size_t first_index() const noexcept { return index_of(min_us_); }
  std::size_t last_index() const noexcept { return index_of(max_us_); }
  void copy_counts_from(const LatencyHistogram& other);

  struct Free {
    void operator()(std::uint64_t* p) const noexcept { std::free(p); }
  };
  // calloc, not std::vector: a vector writes every zero, making all of it resident (188 KB per
  // histogram; a run holds dozens); calloc'ed pages stay untouched until a value lands there.
  // Null until the first value: many histograms (failed requests' latency) never get one.
  static std::unique_ptr<std::uint64_t[], Free> zeroed_counts();
  std::unique_ptr<std::uint64_t[], Free> counts_;
  std::uint64_t total_count_ = 0;
  std::uint64_t sum_us_ = 0;
  std::uint64_t min_us_ = UINT64_MAX;
  std::uint64_t max_us_ = 0;
  std::uint64_t saturated_ = 0;
};

}  // namespace perf::metrics
