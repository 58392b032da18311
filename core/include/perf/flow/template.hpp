// `${var}` placeholders of flow steps: a text compiled once into literal parts and variable
// references, filled per iteration from the virtual user's variables without parsing again.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perf::flow {

// One variable's value: its text, and whether that text is a JSON literal (a number, true,
// false, null) so a JSON body gets `"n": 5` rather than `"n": "5"`.
struct Value {
  std::string text;
  bool json_literal = false;
  bool set = false;
};

// Variable names of one phase, numbered so a user's variables are a vector, not a map.
class VariableTable {
 public:
  int index_of(std::string_view name);    // adds the name when new
  int find(std::string_view name) const;  // -1 when absent
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// How a value is written into the text around it.
enum class Escape : std::uint8_t {
  raw,         // headers, non-JSON bodies
  url,         // request targets: percent-encoded but for unreserved characters
  json_value,  // a JSON body where the placeholder is a whole string ("${id}"): typed value
  json_text,   // a JSON body, inside a longer string: escaped as string content
};

class Template {
 public:
  struct Part {
    std::string literal;  // written first
    int variable = -1;    // then this variable, unless -1
    Escape escape = Escape::raw;
  };

  // `${name}` (letters, digits, '_', '-', '.') become references; anything else is literal.
  // `json`: the text is a JSON document (see Escape::json_value and json_text).
  static Template compile(std::string_view text, Escape escape, VariableTable& table,
                          bool json = false);

  bool constant() const { return parts_.size() <= 1 && (parts_.empty() || parts_[0].variable < 0); }
  // Appends the text with every reference filled; an unset variable writes its empty text.
  void render(std::string& out, const std::vector<Value>& values) const;
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::vector<Part> parts_;
};

// The names `${...}` in `text` refers to, in order of appearance.
std::vector<std::string> placeholders(std::string_view text);

}  // namespace perf::flow
