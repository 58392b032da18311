// The load engine: runs one Phase (closed or open model) on every thread of the shared
// executor, each thread with its own connections and recorder, and merges what they measured
// once per interval (published on the metrics bus) and at the end.
#pragma once

#include "perf/api/load.hpp"
#include "perf/engine/arrivals.hpp"
#include "perf/engine/segment.hpp"
#include "perf/exec/executor.hpp"
#include "perf/http/target.hpp"
#include "perf/run/stop_signal.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <string>

namespace perf::engine {

struct EngineOptions {
  double timeout_s = 30;
  int max_connections = 0;  // open model bound over all threads; 0: automatic
  http::TlsOptions tls;
  std::string default_base_url;                       // used when a phase names none
  double interval_s = 1.0;                            // metrics bus interval
  ArrivalProcess arrivals = ArrivalProcess::uniform;  // open model: --arrivals
  std::uint64_t arrival_seed = 1;                     // Poisson arrivals: --seed
  // --http2: HTTP/2 instead of HTTP/1.1, h2c with prior knowledge for http:// and h2 chosen by
  // ALPN for https://. Each connection carries up to `streams` requests at once (--streams):
  // the closed model puts that many users on one connection, the open model fills a
  // connection's streams before it opens another.
  bool http2 = false;
  int streams = 1;
  // --segment I/N: this process runs only its share of every phase (perf/engine/segment.hpp).
  Segment segment;
};

struct PhaseHooks {
  // Called once per interval on the control context (the one run() is awaited on), with the
  // interval's own counts, status codes and latencies (live streams and Prometheus need them).
  std::function<void(const api::Snapshot&, const api::Metrics& interval)> on_interval;
  std::string case_id;
  run::StopSignal* stop = nullptr;        // Ctrl-C / SIGTERM / abortOnFail: wakes every worker
  std::function<double()> target_rss_mb;  // -1 when not monitored
};

class LoadEngine {
 public:
  LoadEngine(exec::Executor& executor, EngineOptions options);

  // Must be awaited on one of the executor's contexts. Throws perf::UserError for a phase that
  // cannot run (bad base URL, no requests).
  boost::asio::awaitable<api::PhaseResult> run(api::Phase phase, PhaseHooks hooks);

  const EngineOptions& options() const { return options_; }

 private:
  exec::Executor& executor_;
  EngineOptions options_;
};

}  // namespace perf::engine
