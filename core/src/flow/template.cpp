#include "perf/flow/template.hpp"

#include "perf/http/url.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>

namespace perf::flow {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// A `${name}` reference in a text: where it starts and ends (one past '}').
struct Reference {
  std::size_t begin = 0, end = 0;
  std::string_view name;
};

// The next reference at or after `from`; begin == npos when there is none.
Reference next_reference(std::string_view text, std::size_t from) {
  for (auto at = text.find("${", from); at != std::string_view::npos;
       at = text.find("${", at + 1)) {
    const auto close = text.find('}', at + 2);
    if (close == std::string_view::npos) break;
    const auto name = text.substr(at + 2, close - at - 2);
    if (!name.empty() && std::all_of(name.begin(), name.end(), name_char))
      return {at, close + 1, name};
  }
  return {std::string_view::npos, 0, {}};
}

}  // namespace

int VariableTable::index_of(std::string_view name) {
  const int found = find(name);
  if (found >= 0) return found;
  names_.emplace_back(name);
  return int(names_.size() - 1);
}

int VariableTable::find(std::string_view name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  return it == names_.end() ? -1 : int(it - names_.begin());
}

Template Template::compile(std::string_view text, Escape escape, VariableTable& table, bool json) {
  Template t;
  std::size_t literal_start = 0;
  for (auto ref = next_reference(text, 0); ref.begin != std::string_view::npos;
       ref = next_reference(text, ref.end)) {
    Part part;
    part.variable = table.index_of(ref.name);
    part.escape = escape;
    std::size_t literal_end = ref.begin, next_start = ref.end;
    if (json) {
      // "${id}" as a whole string takes the value's own JSON type (a number stays a number);
      // inside a longer string the value is string content.
      const bool whole = ref.begin > literal_start && text[ref.begin - 1] == '"' &&
                         ref.end < text.size() && text[ref.end] == '"';
      part.escape = whole ? Escape::json_value : Escape::json_text;
      if (whole) --literal_end, ++next_start;
    }
    part.literal = std::string(text.substr(literal_start, literal_end - literal_start));
    literal_start = next_start;
    t.parts_.push_back(std::move(part));
  }
  if (literal_start < text.size() || t.parts_.empty())
    t.parts_.push_back({std::string(text.substr(literal_start)), -1, escape});
  return t;
}

void Template::render(std::string& out, const std::vector<Value>& values) const {
  for (const auto& part : parts_) {
    out += part.literal;
    if (part.variable < 0) continue;
    const Value& v = values[std::size_t(part.variable)];
    switch (part.escape) {
      case Escape::raw:
        out += v.text;
        break;
      case Escape::url:
        out += http::percent_encode(v.text);
        break;
      case Escape::json_value:
        if (v.json_literal)
          out += v.text;
        else
          out += boost::json::serialize(boost::json::string(v.text));
        break;
      case Escape::json_text: {
        const auto quoted = boost::json::serialize(boost::json::string(v.text));
        out.append(quoted, 1, quoted.size() - 2);
        break;
      }
    }
  }
}

std::vector<std::string> placeholders(std::string_view text) {
  std::vector<std::string> out;
  for (auto ref = next_reference(text, 0); ref.begin != std::string_view::npos;
       ref = next_reference(text, ref.end))
    out.emplace_back(ref.name);
  return out;
}

}  // namespace perf::flow
