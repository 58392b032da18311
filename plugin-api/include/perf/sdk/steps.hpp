// The run loops test types share: one phase into a case's result, and a sequence of steps of
// growing load (users, rates, connections, body sizes) judged one by one until one breaks or
// the run is stopped. A test type keeps only its analysis.
#pragma once

#include "perf/api/session.hpp"
#include "perf/api/test_case.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perf::sdk {

// The result a case starts from: its test case, no verdict yet (error until decided).
api::CaseResult start_result(const api::TestCase& c);

// A closed-model phase with the case's requests, base URL and timeout (performance_config
// "timeout", else the session's).
api::Phase phase_for(const api::TestCase& c, std::string name);

// Sets verdict and reason together.
void decide(api::CaseResult& result, api::Verdict verdict, std::string reason);

// Runs one phase; its metrics are appended to result.metrics and result.interrupted is set.
// Returns what the phase measured.
boost::asio::awaitable<api::PhaseResult> run_phase(api::Session& session, api::Phase phase,
                                                   api::CaseResult& result);

struct Step {
  double load = 0;    // users, req/s, connections, bytes: what grows
  std::string label;  // "200 users": the progress line shows "step 3/8: 200 users"
  api::Phase phase;
};

struct StepMeasure {
  std::size_t index = 0;
  double load = 0;
  api::Metrics metrics;
  double time_scale = 1;
};

// Empty: the step held. Otherwise one sentence on why it broke.
using StepJudge = std::function<std::optional<std::string>(const StepMeasure&)>;

struct StepsOutcome {
  std::vector<StepMeasure> steps;       // every step that ran to its end, in order
  std::optional<std::size_t> broke_at;  // index into steps of the step that broke
  std::string why;                      // the judge's sentence for that step
  bool interrupted = false;             // the run was stopped before the steps ended
  // The last step before the one that broke (or the last step when none broke).
  const StepMeasure* last_held() const;
};

// Runs `steps` in order, one phase each: a progress line per step, every step's metrics
// appended to result.metrics, `judge` after each; stops at the first step the judge breaks or
// when the run is stopped.
boost::asio::awaitable<StepsOutcome> run_steps(api::Session& session, std::vector<Step> steps,
                                               StepJudge judge, api::CaseResult& result);

}  // namespace perf::sdk
