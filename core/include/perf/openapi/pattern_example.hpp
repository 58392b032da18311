// A string that matches a schema's `pattern`, for the simple patterns APIs use for ids and codes:
// a sequence of literals, escapes (\d \w \s \. ...), character classes with ranges, and the
// quantifiers ?, *, +, {n}, {n,m}, anchored or not. Alternation and groups are beyond it.
#pragma once

#include <optional>
#include <string>

namespace perf::openapi {

// A string the pattern accepts (checked with matches_pattern below), or nullopt
// when the pattern is beyond this generator or malformed.
std::optional<std::string> example_matching(const std::string& pattern);

// True when `text` matches `pattern` somewhere (JSON Schema's unanchored search), checked with RE2
// in time linear in the text; false for a malformed pattern and for what RE2 does not do
// (backreferences, lookaround, repetition counts over 1000, patterns over 4 KB): those are not
// checked.
bool matches_pattern(const std::string& text, const std::string& pattern);

}  // namespace perf::openapi
