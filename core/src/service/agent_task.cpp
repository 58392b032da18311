#include "perf/service/agent_task.hpp"

#include "perf/report/result_json.hpp"
#include "perf/util/user_error.hpp"

#include <algorithm>
#include <array>

namespace perf::service {

namespace {

// The seed agent's names for its test types and ours (DESIGN §10.3).
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> seed_names{{
    {"rate_limiting", "rate_limit_test"},
    {"caching", "caching_test"},
    {"database_performance", "database_test"},
    {"memory_leak", "memory_leak_test"},
    {"connection_pool", "connection_pool_test"},
    {"pagination_performance", "pagination_test"},
    {"search_performance", "search_test"},
}};

std::string scalar_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return report::format_number(v.get_double());
}

bool scalar(const boost::json::value& v) {
  return v.is_string() || v.is_number();
}

}  // namespace

const std::vector<std::string>& seed_default_test_types() {
  static const std::vector<std::string> ids{"response_time", "load_test", "stress_test",
                                            "spike_test"};
  return ids;
}

std::string from_seed_test_type(std::string_view name) {
  for (const auto& [seed, ours] : seed_names)
    if (seed == name) return std::string(ours);
  return std::string(name);
}

bool valid_task_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

AgentTask parse_agent_task(const boost::json::value& v, const std::string& where) {
  auto fail = [&](const std::string& place, const std::string& problem) {
    return UserError(where + ": " + place + ": " + problem);
  };
  if (!v.is_object()) throw fail("/", "a task is a JSON object");
  const auto& o = v.get_object();
  AgentTask task;
  const auto* id = o.if_contains("task_id");
  if (!id || !id->is_string()) throw fail("/task_id", "missing (a string)");
  task.task_id = std::string(id->get_string());
  if (!valid_task_id(task.task_id))
    throw fail("/task_id", "1 to 128 letters, digits, '.', '_' or '-' (not starting with '.')");
  if (const auto* type = o.if_contains("agent_type")) {
    const bool ours = type->is_string() && (type->get_string() == "performance" ||
                                            type->get_string() == "Performance-Agent");
    if (!ours) throw fail("/agent_type", "this agent runs \"performance\" tasks");
  }
  if (const auto* spec = o.if_contains("api_spec"); spec && !spec->is_null()) {
    if (!spec->is_object()) throw fail("/api_spec", "expected the spec as a JSON object");
    task.api_spec = *spec;
  }
  const auto* parameters = o.if_contains("parameters");
  if (parameters && !parameters->is_null() && !parameters->is_object())
    throw fail("/parameters", "expected an object");
  if (parameters && parameters->is_object()) {
    for (const auto& [key, value] : parameters->get_object()) {
      const std::string place = "/parameters/" + std::string(key);
      if (key == "test_types") {
        if (!value.is_array()) throw fail(place, "expected a list of test type names");
        for (const auto& t : value.get_array()) {
          if (!t.is_string()) throw fail(place, "expected test type names (strings)");
          task.test_types.push_back(from_seed_test_type(t.get_string()));
        }
        continue;
      }
      TaskOption option;
      option.name = std::string(key);
      std::replace(option.name.begin(), option.name.end(), '_', '-');
      option.place = place;
      if (value.is_null() || (value.is_bool() && !value.get_bool())) continue;  // not set
      if (value.is_bool()) {
        // a flag, no value
      } else if (scalar(value)) {
        option.values.push_back(scalar_text(value));
      } else if (value.is_array()) {
        for (const auto& item : value.get_array()) {
          if (!scalar(item)) throw fail(place, "expected strings or numbers in the list");
          option.values.push_back(scalar_text(item));
        }
      } else if (key == "headers") {  // {"X-Env": "ci"}: the seed's habit, as --header lines
        option.name = "header";
        for (const auto& [name, header_value] : value.get_object()) {
          if (!scalar(header_value)) throw fail(place + "/" + std::string(name), "expected text");
          option.values.push_back(std::string(name) + ": " + scalar_text(header_value));
        }
      } else {
        throw fail(place, "expected a string, a number, true or a list");
      }
      task.options.push_back(std::move(option));
    }
  }
  if (task.test_types.empty()) task.test_types = seed_default_test_types();
  return task;
}

}  // namespace perf::service
