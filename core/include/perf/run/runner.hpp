// The Runner: runs a plan's cases on the shared executor and returns the result. Every front end
// (the `run` command, and next the service, the agent and segment runs) is argument handling
// around one Runner: pre-flight, the case loop, probe counting, thresholds, the verdict and the
// exit code, stop requests and the metrics bus live here and nowhere else.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/api/test_type.hpp"
#include "perf/engine/arrivals.hpp"
#include "perf/engine/segment.hpp"
#include "perf/http/target.hpp"
#include "perf/plan/plan_io.hpp"
#include "perf/run/metrics_bus.hpp"
#include "perf/run/request_decoration.hpp"
#include "perf/run/stop_signal.hpp"
#include "perf/verdict/threshold.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace perf::exec {
class Executor;
}

namespace perf::run {

struct RunOptions {
  api::Settings settings;
  std::vector<verdict::Threshold> thresholds;  // run-wide (--threshold, config file)
  RequestDecoration decoration;                // headers and credentials for every request
  http::TlsOptions tls;
  engine::ArrivalProcess arrivals = engine::ArrivalProcess::uniform;  // open model
  bool http2 = false;       // the load engine and the pre-flight speak HTTP/2 (probes HTTP/1.1)
  int streams = 1;          // concurrent streams per HTTP/2 connection
  engine::Segment segment;  // --segment: this process's share of the run
  // Test types whose cases every segment runs a share of (api::trait_segments_divide); the
  // others' cases run in segment 0 only.
  std::set<std::string> segment_dividing_types;
  // --start-at: the load starts at this instant (after the pre-flight); a run that gets there
  // late starts at once and says by how much.
  std::optional<std::chrono::system_clock::time_point> start_at;
  std::optional<int> target_pid;  // resource monitor: the target's process
  std::string target_metrics;     // or its Prometheus metrics URL
  std::string tool;               // "perf-agent 0.1.0"
  std::string spec;               // for the report
  std::vector<std::string> test_ids;
  bool quick = false;  // quick mode: the plan's URL is the target itself
};

// Why a run ended before any case ran (exit code 3): the target could not be reached.
struct Unreachable {
  std::string message;  // "http://127.0.0.2:1 is unreachable (connect_refused: ...)"
};

class Runner {
 public:
  // Throws perf::UserError for a plan it cannot run (a test type no plugin provides, a case
  // without a target URL, a malformed threshold).
  Runner(plan::Plan plan, std::map<std::string, std::shared_ptr<api::TestType>> test_types,
         RunOptions options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Subscribe observers before run(); they get every event from the control thread.
  MetricsBus& bus() { return bus_; }

  // Thread-safe and idempotent: the case under way stops at once (waits are cancelled) and what
  // was measured is kept; no further case starts. True when this call stopped the run.
  bool stop(std::string reason);
  StopSignal& stop_signal() { return stop_; }

  // The context observers and stop requests run on (for signal handling, timers).
  boost::asio::io_context& control();

  // Runs every case and returns the summary (exit_code set per DESIGN §6: 0, 1, 3 or 130),
  // or Unreachable when the pre-flight request found no server. Call once.
  std::variant<api::RunSummary, Unreachable> run();

 private:
  api::RunSummary finish(api::RunSummary summary);
  // --start-at: sleeps until the instant (a stop request ends the wait), or notes how late.
  void wait_for_start();
  // --segment: whether this process runs case `c` (a share of it, or all of it in segment 0).
  bool runs_in_this_segment(const api::TestCase& c) const;

  plan::Plan plan_;
  std::map<std::string, std::shared_ptr<api::TestType>> test_types_;
  RunOptions options_;
  MetricsBus bus_;
  StopSignal stop_;
  std::unique_ptr<exec::Executor> executor_;
  double late_start_s_ = 0;  // how long after --start-at the load began
};

// Every case needs somewhere to send its requests: --target wins over the plan's or spec's
// server (a relative server path is kept). Throws perf::UserError naming the case otherwise.
void resolve_targets(plan::Plan& plan, const std::string& target, bool quick);

// Each virtual user is a socket: raises the soft limit on open files to the hard one.
void raise_open_file_limit();

}  // namespace perf::run
