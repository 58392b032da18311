#include "perf/util/document.hpp"

#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <yaml-cpp/yaml.h>
#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace perf::util {

namespace json = boost::json;

namespace {

std::string where(const std::string& file, std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

json::value parse_json(std::string_view text, const std::string& file) {
  json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    if (ec == json::error::incomplete || ec == json::error::extra_data) consumed = text.size();
    throw UserError(where(file, text, consumed) + ": invalid JSON: " + ec.message());
  }
  return parser.release();
}

// [-+]?[0-9]+
bool looks_integer(std::string_view s) {
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool looks_real(std::string_view s) {
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  std::size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

json::value scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return json::string(s);  // quoted: always a string
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (looks_integer(s)) {
    std::int64_t v = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [ptr, err] = std::from_chars(begin, s.data() + s.size(), v);
    if (err == std::errc() && ptr == s.data() + s.size()) return v;
    return json::string(s);  // out of range: keep the digits
  }
  if (looks_real(s)) {
    // 1e400 is beyond a double (1e-400 below its least): keep the digits, as for integers.
    double v = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [ptr, err] = std::from_chars(begin, s.data() + s.size(), v);
    if (err == std::errc() && ptr == s.data() + s.size()) return v;
    return json::string(s);
  }
  if (s == ".inf" || s == ".Inf") return HUGE_VAL;
  return json::string(s);
}

json::value convert(const YAML::Node& node, int depth) {
  if (depth > 512) throw YAML::ParserException(node.Mark(), "nesting too deep");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar(node);
    case YAML::NodeType::Sequence: {
      json::array a;
      a.reserve(node.size());
      for (const auto& item : node) a.push_back(convert(item, depth + 1));
      return a;
    }
    case YAML::NodeType::Map: {
      json::object o;
      o.reserve(node.size());
      for (const auto& item : node) o[item.first.Scalar()] = convert(item.second, depth + 1);
      return o;
    }
  }
  return nullptr;
}

json::value parse_yaml(std::string_view text, const std::string& file) {
  try {
    return convert(YAML::Load(std::string(text)), 0);
  } catch (const YAML::Exception& e) {
    const std::string place = e.mark.is_null() ? file
                                               : file + ":" + std::to_string(e.mark.line + 1) +
                                                     ":" + std::to_string(e.mark.column + 1);
    throw UserError(place + ": invalid YAML: " + e.msg);
  }
}

}  // namespace

json::value parse_document(std::string_view text, const std::string& file_name) {
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && (text[i] == '{' || text[i] == '['))
    return parse_json(text.substr(i), file_name);
  return parse_yaml(text, file_name);
}

json::value load_document(const std::filesystem::path& path) {
  return parse_document(read_file(path), path.string());
}

}  // namespace perf::util
