// A test case as JSON (DESIGN §7) and back: shared by plan files and result files.
#pragma once

#include "perf/api/test_case.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace perf::plan {

boost::json::object to_json(const api::TestCase& c);
// A request as plans write it: {"method", "target", "headers": [[name, value], ...], "body"}.
boost::json::object to_json(const api::RequestSpec& r);
// Throws perf::UserError "WHERE: JSON_POINTER: problem" for anything that is not a valid case.
api::TestCase test_case_from_json(const boost::json::value& v, const std::string& where);

// "2026-11-28T01:42:49.123Z"
std::string iso8601_utc(std::int64_t unix_ms);

// Reads fields of a JSON document with errors "WHERE: POINTER: problem" (perf::UserError).
struct FieldReader {
  const std::string& where;
  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const;
  const boost::json::object& object(const boost::json::value& v, const std::string& pointer) const;
  std::string string(const boost::json::object& o, const char* key, const std::string& pointer,
                     bool required = true) const;
  double number(const boost::json::value& v, const std::string& pointer) const;
  // The request fields of `o` (see to_json(RequestSpec)); `pointer` is where `o` is.
  api::RequestSpec request(const boost::json::object& o, const std::string& pointer) const;
};

}  // namespace perf::plan
