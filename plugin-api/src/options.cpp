#include "perf/sdk/options.hpp"

#include "perf/cases/case_builder.hpp"
#include "perf/util/user_error.hpp"

#include <stdexcept>

namespace perf::sdk {

namespace json = boost::json;

namespace {

json::value list_value(const std::vector<double>& values) {
  return cases::to_array(values);
}

// A config or plan value the option can use: a number for number options, a list of numbers
// for list options (so a malformed entry in the config file falls back to the default).
bool same_shape(const json::value& candidate, const json::value& fallback) {
  if (fallback.is_number()) return candidate.is_number();
  if (!fallback.is_array()) return false;
  const auto* a = candidate.if_array();
  if (!a) return false;
  for (const auto& e : *a)
    if (!e.is_number()) return false;
  return true;
}

}  // namespace

Option number_option(std::string name, double fallback, std::string help) {
  return {std::move(name), [fallback](const api::Settings&) { return json::value(fallback); },
          std::move(help)};
}

Option number_option(std::string name, std::function<double(const api::Settings&)> fallback,
                     std::string help) {
  return {
      std::move(name),
      [fallback = std::move(fallback)](const api::Settings& s) { return json::value(fallback(s)); },
      std::move(help)};
}

Option list_option(std::string name, std::vector<double> fallback, std::string help) {
  return {std::move(name), [fallback](const api::Settings&) { return list_value(fallback); },
          std::move(help)};
}

Option list_option(std::string name,
                   std::function<std::vector<double>(const api::Settings&)> fallback,
                   std::string help) {
  return {
      std::move(name),
      [fallback = std::move(fallback)](const api::Settings& s) { return list_value(fallback(s)); },
      std::move(help)};
}

Options::Options(std::string test_type, std::vector<Option> options)
    : test_type_(std::move(test_type)), options_(std::move(options)) {}

const Option& Options::find(std::string_view name) const {
  for (const auto& o : options_)
    if (o.name == name) return o;
  throw std::logic_error(test_type_ + ": option '" + std::string(name) + "' is not declared");
}

json::object Options::resolve(const api::Settings& settings) const {
  const auto& configured = cases::options_for(settings, test_type_);
  json::object out;
  for (const auto& o : options_) {
    auto fallback = o.fallback(settings);
    const auto* given = configured.if_contains(o.name);
    out[o.name] = given && same_shape(*given, fallback) ? *given : std::move(fallback);
  }
  return out;
}

double Options::number(const api::TestCase& c, std::string_view name,
                       const api::Settings& settings) const {
  const auto& option = find(name);
  const auto* v = c.parameters.if_contains(name);
  if (v && v->is_number()) return v->to_number<double>();
  if (v)  // the plan holds something else: a broken plan, not a reason to use the default
    throw UserError(c.id + ": parameters." + option.name + " must be a number");
  const auto fallback = option.fallback(settings);
  if (!fallback.is_number())
    throw std::logic_error(test_type_ + ": option '" + option.name + "' is a list, not a number");
  return fallback.to_number<double>();
}

std::vector<double> Options::list(const api::TestCase& c, std::string_view name,
                                  const api::Settings& settings) const {
  const auto& option = find(name);
  const auto fallback = option.fallback(settings);
  if (!fallback.is_array())
    throw std::logic_error(test_type_ + ": option '" + option.name + "' is a number, not a list");
  const auto* v = c.parameters.if_contains(name);
  if (v && !same_shape(*v, fallback))
    throw UserError(c.id + ": parameters." + option.name + " must be a list of numbers");
  const auto& chosen = v ? *v : fallback;
  std::vector<double> out;
  for (const auto& e : chosen.as_array()) out.push_back(e.to_number<double>());
  return out;
}

}  // namespace perf::sdk
