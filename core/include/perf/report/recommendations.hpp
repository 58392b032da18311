// Recommendations (DESIGN §10.4, the seed's report has them): concrete advice derived from the
// findings of the test types and from a comparison with a baseline, each with the case, the
// finding behind it and the numbers. No advice without a finding: a rule speaks only when its
// finding has a value that calls for action.
//
// The rules live here, keyed by test type and finding id (DESIGN §8), rather than in each
// plugin: the SDK's CaseResult has no place for advice, and one table keeps the wording alike
// across test types. A third-party test type's findings get no advice until a rule names them.
#pragma once

#include "perf/api/reporter.hpp"

#include <boost/json/object.hpp>

#include <vector>

namespace perf::report {

// Advice for the run, the failed cases' first ("what to look at first"), then the others in
// case order; `comparison` is RunSummary::comparison (empty: none).
std::vector<api::Recommendation> recommend(const std::vector<api::CaseResult>& cases,
                                           const boost::json::object& comparison);

}  // namespace perf::report
