// A string that matches a schema's `pattern`, for the simple patterns APIs use for ids and codes:
// a sequence of literals, escapes (\d \w \s \. ...), character classes with ranges, and the
// quantifiers ?, *, +, {n}, {n,m}, anchored or not. Alternation and groups are beyond it.
#pragma once

#include <optional>
#include <string>

namespace perf::openapi {

// A string the pattern accepts (checked with std::regex, ECMAScript as OpenAPI says), or nullopt
// when the pattern is beyond this generator or malformed.
std::optional<std::string> example_matching(const std::string& pattern);

// True when `text` matches `pattern` somewhere (JSON Schema's unanchored search); false for a
// malformed pattern, and for one std::regex cannot be trusted with (over 1 KB, a repetition count
// over 1000, a text over 4 KB): those are not checked.
bool matches_pattern(const std::string& text, const std::string& pattern);

}  // namespace perf::openapi
