// Planning the usual way: one case per operation the test type applies to, with its options
// resolved into the case's parameters and the run's timeout in its performance_config, and a
// reason in the plan for every operation it leaves out.
#pragma once

#include "perf/api/test_type.hpp"
#include "perf/sdk/options.hpp"

#include <functional>
#include <optional>
#include <string>

namespace perf::sdk {

// Why an operation gets no case (it is listed in the plan with this reason); nullopt: it does.
using Applies = std::function<std::optional<std::string>(const api::Operation&)>;

// `describe` gives the case's description ("Stress test for GET /users"); `adjust` may finish a
// case (other requests, more parameters) and return a reason to leave it out after all.
api::PlanOutput plan_per_operation(
    const api::ApiModel& model, const api::PlanContext& context, const Options& options,
    const std::function<std::string(const api::Operation&)>& describe, const Applies& applies = {},
    const std::function<std::optional<std::string>(const api::Operation&, api::TestCase&)>& adjust =
        {});

// Flow mode (ApiModel::flows non-empty): one case per flow, as plan_per_operation does per
// operation. `describe` gives the description ("Stress test for flow checkout").
api::PlanOutput plan_per_flow(const api::ApiModel& model, const api::PlanContext& context,
                              const Options& options,
                              const std::function<std::string(const api::Flow&)>& describe);

// Operations read with GET only (lists, searches, caches): the reason names what is measured.
Applies get_only(std::string what);

// The key of TestCase::parameters that says how long a case's load runs at --time-scale 1, at
// most (a stress test may stop early at its breaking point). `plan` and `run` add these up to say
// how long a plan takes; a case bounded by a request count rather than by time leaves it out.
inline constexpr const char* planned_seconds_key = "planned_seconds";

// Sets every case's planned seconds from `seconds(case)`; returns `out` (for `return` chains).
// Inline: no symbol of the SDK library, so a plugin using it still loads on any 3.x host.
inline api::PlanOutput with_planned_seconds(
    api::PlanOutput out, const std::function<double(const api::TestCase&)>& seconds) {
  for (auto& c : out.cases) c.parameters[planned_seconds_key] = seconds(c);
  return out;
}

}  // namespace perf::sdk
