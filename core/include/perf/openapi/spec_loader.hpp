// Reads an OpenAPI 3.0/3.1 or Swagger 2.0 description (JSON or YAML, one file or many) into the
// ApiModel that test types plan from.
#pragma once

#include "perf/api/model.hpp"
#include "perf/openapi/example_generator.hpp"

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace perf::openapi {

// Something the loader could not do for an operation and the plan should say (an example that
// cannot meet a parameter's pattern).
struct LoadNote {
  std::string method, path, text;
};

struct LoadOptions {
  std::uint64_t seed = 1;
  std::vector<LoadNote>* notes = nullptr;  // where notes go; null: dropped
  BodyFields body_fields = BodyFields::examples;
};

// Throws perf::UserError naming the file and place for anything that makes the spec unusable.
// A spec without operations (webhooks only) is not an error: the model's `note` says why.
api::ApiModel load_spec(const std::filesystem::path& path, const LoadOptions& options = {});
api::ApiModel load_spec_document(boost::json::value document, const std::string& name,
                                 const LoadOptions& options = {});

}  // namespace perf::openapi
