// Structured documents (specs, plans, configs, data files) read from JSON or YAML into
// Boost.JSON values, with errors that say file, line and column.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <string_view>

namespace perf::util {

// By content: JSON when it starts with '{' or '[', else YAML. YAML scalars follow the
// JSON-compatible core schema: quoted scalars stay strings, unquoted ones become null, booleans
// and numbers where they look like them, everything else (dates too) stays a string; mapping
// keys are always strings (so `200:` is "200"). Throws perf::UserError
// "FILE:LINE:COLUMN: problem".
boost::json::value parse_document(std::string_view text, const std::string& file_name);
boost::json::value load_document(const std::filesystem::path& path);

}  // namespace perf::util
