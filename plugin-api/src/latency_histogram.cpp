#include "perf/metrics/latency_histogram.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <new>
#include <stdexcept>
#include <utility>

namespace perf::metrics {

std::size_t LatencyHistogram::counts_length() noexcept {
  // Buckets needed until the sub-bucket range covers highest_us (HdrHistogram's rule).
  std::uint64_t smallest_untrackable = sub_bucket_count;
  int buckets = 1;
  while (smallest_untrackable <= highest_us) {
    smallest_untrackable <<= 1;
    ++buckets;
  }
  return std::size_t(buckets + 1) * sub_bucket_half_count;
}

std::unique_ptr<std::uint64_t[], LatencyHistogram::Free> LatencyHistogram::zeroed_counts() {
  auto* p = static_cast<std::uint64_t*>(std::calloc(length(), sizeof(std::uint64_t)));
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<std::uint64_t[], Free>(p);
}

LatencyHistogram::LatencyHistogram() = default;

LatencyHistogram::LatencyHistogram(const LatencyHistogram& other) {
  copy_counts_from(other);
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this != &other) {
    reset();
    copy_counts_from(other);
  }
  return *this;
}

LatencyHistogram::LatencyHistogram(LatencyHistogram&& other) noexcept
    : counts_(std::move(other.counts_)),
      total_count_(std::exchange(other.total_count_, 0)),
      sum_us_(std::exchange(other.sum_us_, 0)),
      min_us_(std::exchange(other.min_us_, UINT64_MAX)),
      max_us_(std::exchange(other.max_us_, 0)),
      saturated_(std::exchange(other.saturated_, 0)) {}

LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&& other) noexcept {
  if (this != &other) {
    counts_ = std::move(other.counts_);
    total_count_ = std::exchange(other.total_count_, 0);
    sum_us_ = std::exchange(other.sum_us_, 0);
    min_us_ = std::exchange(other.min_us_, UINT64_MAX);
    max_us_ = std::exchange(other.max_us_, 0);
    saturated_ = std::exchange(other.saturated_, 0);
  }
  return *this;
}

void LatencyHistogram::copy_counts_from(const LatencyHistogram& other) {
  if (other.total_count_) {
    if (!counts_) counts_ = zeroed_counts();
    std::copy(other.counts_.get() + other.first_index(),
              other.counts_.get() + other.last_index() + 1, counts_.get() + other.first_index());
  }
  total_count_ = other.total_count_;
  sum_us_ = other.sum_us_;
  min_us_ = other.min_us_;
  max_us_ = other.max_us_;
  saturated_ = other.saturated_;
}

bool LatencyHistogram::operator==(const LatencyHistogram& other) const {
  if (total_count_ != other.total_count_ || sum_us_ != other.sum_us_ ||
      saturated_ != other.saturated_ || max_us_ != other.max_us_ ||
      (total_count_ && min_us_ != other.min_us_))
    return false;
  if (!total_count_) return true;  // (both hold counts: a histogram with values has its array)
  return std::equal(counts_.get() + first_index(), counts_.get() + last_index() + 1,
                    other.counts_.get() + first_index());
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.total_count_) {
    if (!counts_) counts_ = zeroed_counts();
    for (std::size_t i = other.first_index(), last = other.last_index(); i <= last; ++i)
      counts_[i] += other.counts_[i];
  }
  total_count_ += other.total_count_;
  sum_us_ += other.sum_us_;
  saturated_ += other.saturated_;
  min_us_ = std::min(min_us_, other.min_us_);
  max_us_ = std::max(max_us_, other.max_us_);
}

void LatencyHistogram::reset() {
  if (total_count_ && counts_)
    std::fill(counts_.get() + first_index(), counts_.get() + last_index() + 1, 0);
  total_count_ = sum_us_ = saturated_ = max_us_ = 0;
  min_us_ = UINT64_MAX;
}

