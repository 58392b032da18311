#include "perf/llm/plan_enhancer.hpp"

#include "answer_schema.hpp"
#include "perf/llm/suggestion_cache.hpp"
#include "perf/llm/suggestion_check.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace perf::llm {

namespace json = boost::json;

namespace {

// Operations per chat request: one request per spec for most, bounded for the model's output.
constexpr std::size_t batch_size = 20;

// As thresholds are written by hand: 250, 0.01.
std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::optional<json::value> parse_json(const json::value* text) {
  if (!text || !text->is_string()) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(text->get_string(), ec);
  if (ec) return std::nullopt;
  return v;
}

// Asks for the operations the cache lacks, batch by batch; the answers by operation key.
// Throws ChatError (the endpoint failed, or its content is not the JSON asked for).
json::object ask(const ChatEndpoint& endpoint, const std::string& title,
                 const std::vector<const api::Operation*>& missing,
                 const std::vector<api::SecurityScheme>& schemes) {
  json::object answers;
  for (std::size_t i = 0; i < missing.size(); i += batch_size) {
    const std::vector<const api::Operation*> batch(
        missing.begin() + i, missing.begin() + std::min(missing.size(), i + batch_size));
    const auto content = complete(endpoint, suggestion_request(title, batch, schemes));
    boost::system::error_code ec;
    const auto doc = json::parse(content, ec);
    if (ec) throw ChatError("the answer's content is not JSON (cut short?)");
    const auto* ops = doc.is_object() ? doc.as_object().if_contains("operations") : nullptr;
    if (!ops || !ops->is_array()) throw ChatError("the answer has no \"operations\" list");
    for (const auto& o : ops->as_array())
      if (const auto* key = o.is_object() ? o.as_object().if_contains("operation") : nullptr;
          key && key->is_string())
        answers[key->get_string()] = o;
  }
  return answers;
}

}  // namespace

void PlanEnhancer::enhance(api::ApiModel& model, std::vector<plan::SkippedEntry>& notes) {
  if (model.operations.empty()) return;
  auto note = [&](const api::Operation* op, const std::string& text) {
    notes.push_back({"", op ? op->method : "", op ? op->path : "", "llm: " + text});
  };
  SuggestionCache cache(spec_bytes_, endpoint_.model);
  auto known = cache.load();
  std::vector<const api::Operation*> missing;
  for (const auto& op : model.operations)
    if (!known.contains(operation_key(op))) missing.push_back(&op);
  if (!missing.empty()) {
    try {
      const auto fresh = ask(endpoint_, model.title, missing, model.security_schemes);
      cache.store(fresh);
      for (const auto& [k, v] : fresh) known[k] = v;
    } catch (const ChatError& e) {
      note(nullptr, std::string(e.what()) + "; the deterministic values are used for the " +
                        std::to_string(missing.size()) + " operation(s) not in the cache");
    }
  }
  for (auto& op : model.operations) {
    const auto key = operation_key(op);
    const auto* suggestion = known.if_contains(key);
    if (!suggestion || !suggestion->is_object()) continue;
    const auto& s = suggestion->as_object();
    json::object used{{"source", "llm"}, {"model", endpoint_.model}};
    json::object parameters;
    const auto asked = asked_parameters(op, model.security_schemes);
    if (const auto* list = s.if_contains("parameters"); list && list->is_array())
      for (const auto& entry : list->as_array()) {
        if (!entry.is_object()) continue;
        const auto& e = entry.as_object();
        const auto name = e.contains("name") && e.at("name").is_string()
                              ? std::string(e.at("name").get_string())
                              : std::string();
        auto it = std::find_if(asked.begin(), asked.end(),
                               [&](const api::Parameter* p) { return p->name == name; });
        if (it == asked.end()) {
          note(&op, "parameter '" + name + "' is not one asked for; dropped");
          continue;
        }
        const auto value = parse_json(e.if_contains("value_json"));
        if (!value) {
          note(&op, "parameter '" + name + "': the value is not JSON text; dropped");
          continue;
        }
        if (const auto problem = schema_problem(*value, (*it)->schema)) {
          note(&op, "parameter '" + name + "' = " + json::serialize(*value) + ": " + *problem +
                        "; dropped");
          continue;
        }
        // Parameters are const in `asked`: find the model's own to change.
        for (auto& p : op.parameters)
          if (&p == *it) p.example = *value;
        parameters[name] = *value;
      }
    if (!parameters.empty()) used["parameters"] = std::move(parameters);
    if (op.body)
      if (const auto* b = s.if_contains("body_json"); b && b->is_string()) {
        const auto body = parse_json(b);
        if (!body) {
          note(&op, "the body is not JSON text; dropped");
        } else if (const auto problem = schema_problem(*body, op.body->schema)) {
          note(&op, "body: " + *problem + "; dropped");
        } else {
          op.body->example = *body;
          used["body"] = *body;
        }
      }
    json::array thresholds;
    auto bounded = [&](const char* key, double low, double high) -> std::optional<double> {
      const auto* v = s.if_contains(key);
      if (!v || v->is_null()) return std::nullopt;
      if (v->is_number() && v->to_number<double>() > low && v->to_number<double>() <= high)
        return v->to_number<double>();
      note(&op, std::string(key) + " " + json::serialize(*v) + " is outside (" +
                    std::to_string(int(low)) + ", " + std::to_string(int(high)) + "]; dropped");
      return std::nullopt;
    };
    if (const auto p95 = bounded("p95_ms", 0, 600000))
      thresholds.push_back(json::string("http_req_duration: p(95)<" + number_text(*p95)));
    if (const auto errors = bounded("error_rate_percent", 0, 100))
      thresholds.push_back(json::string("http_req_failed: rate<" + number_text(*errors / 100)));
    if (!thresholds.empty()) used["thresholds"] = std::move(thresholds);
    if (used.size() > 2) used_[key] = std::move(used);
  }
}

void PlanEnhancer::mark(api::TestCase& c) const {
  const auto it = used_.find(c.method + " " + c.endpoint);
  if (it == used_.end()) return;
  c.parameters["suggestions"] = it->second;
  if (const auto* t = it->second.if_contains("thresholds"))
    for (const auto& e : t->as_array())
      if (std::find(c.thresholds.begin(), c.thresholds.end(), e.get_string()) == c.thresholds.end())
        c.thresholds.emplace_back(e.get_string());
}

}  // namespace perf::llm
