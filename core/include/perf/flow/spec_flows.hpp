// Flows the spec implies: OpenAPI 3 `links` (POST /pets -> GET /pets/{petId} with
// `$response.body#/id`) and, for resources with POST, GET /{id} and DELETE /{id}, a
// create-read-delete flow. `plan` lists them so they can be edited and run.
#pragma once

#include "perf/flow/flow_config.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace perf::flow {

struct SpecFlows {
  std::vector<api::Flow> flows;
  std::vector<std::string> notes;  // links that could not become flows, and why
};

// `spec`: the file the model was read from (links are read from it again).
SpecFlows flows_from_links(const std::filesystem::path& spec, const FlowBuildContext& context);

// One create-read-delete flow per collection path P with POST P, GET P/{x} and DELETE P/{x}:
// the id from the created item's body ("/x" when the body schema has x, else "/id").
SpecFlows create_read_delete_flows(const FlowBuildContext& context);

}  // namespace perf::flow
