#include "perf/service/task_report.hpp"

#include "perf/plan/test_case_json.hpp"
#include "perf/report/result_json.hpp"

#include <boost/json/parse.hpp>

#include <set>

namespace perf::service {

namespace json = boost::json;

namespace {

// The fields of the seed's test case (DESIGN §7); what the engine needs to send them (requests,
// bodies, base URL) stays in our result.
constexpr const char* seed_case_fields[] = {"id",      "test_type",   "endpoint",
                                            "method",  "description", "performance_config",
                                            "headers", "assertions",  "performance_thresholds"};

json::value time_or_null(std::int64_t unix_ms) {
  return unix_ms ? json::value(plan::iso8601_utc(unix_ms)) : json::value(nullptr);
}

}  // namespace

json::object planned_report(const plan::Plan& plan, const api::Settings& settings) {
  json::array cases;
  std::set<std::pair<std::string, std::string>> endpoints;
  json::array types;
  std::set<std::string> seen_types;
  for (const auto& c : plan.test_cases) {
    const auto full = plan::to_json(c);
    json::object seed;
    for (const char* field : seed_case_fields)
      if (const auto* v = full.if_contains(field)) seed[field] = *v;
    cases.push_back(std::move(seed));
    endpoints.emplace(c.method, c.endpoint);
    if (seen_types.insert(c.test_type).second) types.emplace_back(c.test_type);
  }
  json::array patterns;
  for (const auto& p : settings.patterns) patterns.emplace_back(p.name);
  json::object metadata{
      {"endpoints_analyzed", endpoints.size()},
      {"test_types_generated", std::move(types)},
      {"total_test_cases", plan.test_cases.size()},
      {"performance_thresholds",
       {{"response_time_ms", settings.response_threshold_ms},
        {"throughput_rps", settings.throughput_threshold_rps},
        {"error_rate_percent", settings.error_threshold_percent}}},
      {"load_patterns", std::move(patterns)},
  };
  return {{"test_cases", std::move(cases)}, {"metadata", std::move(metadata)}};
}

json::object finished_report(json::object planned, const api::RunSummary& run) {
  planned["result"] = report::to_json(run);
  return planned;
}

json::object task_json(const TaskRecord& record) {
  json::object out{
      {"task_id", record.task_id}, {"agent_type", "Performance-Agent"}, {"status", record.status}};
  json::object report;
  if (!record.report_json.empty()) {
    auto parsed = json::parse(record.report_json);
    if (parsed.is_object()) report = std::move(parsed.get_object());
  }
  // A task refused at restart has no plan: empty test_cases and metadata, as the seed's.
  const auto* cases = report.if_contains("test_cases");
  const auto* metadata = report.if_contains("metadata");
  out["test_cases"] = cases ? *cases : json::value(json::array{});
  out["metadata"] = metadata ? *metadata : json::value(json::object{});
  if (!record.error_message.empty()) out["error_message"] = record.error_message;
  if (const auto* result = report.if_contains("result")) out["result"] = *result;
  out["created_at"] = time_or_null(record.created_unix_ms);
  out["started_at"] = time_or_null(record.started_unix_ms);
  out["finished_at"] = time_or_null(record.finished_unix_ms);
  return out;
}

json::object task_list_entry(const TaskRecord& record) {
  return {{"task_id", record.task_id},
          {"status", record.status},
          {"created_at", time_or_null(record.created_unix_ms)},
          {"finished_at", time_or_null(record.finished_unix_ms)}};
}

}  // namespace perf::service
