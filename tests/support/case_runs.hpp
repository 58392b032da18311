// Test support: runs one test type against one operation with a config file through the real
// perf-agent binary, and reads the case back from its JSON report.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace perf::test {

boost::json::object run_case(const std::string& spec, const std::string& target,
                             const std::string& test, const std::string& operation_id,
                             const std::string& config, const std::vector<std::string>& extra = {});

// The value of a finding; fails the test when the case has no such finding.
boost::json::value finding(const boost::json::object& test_case, const std::string& id);
// The same, required to be a number.
double number(const boost::json::object& test_case, const std::string& id);

std::string demo_spec();
std::string out(const std::string& name);  // a file in this test process's temporary folder

}  // namespace perf::test
