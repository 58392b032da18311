#include "perf/openapi/schema_expander.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace perf::openapi {

namespace json = boost::json;

json::value SchemaExpander::expand(const Located& schema) {
  stack_.clear();
  nodes_ = 0;
  if (!schema.value) return json::object{};
  return copy(*schema.value, schema.document);
}

json::value SchemaExpander::copy(const json::value& v, const std::filesystem::path& document) {
  ++nodes_;
  if (const auto* o = v.if_object()) {
    if (const auto* ref = o->if_contains("$ref"); ref && ref->is_string()) {
      const std::string text(ref->get_string());
      if (int(stack_.size()) >= max_ref_depth_ || nodes_ > max_nodes_)
        return json::object{{"x-perf-cut", text}};
      const Located target = resolver_.resolve(text, document);
      const std::string key = target.key();
      if (std::find(stack_.begin(), stack_.end(), key) != stack_.end())
        return json::object{{"x-perf-cut", text}};  // a cycle: stop here
      stack_.push_back(key);
      json::value expanded = copy(*target.value, target.document);
      stack_.pop_back();
      return expanded;
    }
    json::object out;
    out.reserve(o->size());
    for (const auto& [k, child] : *o) {
      // Documentation-only members are large in real specs and never needed for requests.
      if (k == "description" || k == "externalDocs" || k == "xml") continue;
      out[k] = copy(child, document);
    }
    return out;
  }
  if (const auto* a = v.if_array()) {
    json::array out;
    out.reserve(a->size());
    for (const auto& child : *a) out.push_back(copy(child, document));
    return out;
  }
  return v;
}

}  // namespace perf::openapi
