#include "perf/openapi/pattern_example.hpp"

#include <re2/re2.h>

namespace perf::openapi {

namespace {

// One position of the pattern: the character it produces and how many times it repeats.
// The largest repetition count an example is made with or a pattern is checked with.
constexpr std::size_t max_repetition = 1000;

struct Atom {
  char produce = 'a';
  std::size_t times = 1;
};

// The first character a class accepts: "[a-z]" gives 'a', "[^0-9]" gives 'x' (checked later).
std::optional<char> class_example(const std::string& body) {
  if (body.empty()) return std::nullopt;
  if (body[0] == '^') return 'x';
  if (body[0] == '\\' && body.size() > 1) {
    switch (body[1]) {
      case 'd':
        return '1';
      case 'w':
        return 'a';
      case 's':
        return ' ';
      default:
        return body[1];
    }
  }
  return body[0];
}

std::optional<std::vector<Atom>> parse(const std::string& p) {
  std::vector<Atom> atoms;
  std::size_t i = 0;
  if (i < p.size() && p[i] == '^') ++i;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '$' && i + 1 == p.size()) break;
    if (c == '(' || c == ')' || c == '|') return std::nullopt;  // groups, alternation: beyond it
    Atom atom;
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;
      const char e = p[i + 1];
      atom.produce = e == 'd' ? '1' : e == 'w' ? 'a' : e == 's' ? ' ' : e;
      if (e == 'D' || e == 'W' || e == 'S' || e == 'b' || e == 'B') return std::nullopt;
      i += 2;
    } else if (c == '[') {
      const auto close = p.find(']', i + 2);
      if (close == std::string::npos) return std::nullopt;
      const auto produce = class_example(p.substr(i + 1, close - i - 1));
      if (!produce) return std::nullopt;
      atom.produce = *produce;
      i = close + 1;
    } else if (c == '.') {
      atom.produce = 'a';
      ++i;
    } else if (c == '*' || c == '+' || c == '?' || c == '{') {
      return std::nullopt;  // a quantifier with nothing before it
    } else {
      atom.produce = c;
      ++i;
    }
    // Quantifier: the fewest repetitions it allows, at least one for '+'.
    if (i < p.size()) {
      if (p[i] == '?' || p[i] == '*') {
        atom.times = 0;
        ++i;
      } else if (p[i] == '+') {
        ++i;
      } else if (p[i] == '{') {
        const auto close = p.find('}', i);
        if (close == std::string::npos) return std::nullopt;
        try {
          atom.times = std::stoul(p.substr(i + 1, close - i - 1));
        } catch (const std::exception&) {
          return std::nullopt;
        }
        if (atom.times > max_repetition) return std::nullopt;  // no example of gigabytes
        i = close + 1;
      }
    }
    atoms.push_back(atom);
  }
  return atoms;
}

}  // namespace

bool matches_pattern(const std::string& text, const std::string& pattern) {
  // RE2, not std::regex: libstdc++'s regex is a recursive backtracker, and patterns come from
  // specs from anywhere. The example_generator fuzz target found one ("( ?+++++++...)$") that
  // kept it busy for minutes, and a backreference "\\2222222222222222222" that overflowed a long
  // in its compiler. RE2 runs in time linear in the text and refuses what it cannot do so
  // (backreferences, lookaround: rare in API specs), which is then "not checked" like a malformed
  // pattern. Its default memory budget (8 MB) bounds large repetition counts.
  if (pattern.size() > 4096) return false;
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(pattern, options);
  return re.ok() && RE2::PartialMatch(text, re);
}

std::optional<std::string> example_matching(const std::string& pattern) {
  const auto atoms = parse(pattern);
  if (!atoms) return std::nullopt;
  std::string out;
  for (const auto& a : *atoms) out.append(a.times, a.produce);
  if (!matches_pattern(out, pattern)) return std::nullopt;
  return out;
}

}  // namespace perf::openapi
