// Escaping text for HTML and XML reports (the html and junit reporters share it).
#pragma once

#include <string>
#include <string_view>

namespace perf::util {

// &, <, >, " escaped; with `xml_1_0`, control characters XML 1.0 forbids become spaces and
// newlines become &#10; (safe inside attributes).
std::string escape_markup(std::string_view text, bool xml_1_0 = false);

}  // namespace perf::util
