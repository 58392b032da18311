// A phase of load as a test type asks the engine for it (k6's executors: constant-vus,
// ramping-vus, constant-arrival-rate, ramping-arrival-rate), and what the engine measured.
#pragma once

#include "perf/api/flow.hpp"
#include "perf/api/metrics.hpp"
#include "perf/api/request.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace perf::api {

enum class LoadModel {
  closed,  // N virtual users, each sends, waits for the answer, thinks, sends again
  open,    // requests arrive at a rate whatever the server does; latency from intended start
};

// A stage ramps linearly from the previous target to `target` over `duration_s`
// (users in the closed model, requests per second in the open model).
struct Stage {
  double duration_s = 0;
  double target = 0;
};

// Durations are plan seconds: the Session multiplies duration_s, ramp_up_s and stage durations by
// --time-scale (think time is a property of the user and is not scaled).
struct Phase {
  Phase() {}  // not an aggregate: see RequestSpec
  std::string name;
  LoadModel model = LoadModel::closed;
  int users = 1;        // closed: constant users when `stages` is empty
  double rate_rps = 0;  // open: constant rate when `stages` is empty
  std::vector<Stage> stages;
  double duration_s = 10;             // ignored when `stages` is set (their sum) or iterations > 0
  double ramp_up_s = 0;               // closed: users start evenly over this time
  double think_time_s = 0;            // closed: pause after each response
  std::uint64_t iterations = 0;       // > 0: stop after this many requests in all (closed model)
  std::string base_url;               // scheme://host:port[/prefix]; empty: the session's target
  std::vector<RequestSpec> requests;  // sent round-robin
  double timeout_s = 0;               // per request; 0: the session's --timeout
  int max_connections = 0;            // open model: connection bound; 0: the session's or automatic
  bool keep_alive = true;             // false: a new connection for every request
  bool hold_connections = false;      // closed: users keep their connection idle between requests
  // Non-empty: users run these flows (mixed by weight) instead of `requests`; in the open model
  // each arrival is one iteration of one flow.
  std::vector<Flow> flows;
  // Flows: iterations running at the end may finish this long (real seconds); the session's
  // --graceful-stop bounds it.
  double graceful_stop_s = 30;
};

struct PhaseResult {
  std::string name;
  Metrics metrics;
  bool interrupted = false;       // stopped by Ctrl-C / SIGTERM or an abortOnFail threshold
  double time_scale = 1;          // what the Session multiplied the phase's durations by
  std::vector<StepResult> steps;  // flows: per step (the requests are in `metrics` too)
  FlowMetrics flow;               // flows: iterations, failures, iteration durations
};

// The agent's own and (when configured) the target's resource use.
struct ResourceSample {
  double agent_cpu_percent = 0;
  double agent_rss_mb = 0;
  double agent_peak_rss_mb = 0;
  bool target_known = false;
  double target_rss_mb = 0;
  double target_cpu_seconds = 0;
  std::string target_error;  // why the target could not be sampled
};

// What the run publishes once per interval while a phase runs (reporters get it live).
struct Snapshot {
  std::string case_id;
  std::string phase;
  double elapsed_s = 0;  // since the phase started
  double planned_s = 0;  // 0 when unknown (iterations)
  IntervalPoint point;
  std::uint64_t total_requests = 0;  // in the phase so far
  std::uint64_t total_errors = 0;
};

}  // namespace perf::api
