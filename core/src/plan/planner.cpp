#include "perf/plan/planner.hpp"

#include "perf/flow/flow_json.hpp"
#include "perf/flow/spec_flows.hpp"
#include "perf/http/url.hpp"
#include "perf/openapi/request_builder.hpp"
#include "perf/openapi/spec_loader.hpp"
#include "perf/util/user_error.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <chrono>

namespace perf::plan {

std::vector<std::string> resolve_test_ids(const std::vector<std::string>& requested,
                                          const plugins::PluginRegistry& registry) {
  const auto known = registry.ids(api::PluginKind::test_type);
  std::vector<std::string> out;
  auto add = [&](const std::string& id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (const auto& want : requested) {
    if (want == "all") {
      for (const auto& id : known) add(id);
      continue;
    }
    if (std::find(known.begin(), known.end(), want) != known.end()) {
      add(want);
      continue;
    }
    // Aliases: a unique prefix up to an underscore ("load" for load_test, "rate" for
    // rate_limit_test).
    std::vector<std::string> matches;
    for (const auto& id : known)
      if (id.rfind(want + "_", 0) == 0) matches.push_back(id);
    if (matches.size() == 1) {
      add(matches.front());
      continue;
    }
    std::string list;
    for (const auto& id : known) list += (list.empty() ? "" : ", ") + id;
    throw UserError("unknown test type '" + want + "'" +
                    (matches.size() > 1 ? " (ambiguous)" : "") + " (known: " + list + ")");
  }
  return out;
}

namespace {

bool glob_match(const std::string& pattern, const std::string& path) {
  return ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
}

bool safe_method(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

void apply_selection(api::ApiModel& model, const Selection& s, std::vector<SkippedEntry>& skipped) {
  std::vector<api::Operation> kept;
  for (auto& op : model.operations) {
    std::string reason;
    if (!s.include_paths.empty() &&
        std::none_of(s.include_paths.begin(), s.include_paths.end(),
                     [&](const std::string& g) { return glob_match(g, op.path); }))
      reason = "path matches no --include-path";
    else if (std::any_of(s.exclude_paths.begin(), s.exclude_paths.end(),
                         [&](const std::string& g) { return glob_match(g, op.path); }))
      reason = "path matches --exclude-path";
    else if (!s.tags.empty() &&
             std::none_of(op.tags.begin(), op.tags.end(), [&](const std::string& t) {
               return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
             }))
      reason = "has none of the --tag values";
    else if (!s.operation_ids.empty() && std::find(s.operation_ids.begin(), s.operation_ids.end(),
                                                   op.operation_id) == s.operation_ids.end())
      reason = "operationId not among --operation-id";
    else if (!s.methods.empty() &&
             std::find(s.methods.begin(), s.methods.end(), op.method) == s.methods.end())
      reason = "method not among --methods";
    else if (!safe_method(op.method) && !s.allow_unsafe_methods)
      reason = "unsafe method " + op.method + ": not loaded without --allow-unsafe-methods";
    if (reason.empty())
      kept.push_back(std::move(op));
    else
      skipped.push_back({"", op.method, op.path, reason});
  }
  model.operations = std::move(kept);
}

namespace {

// Every flow the plan lists: the config file's, then those of the spec's links, then (with
// --allow-unsafe-methods) the derived create-read-delete ones. A spec flow that writes is left
// out without --allow-unsafe-methods, with the reason.
std::vector<api::Flow> plan_flows(const PlanRequest& request, const api::ApiModel& model,
                                  const openapi::RequestBuilder& builder,
                                  const std::vector<boost::json::object>& data_rows,
                                  std::vector<SkippedEntry>& skipped) {
  const bool unsafe = request.selection.allow_unsafe_methods;
  const flow::FlowBuildContext context{model, builder, request.spec.empty(), data_rows};
  std::vector<api::Flow> flows;
  if (!request.config_flows.is_null())
    flows = flow::flows_from_config(request.config_flows, request.config_name, context);
  for (const auto& f : flows) flow::validate_flow(f, request.config_name, true);
  if (request.spec.empty()) return flows;
  auto add = [&](std::vector<api::Flow> more) {
    for (auto& f : more) {
      if (std::any_of(flows.begin(), flows.end(),
                      [&](const api::Flow& g) { return g.name == f.name; }))
        continue;  // the config file's flow of that name wins
      try {
        flow::validate_flow(f, request.spec, unsafe);
      } catch (const UserError& e) {
        skipped.push_back({"", "", "", std::string("flow not listed: ") + e.what()});
        continue;
      }
      flows.push_back(std::move(f));
    }
  };
  auto links = flow::flows_from_links(request.spec, context);
  for (auto& n : links.notes) skipped.push_back({"", "", "", "link: " + n});
  add(std::move(links.flows));
  if (unsafe) {
    auto derived = flow::create_read_delete_flows(context);
    for (auto& n : derived.notes) skipped.push_back({"", "", "", "derived flow: " + n});
    add(std::move(derived.flows));
  }
  return flows;
}

// --flow NAME (each must exist) or --flows (all); a flow that writes needs
// --allow-unsafe-methods. Throws perf::UserError.
std::vector<api::Flow> chosen_flows(const PlanRequest& request, const std::vector<api::Flow>& all) {
  std::string known;
  for (const auto& f : all) known += (known.empty() ? "" : ", ") + f.name;
  std::vector<api::Flow> out;
  if (request.all_flows) {
    if (all.empty())
      throw UserError(
          "--flows: no flow is defined (give flows: in --config, or a spec with links)");
    out = all;
  }
  for (const auto& name : request.flow_names) {
    auto it =
        std::find_if(all.begin(), all.end(), [&](const api::Flow& f) { return f.name == name; });
    if (it == all.end())
      throw UserError("--flow '" + name + "': no such flow (" +
                      (known.empty() ? "none is defined" : "flows: " + known) + ")");
    if (std::none_of(out.begin(), out.end(), [&](const api::Flow& f) { return f.name == name; }))
      out.push_back(*it);
  }
  for (const auto& f : out)
    flow::validate_flow(f, f.source == "config" ? request.config_name : request.spec,
                        request.selection.allow_unsafe_methods);
  return out;
}

}  // namespace

Plan make_plan(const PlanRequest& request, const api::Settings& settings,
               const plugins::PluginRegistry& registry) {
  Plan out;
  out.tool = std::string("perf-agent ") + PERF_AGENT_VERSION;
  out.created_at = iso8601_utc(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
  out.target = settings.target;
  api::ApiModel model;
  if (!request.spec.empty()) {
    std::vector<openapi::LoadNote> notes;
    model = openapi::load_spec(request.spec, {settings.seed, &notes, request.body_fields});
    for (auto& n : notes) out.skipped.push_back({"", n.method, n.path, std::move(n.text)});
    out.spec = request.spec;
  } else {
    // Quick mode: the URL itself is the one GET operation.
    const auto url = http::parse_url(request.quick_target);
    model.title = url.origin();
    model.server_url = url.origin();
    api::Operation op;
    op.method = "GET";
    op.path = url.path.empty() ? "/" : url.path;
    op.operation_id = "quick";
    model.operations.push_back(op);
  }
  out.api_title = model.title;
  out.security_schemes = model.security_schemes;
  out.note = model.note;

  openapi::RequestBuildOptions build;
  build.target = request.spec.empty() ? model.server_url : settings.target;
  build.seed = settings.seed;
  build.body_fields = request.body_fields;
  if (!request.data_file.empty()) build.data_rows = openapi::load_data_rows(request.data_file);
  const auto data_rows = build.data_rows;
  openapi::RequestBuilder builder(std::move(build));
  // Flows resolve their steps against every operation, before the selection narrows them.
  out.flows = plan_flows(request, model, builder, data_rows, out.skipped);
  const bool flow_mode = !request.flow_names.empty() || request.all_flows;
  if (flow_mode) {
    model.flows = chosen_flows(request, out.flows);
    // Flow cases replace operation cases: test types that do not run flows plan nothing.
    model.operations.clear();
  } else {
    apply_selection(model, request.selection, out.skipped);
  }
  if (request.enhancement) request.enhancement->enhance(model, out.skipped);
  if (model.operations.empty() && model.flows.empty() && out.note.empty())
    out.note = "no operation is left after the selection";
  const api::PlanContext context{settings, builder};
  for (const auto& id : request.test_ids) {
    const auto* plugin = registry.find(id, api::PluginKind::test_type);
    if (!plugin) throw UserError("unknown test type '" + id + "'");
    auto test_type = registry.create_test_type(*plugin);
    auto planned = test_type->plan(model, context);
    // test_options.<type>.include_paths / exclude_paths aim a test type at some operations.
    const auto* options = settings.test_options.if_contains(id);
    auto globs = [&](const char* key) {
      std::vector<std::string> out;
      if (options && options->is_object())
        if (const auto* v = options->as_object().if_contains(key); v && v->is_array())
          for (const auto& g : v->as_array())
            if (g.is_string()) out.emplace_back(g.get_string());
      return out;
    };
    const auto include = globs("include_paths"), exclude = globs("exclude_paths");
    for (auto& c : planned.cases) {
      // Paths aim a test type at operations; a flow case (--flow) was asked for by name.
      const bool included = !c.flows.empty() || include.empty() ||
                            std::any_of(include.begin(), include.end(), [&](const std::string& g) {
                              return glob_match(g, c.endpoint);
                            });
      const bool excluded =
          c.flows.empty() && std::any_of(exclude.begin(), exclude.end(), [&](const std::string& g) {
            return glob_match(g, c.endpoint);
          });
      if (included && !excluded) {
        if (request.enhancement) request.enhancement->mark(c);
        out.test_cases.push_back(std::move(c));
      } else
        out.skipped.push_back({id, c.method, c.endpoint,
                               included ? "matches test_options." + id + ".exclude_paths"
                                        : "not in test_options." + id + ".include_paths"});
    }
    for (auto& s : planned.skipped) out.skipped.push_back({id, s.method, s.path, s.reason});
    if (flow_mode && planned.cases.empty())
      out.skipped.push_back({id, "", "",
                             "runs no flows (flows run in load_test, stress_test, "
                             "spike_test, endurance_test and scalability_test)"});
  }
  return out;
}

}  // namespace perf::plan
