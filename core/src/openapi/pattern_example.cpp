#include "perf/openapi/pattern_example.hpp"

#include <regex>

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

// Whether std::regex can be trusted with this pattern and text. libstdc++'s regex is a
// recursive backtracker: a repetition count past a long overflows inside its compiler
// (undefined behaviour, found by the example_generator fuzz target with a backreference
// "\\2222222222222222222..."; a quantifier's "{2222222222222222222}" does the same),
// large counts compile to huge automata, and a long text can exhaust the stack. Patterns come
// from specs from anywhere, so those are refused (not checked) rather than run.
bool tame(const std::string& text, const std::string& pattern) {
  if (pattern.size() > 1024 || text.size() > 4096) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      // A backreference (\N): its number is read into a long as well. An escaped brace is a
      // literal.
      std::size_t digits = 0;
      while (i + 1 + digits < pattern.size() && pattern[i + 1 + digits] >= '0' &&
             pattern[i + 1 + digits] <= '9')
        ++digits;
      if (digits > 3) return false;
      i += digits == 0 ? 1 : digits;
      continue;
    }
    if (pattern[i] != '{') continue;
    // Every number inside a quantifier's braces: at most max_repetition.
    std::size_t number = 0, digits = 0;
    for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      if (pattern[j] >= '0' && pattern[j] <= '9') {
        number = digits++ < 9 ? number * 10 + std::size_t(pattern[j] - '0') : max_repetition + 1;
        if (number > max_repetition) return false;
      } else {
        number = digits = 0;
      }
    }
  }
  return true;
}

}  // namespace

bool matches_pattern(const std::string& text, const std::string& pattern) {
  if (!tame(text, pattern)) return false;
  try {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
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
