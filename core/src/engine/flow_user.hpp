// The load engine's flow users (DESIGN §10.6): a phase's flows compiled once (templates,
// extractions, weights), each engine thread's per-step and per-flow counters, and one iteration
// of a flow on one connection. The single-request path of load_engine.cpp does not come here.
#pragma once

#include "perf/api/flow.hpp"
#include "perf/engine/recorder.hpp"
#include "perf/flow/extraction.hpp"
#include "perf/flow/template.hpp"
#include "perf/http/connection.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace perf::run {
class StopSignal;
}

namespace perf::engine {

struct PreparedStep {
  std::string name;
  std::string method;
  flow::Template target;
  std::vector<std::pair<std::string, flow::Template>> headers;
  flow::Template body;
  std::optional<http::PreparedRequest> fixed;             // no placeholders: serialized once
  std::vector<std::pair<int, flow::Extraction>> extract;  // variable index, how
  double think_time_s = 0;
  int expect_status = 0;
  std::size_t slot = 0;  // this step's counters among all steps of the phase
};

struct PreparedFlow {
  std::string name;
  std::vector<PreparedStep> steps;
  std::vector<std::vector<flow::Value>> seeds;  // --data rows as variable values
};

class FlowPlan {
 public:
  // Throws perf::UserError for a flow that cannot run (no steps).
  FlowPlan(const std::vector<api::Flow>& definitions, const http::Url& base, bool keep_alive);

  // The flow of user or arrival number `k`: shares follow the weights, spread evenly (a
  // low-discrepancy sequence), the same on every run.
  const PreparedFlow& pick(std::uint64_t k) const;
  // User or arrival `k`'s variables at its start: its data row, the rest unset.
  std::vector<flow::Value> seed(const PreparedFlow& flow, std::uint64_t k) const;

  std::vector<PreparedFlow> flows;
  std::vector<api::StepResult> steps;  // by slot: flow, name, method, path (metrics empty)
  const http::Url& base() const { return base_; }
  bool keep_alive() const { return keep_alive_; }

 private:
  flow::VariableTable variables_;
  std::vector<double> cumulative_;  // weights summed, for pick()
  http::Url base_;
  bool keep_alive_ = true;
};

// What the flows of a phase measured, summed over threads.
struct FlowTotals {
  std::vector<api::Metrics> steps;  // by slot
  api::FlowMetrics flow;
};

// One thread's flow counters; like Recorder, written by its thread only and drained at each
// interval.
struct FlowRecorder {
  explicit FlowRecorder(std::size_t steps) : steps(steps) {}
  std::vector<Recorder> steps;  // by slot
  api::FlowMetrics flow;
  void drain_into(FlowTotals& totals);
};

// What iterations on one engine thread share.
struct FlowThread {
  const FlowPlan& plan;
  Recorder& recorder;  // the thread's phase totals: flow requests count there too
  FlowRecorder& flows;
  http::Clock::duration timeout;
  const run::StopSignal* stop = nullptr;
  // Iterations still running then are abandoned (counted as interrupted): the phase's end plus
  // its graceful stop.
  http::Clock::time_point abandon_at = http::Clock::time_point::max();
};

// Runs `flow`'s steps in order on `connection`, from `started` (the intended start in the open
// model), with `values` the user's variables. Counts the iteration as passed, failed (with its
// reason) or interrupted. `timer` is the user's, cancelled by a stop request.
boost::asio::awaitable<void> run_iteration(FlowThread& thread, const PreparedFlow& flow,
                                           std::vector<flow::Value>& values,
                                           http::Connection& connection,
                                           boost::asio::steady_timer& timer,
                                           http::Clock::time_point started);

}  // namespace perf::engine
