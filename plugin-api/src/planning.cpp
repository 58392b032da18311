#include "perf/sdk/planning.hpp"

#include "perf/cases/case_builder.hpp"

namespace perf::sdk {

api::PlanOutput plan_per_operation(
    const api::ApiModel& model, const api::PlanContext& context, const Options& options,
    const std::function<std::string(const api::Operation&)>& describe, const Applies& applies,
    const std::function<std::optional<std::string>(const api::Operation&, api::TestCase&)>&
        adjust) {
  api::PlanOutput out;
  for (const auto& op : model.operations) {
    if (applies)
      if (auto reason = applies(op)) {
        out.skipped.push_back({op.method, op.path, std::move(*reason)});
        continue;
      }
    auto c = cases::make_case(options.test_type(), op, "", describe(op), context);
    c.performance_config = boost::json::object{{"timeout", context.settings.timeout_s}};
    c.parameters = options.resolve(context.settings);
    if (adjust)
      if (auto reason = adjust(op, c)) {
        out.skipped.push_back({op.method, op.path, std::move(*reason)});
        continue;
      }
    out.cases.push_back(std::move(c));
  }
  return out;
}

api::PlanOutput plan_per_flow(const api::ApiModel& model, const api::PlanContext& context,
                              const Options& options,
                              const std::function<std::string(const api::Flow&)>& describe) {
  api::PlanOutput out;
  for (const auto& flow : model.flows) {
    auto c = cases::make_flow_case(options.test_type(), flow, "", describe(flow));
    c.performance_config = boost::json::object{{"timeout", context.settings.timeout_s}};
    c.parameters = options.resolve(context.settings);
    out.cases.push_back(std::move(c));
  }
  return out;
}

Applies get_only(std::string what) {
  return [what = std::move(what)](const api::Operation& op) -> std::optional<std::string> {
    if (op.method == "GET") return std::nullopt;
    return what + " are read with GET; " + op.method + " is not measured";
  };
}

}  // namespace perf::sdk
