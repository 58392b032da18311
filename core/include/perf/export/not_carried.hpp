// What an exported script cannot carry over from the plan (a test type's probes, a threshold the
// tool has no aggregation for): collected while exporting, written as comments at the top of
// the script and on stderr, so nothing is dropped silently.
#pragma once

#include <string>
#include <vector>

namespace perf::exporter {

class NotCarried {
 public:
  // `where` names the case (or "plan"); `what` says what is lost and, where there is one, what
  // the script does instead. A repeated (where, what) is kept once.
  void add(const std::string& where, const std::string& what);
  const std::vector<std::string>& lines() const { return lines_; }  // "where: what"
  bool empty() const { return lines_.empty(); }
  // The lines as comments of a script language: `prefix` is "// " or "# ".
  std::string as_comments(const std::string& prefix) const;

 private:
  std::vector<std::string> lines_;
};

}  // namespace perf::exporter
