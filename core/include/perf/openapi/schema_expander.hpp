// Turns a schema that uses $ref into a self-contained copy: references inlined, reference
// cycles and very deep or very large expansions cut off (replaced by {"x-perf-cut": REF}).
// Plugins then work on plain JSON without access to the spec's files.
#pragma once

#include "perf/openapi/ref_resolver.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace perf::openapi {

class SchemaExpander {
 public:
  explicit SchemaExpander(const RefResolver& resolver, int max_ref_depth = 8,
                          std::size_t max_nodes = 20000)
      : resolver_(resolver), max_ref_depth_(max_ref_depth), max_nodes_(max_nodes) {}

  boost::json::value expand(const Located& schema);

 private:
  boost::json::value copy(const boost::json::value& v, const std::filesystem::path& document);

  const RefResolver& resolver_;
  int max_ref_depth_;
  std::size_t max_nodes_;
  std::vector<std::string> stack_;  // refs being expanded, to cut cycles
  std::size_t nodes_ = 0;
};

}  // namespace perf::openapi
