// Flows written in the config file (`flows:`, DESIGN §10.6): each step an operation of the spec
// (`operation_id`) or `method` + `path`, with `params`, `headers` and `body` that may hold
// `${var}`, `extract`, `think_time` and `expect`. Resolved here into concrete requests.
#pragma once

#include "perf/api/flow.hpp"
#include "perf/api/model.hpp"
#include "perf/openapi/request_builder.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace perf::flow {

struct FlowBuildContext {
  const api::ApiModel& model;  // every operation of the spec, before the selection
  const openapi::RequestBuilder& builder;
  bool quick = false;                          // --target alone: steps by method + path only
  std::vector<boost::json::object> data_rows;  // --data: seed every user's variables
};

// Throws perf::UserError "FILE: flow 'NAME', step 'STEP': problem" (an unknown operation, a
// malformed field, steps that go to different servers).
std::vector<api::Flow> flows_from_config(const boost::json::value& flows, const std::string& file,
                                         const FlowBuildContext& context);

// --data rows as variable rows (text values), at most `max_rows` of them.
std::vector<std::map<std::string, std::string>> variable_rows(
    const std::vector<boost::json::object>& rows, std::size_t max_rows = 100);

}  // namespace perf::flow
