// What `--enhance` asks the chat endpoint and the JSON schema of the answer it asks for
// (structured output: values travel as JSON text, since a strict schema cannot leave a value's
// type open).
#pragma once

#include "perf/api/model.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace perf::llm {

// "GET /items/{id}": how operations are named in questions, answers and the cache.
std::string operation_key(const api::Operation& op);

// Parameters worth asking about: the required ones the builder sends, leaving out any that
// carries a credential (a security scheme's parameter, Authorization, Cookie).
std::vector<const api::Parameter*> asked_parameters(
    const api::Operation& op, const std::vector<api::SecurityScheme>& schemes);

// The chat request (without "model") for a batch of operations.
boost::json::object suggestion_request(const std::string& api_title,
                                       const std::vector<const api::Operation*>& batch,
                                       const std::vector<api::SecurityScheme>& schemes);

}  // namespace perf::llm
