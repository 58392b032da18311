// api::LatencyDistribution: the SDK's face of the HDR histogram. Plugins see accessors only, so
// the histogram's layout can change without breaking them.
#include "perf/api/metrics.hpp"
#include "perf/metrics/latency_histogram.hpp"

namespace perf::api {

LatencyDistribution::LatencyDistribution() : hdr_(std::make_unique<metrics::LatencyHistogram>()) {}
LatencyDistribution::LatencyDistribution(const LatencyDistribution& other)
    : hdr_(std::make_unique<metrics::LatencyHistogram>(*other.hdr_)) {}
// A moved-from distribution stays usable (empty), as a value type should.
LatencyDistribution::LatencyDistribution(LatencyDistribution&& other) noexcept
    : hdr_(std::make_unique<metrics::LatencyHistogram>()) {
  hdr_.swap(other.hdr_);
}
LatencyDistribution& LatencyDistribution::operator=(const LatencyDistribution& other) {
  if (this != &other) *hdr_ = *other.hdr_;
  return *this;
}
LatencyDistribution& LatencyDistribution::operator=(LatencyDistribution&& other) noexcept {
  hdr_.swap(other.hdr_);
  return *this;
}
LatencyDistribution::~LatencyDistribution() = default;

void LatencyDistribution::record(std::uint64_t value_us) {
  hdr_->record(value_us);
}
void LatencyDistribution::merge(const LatencyDistribution& other) {
  hdr_->merge(*other.hdr_);
}
void LatencyDistribution::reset() {
  hdr_->reset();
}
std::uint64_t LatencyDistribution::count() const {
  return hdr_->count();
}
std::uint64_t LatencyDistribution::saturated() const {
  return hdr_->saturated();
}
std::uint64_t LatencyDistribution::min_us() const {
  return hdr_->min_us();
}
std::uint64_t LatencyDistribution::max_us() const {
  return hdr_->max_us();
}
double LatencyDistribution::mean_us() const {
  return hdr_->mean_us();
}
std::uint64_t LatencyDistribution::value_at_percentile(double percentile) const {
  return hdr_->value_at_percentile(percentile);
}
std::size_t LatencyDistribution::footprint_bytes() const {
  return sizeof(*this) + hdr_->footprint_bytes();
}
boost::json::value LatencyDistribution::to_json() const {
  return hdr_->to_json();
}
LatencyDistribution LatencyDistribution::from_json(const boost::json::value& encoded) {
  LatencyDistribution d;
  *d.hdr_ = metrics::LatencyHistogram::from_json(encoded);
  return d;
}
bool LatencyDistribution::operator==(const LatencyDistribution& other) const {
  return *hdr_ == *other.hdr_;
}

}  // namespace perf::api
