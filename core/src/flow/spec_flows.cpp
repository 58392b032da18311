#include "perf/flow/spec_flows.hpp"

#include "perf/openapi/ref_resolver.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

namespace perf::flow {

namespace json = boost::json;

namespace {

const char* const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// A step of a derived flow as the config file would write it: by operationId when the operation
// has one, else by method + path.
json::object step_for(const api::Operation& op) {
  if (!op.operation_id.empty()) return json::object{{"operation_id", op.operation_id}};
  return json::object{{"method", op.method}, {"path", op.path}};
}

const api::Operation* find_operation(const api::ApiModel& model, const std::string& method,
                                     const std::string& path) {
  for (const auto& op : model.operations)
    if (op.method == method && op.path == path) return &op;
  return nullptr;
}

std::string step_name(const api::Operation& op) {
  return op.operation_id.empty() ? op.method + " " + op.path : op.operation_id;
}

// A runtime expression of a link parameter as an extraction source: "$response.body#/id" ->
// "/id", "$response.header.Location" -> "header:Location"; "" for what a flow cannot carry.
std::string source_of(const json::value& expression) {
  if (!expression.is_string()) return "";
  const std::string e(expression.get_string());
  if (e.rfind("$response.body#", 0) == 0) return e.substr(15);
  if (e.rfind("$response.header.", 0) == 0) return "header:" + e.substr(17);
  return "";
}

// Each flow on its own: one the spec cannot carry (an operation the builder refuses) becomes a
// note, and the others are still listed.
std::vector<api::Flow> resolve_each(const json::array& flows, const std::string& file,
                                    const FlowBuildContext& context, const std::string& source,
                                    std::vector<std::string>& notes) {
  std::vector<api::Flow> out;
  for (const auto& f : flows) {
    try {
      for (auto& resolved : flows_from_config(json::array{f}, file, context)) {
        resolved.source = source;
        out.push_back(std::move(resolved));
      }
    } catch (const UserError& e) {
      notes.push_back(e.what());
    }
  }
  return out;
}

}  // namespace

SpecFlows flows_from_links(const std::filesystem::path& spec, const FlowBuildContext& context) {
  SpecFlows out;
  openapi::RefResolver resolver(spec);
  const auto root = resolver.root();
  const auto* paths =
      root.value->is_object() ? root.value->as_object().if_contains("paths") : nullptr;
  if (!paths || !paths->is_object()) return out;
  json::array flows;
  for (const auto& [path, item_value] : paths->as_object()) {
    const auto item = resolver.follow({&item_value, root.document, "/paths"});
    if (!item.value->is_object()) continue;
    for (const char* method : methods) {
      const auto* operation = item.value->as_object().if_contains(method);
      if (!operation || !operation->is_object()) continue;
      std::string upper(method);
      for (auto& c : upper) c = char(std::toupper(c));
      const auto* source = find_operation(context.model, upper, std::string(path));
      const auto* responses = operation->as_object().if_contains("responses");
      if (!source || !responses || !responses->is_object()) continue;
      for (const auto& [code, response_value] : responses->as_object()) {
        const auto response = resolver.follow({&response_value, item.document, ""});
        const auto* links = response.value->is_object()
                                ? response.value->as_object().if_contains("links")
                                : nullptr;
        if (!links || !links->is_object()) continue;
        for (const auto& [link_name, link_value] : links->as_object()) {
          const auto link = resolver.follow({&link_value, response.document, ""});
          if (!link.value->is_object()) continue;
          const auto& lo = link.value->as_object();
          const std::string where =
              upper + " " + std::string(path) + " link " + std::string(link_name);
          const auto* target_id = lo.if_contains("operationId");
          const api::Operation* target = nullptr;
          if (target_id && target_id->is_string())
            for (const auto& op : context.model.operations)
              if (op.operation_id == target_id->get_string()) target = &op;
          if (!target) {
            out.notes.push_back(where +
                                ": no flow (only links by operationId to an operation in "
                                "the spec become flows)");
            continue;
          }
          json::object extract, params;
          bool carried = true;
          if (const auto* ps = lo.if_contains("parameters"); ps && ps->is_object())
            for (const auto& [qualified, expression] : ps->as_object()) {
              std::string name(qualified);
              if (const auto dot = name.find('.'); dot != std::string::npos)
                name = name.substr(dot + 1);  // "path.petId" -> "petId"
              const auto from = source_of(expression);
              if (from.empty()) {
                out.notes.push_back(where + ": no flow (parameter " + name +
                                    " is not taken from the response)");
                carried = false;
                break;
              }
              extract[name] = from;
              params[name] = "${" + name + "}";
            }
          if (!carried) continue;
          auto first = step_for(*source);
          first["name"] = step_name(*source);
          first["extract"] = std::move(extract);
          auto second = step_for(*target);
          second["name"] = step_name(*target) == step_name(*source) ? step_name(*target) + "_2"
                                                                    : step_name(*target);
          second["params"] = std::move(params);
          flows.push_back(
              json::object{{"name", step_name(*source) + "." + std::string(link_name)},
                           {"steps", json::array{std::move(first), std::move(second)}}});
        }
      }
    }
  }
  out.flows = resolve_each(flows, spec.string(), context, "links", out.notes);
  return out;
}

SpecFlows create_read_delete_flows(const FlowBuildContext& context) {
  json::array flows;
  for (const auto& create : context.model.operations) {
    if (create.method != "POST") continue;
    for (const auto& read : context.model.operations) {
      if (read.method != "GET" || read.path.rfind(create.path + "/{", 0) != 0 ||
          read.path.back() != '}' ||
          read.path.find('/', create.path.size() + 1) != std::string::npos)
        continue;
      const auto* remove = find_operation(context.model, "DELETE", read.path);
      if (!remove) continue;
      const std::string id =
          read.path.substr(create.path.size() + 2, read.path.size() - create.path.size() - 3);
      // The created item's id: the body property named like the parameter when there is one.
      std::string pointer = "/id";
      if (create.body)
        if (const auto* s = create.body->schema.if_object())
          if (const auto* props = s->if_contains("properties"); props && props->is_object())
            if (props->as_object().contains(id)) pointer = "/" + id;
      auto first = step_for(create);
      first["name"] = "create";
      first["extract"] = json::object{{id, pointer}};
      auto second = step_for(read);
      second["name"] = "read";
      second["params"] = json::object{{id, "${" + id + "}"}};
      auto third = step_for(*remove);
      third["name"] = "delete";
      third["params"] = json::object{{id, "${" + id + "}"}};
      flows.push_back(json::object{
          {"name", "create_read_delete " + create.path},
          {"steps", json::array{std::move(first), std::move(second), std::move(third)}}});
    }
  }
  SpecFlows out;
  out.flows = resolve_each(flows, context.model.source, context, "derived", out.notes);
  return out;
}

}  // namespace perf::flow
