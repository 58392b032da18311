// A flow as JSON, as plan files list them ("flows": [...]) so they can be read, edited and run
// with `run --plan`; and the check every flow passes before it runs, wherever it came from.
#pragma once

#include "perf/api/flow.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <set>
#include <string>

namespace perf::flow {

boost::json::object to_json(const api::Flow& flow);
// Throws perf::UserError "WHERE: POINTER: problem".
api::Flow flow_from_json(const boost::json::value& v, const std::string& where,
                         const std::string& pointer);

// Throws perf::UserError "WHERE: flow 'NAME', step 'STEP': problem" for: no steps, a weight not
// above 0, two steps of one name, a bad extraction source, and a variable used before any step
// extracts it that the flow's data rows (--data) do not give. `unsafe_allowed`: false
// refuses steps other than GET, HEAD and OPTIONS (--allow-unsafe-methods).
void validate_flow(const api::Flow& flow, const std::string& where, bool unsafe_allowed);

}  // namespace perf::flow
