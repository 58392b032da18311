// Typed options of a test type with their defaults in one place: read from the config file
// (test_options: {TYPE: {NAME: value}}) when a case is planned, kept in the case's parameters,
// and read back from there when it runs, so the plan and the run can never disagree.
#pragma once

#include "perf/api/settings.hpp"
#include "perf/api/test_case.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace perf::sdk {

// One option: its name (in the config file and in the plan's parameters), its default (a value,
// or a function of the settings when it depends on them), and one line of help.
struct Option {
  std::string name;
  std::function<boost::json::value(const api::Settings&)> fallback;
  std::string help;
};

Option number_option(std::string name, double fallback, std::string help);
Option number_option(std::string name, std::function<double(const api::Settings&)> fallback,
                     std::string help);
Option list_option(std::string name, std::vector<double> fallback, std::string help);
Option list_option(std::string name,
                   std::function<std::vector<double>(const api::Settings&)> fallback,
                   std::string help);

class Options {
 public:
  Options(std::string test_type, std::vector<Option> options);

  // Plan time: every option, from the config file where it is given (and of the right type),
  // else its default. Goes into TestCase::parameters.
  boost::json::object resolve(const api::Settings& settings) const;

  // Run time: the value the plan holds; an option a plan lacks (an older plan) takes its default.
  // Throws perf::UserError naming the case when the plan holds a value of the wrong type, and
  // std::logic_error for a name that was not declared: a typo is a bug, not a default.
  double number(const api::TestCase& c, std::string_view name, const api::Settings& settings) const;
  std::vector<double> list(const api::TestCase& c, std::string_view name,
                           const api::Settings& settings) const;

  const std::string& test_type() const { return test_type_; }
  const std::vector<Option>& all() const { return options_; }

 private:
  const Option& find(std::string_view name) const;
  std::string test_type_;
  std::vector<Option> options_;
};

}  // namespace perf::sdk
