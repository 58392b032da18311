// Checks a value an LLM suggested against the operation's JSON Schema before the plan uses it:
// type, format, enum/const, bounds (minimum, maximum, exclusive ones, lengths, item counts),
// pattern, required properties and additionalProperties: false, recursively.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace perf::llm {

// nullopt when `value` meets `schema`; otherwise the first problem found, with its place:
// "/user: expected string". An empty or non-object schema accepts anything.
std::optional<std::string> schema_problem(const boost::json::value& value,
                                          const boost::json::value& schema);

}  // namespace perf::llm
