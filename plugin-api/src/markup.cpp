#include "perf/util/markup.hpp"

namespace perf::util {

std::string escape_markup(std::string_view text, bool xml_1_0) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += xml_1_0 ? "&#10;" : "\n";
        break;
      default:
        if (xml_1_0 && c < 0x20 && c != '\t')
          out += ' ';
        else
          out += char(c);
    }
  }
  return out;
}

}  // namespace perf::util