std::uint64_t LatencyHistogram::highest_equivalent_value(std::size_t index) noexcept {
  int bucket = int(index >> sub_bucket_half_count_magnitude) - 1;
  std::uint64_t sub_bucket = (index & (sub_bucket_half_count - 1)) + sub_bucket_half_count;
  if (bucket < 0) {
    sub_bucket -= sub_bucket_half_count;
    bucket = 0;
  }
  const std::uint64_t lowest = sub_bucket << bucket;
  const std::uint64_t range = 1ULL << bucket;
  return lowest + range - 1;
}

std::uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (total_count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  auto wanted = std::uint64_t(std::llround(percentile / 100.0 * double(total_count_)));
  wanted = std::max<std::uint64_t>(wanted, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = first_index(), last = last_index(); i <= last; ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::min(highest_equivalent_value(i), max_us_);
  }
  return max_us_;
}

std::uint64_t LatencyHistogram::count_at_or_below(std::uint64_t value_us) const {
  if (total_count_ == 0 || value_us < min_us_) return 0;
  if (value_us >= max_us_) return total_count_;
  std::uint64_t seen = 0;
  for (std::size_t i = first_index(), last = index_of(value_us); i <= last; ++i) seen += counts_[i];
  return seen;
}

boost::json::value LatencyHistogram::to_json() const {
  boost::json::array sparse;
  for (std::size_t i = total_count_ ? first_index() : 1, last = last_index();
       total_count_ && i <= last; ++i) {
    if (counts_[i] == 0) continue;
    sparse.emplace_back(i);
    sparse.emplace_back(counts_[i]);
  }
  return boost::json::object{{"lowest_us", lowest_us},
                             {"highest_us", highest_us},
                             {"significant_digits", significant_digits},
                             {"count", total_count_},
                             {"min_us", min_us()},
                             {"max_us", max_us_},
                             {"sum_us", sum_us_},
                             {"saturated", saturated_},
                             {"counts", std::move(sparse)}};
}

LatencyHistogram LatencyHistogram::from_json(const boost::json::value& encoded) {
  const auto* o = encoded.if_object();
  if (!o) throw std::invalid_argument("histogram: not an object");
  auto number = [&](const char* key) -> std::uint64_t {
    const auto* v = o->if_contains(key);
    if (!v) throw std::invalid_argument(std::string("histogram: missing \"") + key + "\"");
    return boost::json::value_to<std::uint64_t>(*v);
  };
  if (number("lowest_us") != lowest_us || number("highest_us") != highest_us ||
      number("significant_digits") != std::uint64_t(significant_digits))
    throw std::invalid_argument("histogram: encoded with another range or precision");
  LatencyHistogram h;
  const auto* counts = o->if_contains("counts");
  if (!counts || !counts->is_array() || counts->as_array().size() % 2)
    throw std::invalid_argument("histogram: \"counts\" must be [index, count, ...]");
  const auto& a = counts->as_array();
  h.total_count_ = number("count");
  h.sum_us_ = number("sum_us");
  h.saturated_ = number("saturated");
  h.max_us_ = number("max_us");
  h.min_us_ = h.total_count_ ? number("min_us") : UINT64_MAX;
  // Merge, reset, copies and percentiles work between the indexes of min and max: a range the
  // array does not have, or counts outside it, is refused rather than read or written.
  if (h.total_count_ && (h.min_us_ > h.max_us_ || h.max_us_ > highest_us))
    throw std::invalid_argument("histogram: min_us and max_us must satisfy min <= max <= 1 h");
  if (!h.total_count_ && (!a.empty() || h.max_us_ != 0))
    throw std::invalid_argument("histogram: counts or a maximum without a count");
  std::uint64_t counted = 0;
  for (std::size_t i = 0; i < a.size(); i += 2) {
    const auto index = boost::json::value_to<std::uint64_t>(a[i]);
    if (index < h.first_index() || index > h.last_index())
      throw std::invalid_argument("histogram: a count outside min_us..max_us");
    if (!h.counts_) h.counts_ = zeroed_counts();
    const auto n = boost::json::value_to<std::uint64_t>(a[i + 1]);
    h.counts_[index] += n;
    counted += n;
  }
  if (counted != h.total_count_)
    throw std::invalid_argument("histogram: the counts do not add up to \"count\"");
  return h;
}

}  // namespace perf::metrics
