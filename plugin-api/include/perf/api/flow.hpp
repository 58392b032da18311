// User flows (DESIGN §10.6): a sequence of requests a virtual user performs with values carried
// between them (a token, a created id), and what the engine measured per step and per flow.
#pragma once

#include "perf/api/metrics.hpp"
#include "perf/api/request.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace perf::api {

// One request of a flow. `request`'s target, header values and body may hold `${var}`
// placeholders, filled per iteration from the virtual user's variables.
struct FlowStep {
  FlowStep() {}              // not an aggregate: see RequestSpec
  std::string name;          // unique in its flow: "create"; the `step` tag of thresholds
  std::string path;          // the path as reports show it: "/items/{id}" or "/items/${id}"
  std::string operation_id;  // where the step came from in the spec; "" for method + path
  RequestSpec request;
  // Variables set from the response: name -> "/json/pointer" into the body, or "header:NAME".
  std::vector<std::pair<std::string, std::string>> extract;
  double think_time_s = 0;  // pause after this step (real seconds, not scaled)
  int expect_status = 0;    // 0: any status below 400 passes
};

struct Flow {
  Flow() {}
  std::string name;
  double weight = 1;  // share of users (closed) or arrivals (open) among the phase's flows
  std::vector<FlowStep> steps;
  std::string base_url;  // scheme://host:port[/prefix] the steps go to; "": the session's target
  // Rows that seed each virtual user's variables (user k takes row k mod size): --data.
  std::vector<std::map<std::string, std::string>> data;
  std::string source;  // "config", "links" or "derived": where the flow was defined
};

// What one step measured, over every iteration of the phase or case.
struct StepResult {
  std::string flow;
  std::string name;
  std::string method;
  std::string path;
  Metrics metrics;
};

// What the flows of a phase or case did as a whole.
struct FlowMetrics {
  std::uint64_t iterations = 0;                   // started and ended (passed or failed)
  std::uint64_t failed_iterations = 0;            // a step failed or an extraction found nothing
  std::uint64_t interrupted_iterations = 0;       // still running at the end of the graceful stop
  std::map<std::string, std::uint64_t> failures;  // reason -> count
  LatencyDistribution iteration_duration;         // from the iteration's (intended) start

  void merge(const FlowMetrics& other);
  // {"iterations","failed_iterations","interrupted_iterations","failures","iteration_duration"}:
  // iteration_duration as Metrics' latency summary plus its lossless "histogram".
  boost::json::object to_json() const;
  static FlowMetrics from_json(const boost::json::object& o);
};

// Adds `more` into `into` by (flow, name), appending steps `into` lacks: phases of one case
// run the same steps.
void merge_steps(std::vector<StepResult>& into, const std::vector<StepResult>& more);

}  // namespace perf::api
