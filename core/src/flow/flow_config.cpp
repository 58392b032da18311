#include "perf/flow/flow_config.hpp"

#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace perf::flow {

namespace json = boost::json;

namespace {

// Hides `${name}` from percent-encoding: the request builder encodes parameter values, which
// would turn a placeholder into "%24%7Bid%7D". Placeholders become tokens of unreserved
// characters, and come back once the request is built.
class Shield {
 public:
  std::string hide(const std::string& text) {
    std::string out = text;
    for (std::size_t at = out.find("${"); at != std::string::npos; at = out.find("${", at)) {
      const auto close = out.find('}', at);
      if (close == std::string::npos) break;
      const std::string token = "__perfvar" + std::to_string(hidden_.size()) + "__";
      hidden_.emplace_back(token, out.substr(at, close + 1 - at));
      out.replace(at, close + 1 - at, token);
      at += token.size();
    }
    return out;
  }
  std::string restore(std::string text) const {
    for (const auto& [token, placeholder] : hidden_)
      for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at))
        text.replace(at, token.size(), placeholder);
    return text;
  }

 private:
  std::vector<std::pair<std::string, std::string>> hidden_;
};

std::string as_text(const json::value& v) {
  if (const auto* s = v.if_string()) return std::string(*s);
  return json::serialize(v);
}

class StepReader {
 public:
  StepReader(const std::string& place, const FlowBuildContext& context)
      : place_(place), context_(context) {}

  [[noreturn]] void fail(const std::string& problem) const { throw UserError(place_ + problem); }

  api::FlowStep read(const json::object& o, std::string& base_url) {
    static const std::set<std::string> keys = {"name",       "operation_id", "method", "path",
                                               "params",     "headers",      "body",   "extract",
                                               "think_time", "expect"};
    for (const auto& [k, v] : o)
      if (!keys.count(std::string(k)))
        fail("unknown key '" + std::string(k) +
             "' (name, operation_id, method, path, params, headers, body, extract, think_time, "
             "expect)");
    api::FlowStep step;
    api::Operation op = operation(o);
    step.operation_id = op.operation_id;
    step.path = op.path;
    std::vector<std::pair<std::string, std::string>> overrides;
    Shield shield;
    if (const auto* p = o.if_contains("params")) {
      if (!p->is_object()) fail("params must be a mapping of name to value");
      for (const auto& [k, v] : p->as_object()) {
        overrides.emplace_back(std::string(k), shield.hide(as_text(v)));
        if (step.operation_id.empty() && !op.has_parameter(k)) {
          // method + path: a parameter named in the path fills it, the others go to the query.
          api::Parameter param;
          param.name = std::string(k);
          param.location =
              op.path.find("{" + param.name + "}") != std::string::npos ? "path" : "query";
          param.required = true;
          op.parameters.push_back(std::move(param));
        }
      }
    }
    for (const auto& p : op.parameters)
      if (p.location == "path" && step.operation_id.empty() &&
          std::none_of(overrides.begin(), overrides.end(),
                       [&](auto& o) { return o.first == p.name; }))
        fail("path parameter {" + p.name + "} has no value in params");
    step.request = context_.builder.request_with(op, overrides);
    step.request.target = shield.restore(step.request.target);
    for (auto& [k, v] : step.request.headers) v = shield.restore(v);
    if (const auto* h = o.if_contains("headers")) {
      if (!h->is_object()) fail("headers must be a mapping of name to value");
      for (const auto& [k, v] : h->as_object())
        set_header(step.request, std::string(k), as_text(v));
    }
    if (const auto* b = o.if_contains("body")) {
      step.request.body = as_text(*b);
      const bool json = b->is_object() || b->is_array();
      const std::string type = op.body ? op.body->content_type
                               : json  ? "application/json"
                                       : "text/plain";
      set_header(step.request, "Content-Type", type);
    }
    step.name = text(o, "name");
    if (step.name.empty())
      step.name = !step.operation_id.empty() ? step.operation_id : op.method + " " + op.path;
    if (const auto* e = o.if_contains("extract")) {
      if (!e->is_object()) fail("extract must be a mapping of variable to /pointer or header:NAME");
      for (const auto& [var, source] : e->as_object()) {
        if (!source.is_string()) fail("extract " + std::string(var) + ": must be a string");
        step.extract.emplace_back(std::string(var), std::string(source.get_string()));
      }
    }
    if (const auto* t = o.if_contains("think_time")) {
      if (!t->is_number() || t->to_number<double>() < 0) fail("think_time must be seconds >= 0");
      step.think_time_s = t->to_number<double>();
    }
    if (const auto* x = o.if_contains("expect")) {
      if (!x->is_number() || x->to_number<double>() < 100 || x->to_number<double>() > 599)
        fail("expect must be an HTTP status (100-599)");
      step.expect_status = x->to_number<int>();
    }
    const auto base = context_.builder.base_url_for(op);
    if (base_url.empty()) base_url = base;
    if (base != base_url)
      fail("goes to " + base + ", an earlier step to " + base_url +
           ": a flow runs on one connection, so all its steps need one server");
    return step;
  }

