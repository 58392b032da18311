// Helpers every test type uses to plan and run a case the same way: the case skeleton from an
// operation, load settings read from performance_config with --time-scale and explicit flags
// applied, and the closing checks.
#pragma once

#include "perf/api/test_type.hpp"

#include <string>

namespace perf::cases {

// id "TYPE:METHOD:PATH[:VARIANT]", endpoint, method, description, base URL, requests, and the
// headers of the first request.
api::TestCase make_case(const std::string& test_type, const api::Operation& op,
                        const std::string& variant, const std::string& description,
                        const api::PlanContext& context);

// A case that runs `flow`: id "TYPE:FLOW:NAME[:VARIANT]", method "FLOW", endpoint the flow's
// name, the flow in `flows`, and a request that changes nothing for the pre-flight.
api::TestCase make_flow_case(const std::string& test_type, const api::Flow& flow,
                             const std::string& variant, const std::string& description);

// performance_config for a pattern, or for the explicit --users/--duration/... flags.
boost::json::object load_config(const api::LoadPattern& pattern, const api::Settings& settings);
// The pattern named by --pattern, or `fallback`.
api::LoadPattern pattern_or(const api::Settings& settings, const std::string& fallback);
// True when the command line gave explicit load values (quick mode semantics).
bool has_explicit_load(const api::Settings& settings);
api::LoadPattern explicit_pattern(const api::Settings& settings);

// The standard assertions and performance_thresholds from the seed settings; a flow case also
// gets failed_iterations_percent below the error threshold.
void add_standard_checks(api::TestCase& c, const api::Settings& settings, double expected_rps);

// A phase from the case's performance_config: closed model (concurrent_users, ramp_up_seconds,
// think_time, duration_seconds, iterations) or open model (rate_rps), in plan seconds (the
// Session applies --time-scale). The case's requests and base URL go with it.
api::Phase phase_from_config(const api::TestCase& c, const api::Settings& settings,
                             const std::string& name);

double config_number(const boost::json::object& config, const char* key, double fallback);
std::string config_text(const boost::json::object& config, const char* key,
                        std::string fallback = "");

// Finishes a case that ran phases: checks assertions and thresholds and sets the verdict.
void conclude_case(api::CaseResult& result);

// The config file's options for one test type (`test_options: {stress_test: {...}}`).
const boost::json::object& options_for(const api::Settings& settings, std::string_view test_type);
boost::json::array to_array(const std::vector<double>& values);

// A chart for the HTML report: {"title","x_label","y_label","series":[{"name","points"}]}.
boost::json::object chart(
    const std::string& title, const std::string& x_label, const std::string& y_label,
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series);

// A finding with a rounded number.
api::Finding finding(std::string id, double value, std::string unit, std::string text);
// A finding that could not be measured: its value is null and the text says why.
api::Finding no_finding(std::string id, std::string unit, std::string text);

// A parameter value as it goes into a URL: strings as they are, arrays comma-separated
// (OpenAPI's form style), null as empty, the rest as JSON.
std::string parameter_text(const boost::json::value& value);

}  // namespace perf::cases
