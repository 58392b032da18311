// Reads an OpenAPI 3.0/3.1 or Swagger 2.0 description (JSON or YAML, one file or many) into the
// ApiModel that test types plan from.
#pragma once

#include "perf/api/model.hpp"

#include <boost/json/value.hpp>

#include <filesystem>

namespace perf::openapi {

struct LoadOptions {
  std::uint64_t seed = 1;
};

// Throws perf::UserError naming the file and place for anything that makes the spec unusable.
// A spec without operations (webhooks only) is not an error: the model's `note` says why.
api::ApiModel load_spec(const std::filesystem::path& path, const LoadOptions& options = {});
api::ApiModel load_spec_document(boost::json::value document, const std::string& name,
                                 const LoadOptions& options = {});

}  // namespace perf::openapi
