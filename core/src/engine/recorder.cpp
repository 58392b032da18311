#include "perf/engine/recorder.hpp"

namespace perf::engine {

void Recorder::drain_into(api::Metrics& into) {
  into.latency.hdr().merge(latency);
  into.total_requests += requests;
  into.successful_requests += successful;
  into.failed_requests += failed;
  into.bytes_received += bytes_in;
  into.bytes_sent += bytes_out;
  into.dropped_iterations += dropped;
  into.retried_requests += retried;
  into.timing.merge(timing);
  for (std::size_t code = 0; code < status.size(); ++code)
    if (status[code]) into.status_codes[int(code)] += status[code];
  for (std::size_t kind = 1; kind < errors.size(); ++kind)
    if (errors[kind])
      into.errors[std::string(http::to_string(http::ErrorKind(kind)))] += errors[kind];
  latency.reset();
  requests = successful = failed = bytes_in = bytes_out = dropped = retried = 0;
  status.fill(0);
  errors.fill(0);
  timing = api::TimingSums{};
}

}  // namespace perf::engine