 private:
  std::string text(const json::object& o, const char* key) const {
    const auto* v = o.if_contains(key);
    if (!v) return "";
    if (!v->is_string()) fail(std::string(key) + " must be a string");
    return std::string(v->get_string());
  }

  api::Operation operation(const json::object& o) const {
    const auto id = text(o, "operation_id");
    if (!id.empty()) {
      if (context_.quick)
        fail("operation_id needs --spec; with --target alone give method and path");
      for (const auto& op : context_.model.operations)
        if (op.operation_id == id) return op;
      fail("unknown operation '" + id + "' (no operationId of that name in the spec)");
    }
    api::Operation op;
    op.method = text(o, "method");
    op.path = text(o, "path");
    if (op.method.empty() || op.path.empty()) fail("give operation_id, or method and path");
    std::transform(op.method.begin(), op.method.end(), op.method.begin(), ::toupper);
    if (op.path.front() != '/') fail("path must start with '/'");
    // The spec's operation when it has this method and path: its parameters, body and server.
    for (const auto& known : context_.model.operations)
      if (!context_.quick && known.method == op.method && known.path == op.path) return known;
    if (!context_.quick) op.server_url = context_.model.server_url;
    return op;
  }

  static void set_header(api::RequestSpec& r, const std::string& name, const std::string& value) {
    std::erase_if(r.headers, [&](const auto& h) {
      return h.first.size() == name.size() &&
             std::equal(h.first.begin(), h.first.end(), name.begin(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
    r.headers.emplace_back(name, value);
  }

  std::string place_;
  const FlowBuildContext& context_;
};

}  // namespace

std::vector<std::map<std::string, std::string>> variable_rows(const std::vector<json::object>& rows,
                                                              std::size_t max_rows) {
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t i = 0; i < rows.size() && i < max_rows; ++i) {
    auto& row = out.emplace_back();
    for (const auto& [k, v] : rows[i]) row[std::string(k)] = as_text(v);
  }
  return out;
}

std::vector<api::Flow> flows_from_config(const json::value& flows, const std::string& file,
                                         const FlowBuildContext& context) {
  if (!flows.is_array()) throw UserError(file + ": /flows: must be a list of flows");
  std::vector<api::Flow> out;
  const auto rows = variable_rows(context.data_rows);
  for (std::size_t i = 0; i < flows.as_array().size(); ++i) {
    const std::string pointer = file + ": /flows/" + std::to_string(i);
    const auto* o = flows.as_array()[i].if_object();
    if (!o) throw UserError(pointer + ": must be a mapping with name, weight and steps");
    api::Flow flow;
    const auto* name = o->if_contains("name");
    if (!name || !name->is_string() || name->get_string().empty())
      throw UserError(pointer + ": name: missing (a flow needs a name)");
    flow.name = std::string(name->get_string());
    const std::string at = file + ": flow '" + flow.name + "'";
    for (const auto& f : out)
      if (f.name == flow.name) throw UserError(at + ": a second flow of this name");
    if (const auto* w = o->if_contains("weight")) {
      if (!w->is_number() || !(w->to_number<double>() > 0))
        throw UserError(at + ": weight must be a number above 0");
      flow.weight = w->to_number<double>();
    }
    const auto* steps = o->if_contains("steps");
    if (!steps || !steps->is_array() || steps->as_array().empty())
      throw UserError(at + ": steps: must be a non-empty list");
    for (std::size_t k = 0; k < steps->as_array().size(); ++k) {
      const auto* so = steps->as_array()[k].if_object();
      std::string label = "step " + std::to_string(k + 1);
      if (so)
        if (const auto* n = so->if_contains("name"); n && n->is_string())
          label = "step '" + std::string(n->get_string()) + "'";
      StepReader reader(at + ", " + label + ": ", context);
      if (!so) reader.fail("must be a mapping");
      flow.steps.push_back(reader.read(*so, flow.base_url));
    }
    flow.data = rows;
    flow.source = "config";
    out.push_back(std::move(flow));
  }
  return out;
}

}  // namespace perf::flow
