#include "perf/sdk/steps.hpp"

#include "perf/cases/case_builder.hpp"

namespace perf::sdk {

api::CaseResult start_result(const api::TestCase& c) {
  api::CaseResult result;
  result.test_case = c;
  return result;
}

api::Phase phase_for(const api::TestCase& c, std::string name) {
  api::Phase phase;
  phase.name = std::move(name);
  phase.requests = c.requests;
  phase.flows = c.flows;
  phase.base_url = c.base_url;
  phase.timeout_s = cases::config_number(c.performance_config, "timeout", 0);
  return phase;
}

void decide(api::CaseResult& result, api::Verdict verdict, std::string reason) {
  result.verdict = verdict;
  result.reason = std::move(reason);
}

boost::asio::awaitable<api::PhaseResult> run_phase(api::Session& session, api::Phase phase,
                                                   api::CaseResult& result) {
  auto measured = co_await session.load(std::move(phase));
  result.metrics.append(measured.metrics);
  api::merge_steps(result.steps, measured.steps);
  result.flow.merge(measured.flow);
  result.interrupted = result.interrupted || measured.interrupted;
  co_return measured;
}

const StepMeasure* StepsOutcome::last_held() const {
  const std::size_t held = broke_at ? *broke_at : steps.size();
  return held == 0 ? nullptr : &steps[held - 1];
}

boost::asio::awaitable<StepsOutcome> run_steps(api::Session& session, std::vector<Step> steps,
                                               StepJudge judge, api::CaseResult& result) {
  StepsOutcome outcome;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (session.stop_requested()) {
      outcome.interrupted = true;
      break;
    }
    auto& step = steps[i];
    session.progress("step " + std::to_string(i + 1) + "/" + std::to_string(steps.size()) + ": " +
                     step.label);
    if (step.phase.name.empty()) step.phase.name = step.label;
    const auto measured = co_await run_phase(session, std::move(step.phase), result);
    // A step cut short by a stop request measured a fraction of what it planned: it counts in
    // the case's metrics but is neither judged nor held.
    if (measured.interrupted) {
      outcome.interrupted = true;
      break;
    }
    outcome.steps.push_back({i, step.load, measured.metrics, measured.time_scale});
    if (auto why = judge(outcome.steps.back())) {
      outcome.broke_at = outcome.steps.size() - 1;
      outcome.why = std::move(*why);
      break;
    }
  }
  co_return outcome;
}

}  // namespace perf::sdk
