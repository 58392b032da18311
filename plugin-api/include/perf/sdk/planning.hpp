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

}  // namespace perf::sdk
