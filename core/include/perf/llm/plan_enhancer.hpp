// `plan --enhance` / `run --enhance` (DESIGN §10.5): asks the chat endpoint for realistic values
// of the selected operations' required parameters, request bodies and response-time and
// error-rate thresholds, in batches per spec with a JSON schema for the answer; every value is
// checked against the operation's schema and dropped with a plan note when invalid; what is used
// replaces the generated example and the cases planned from it carry
// `parameters.suggestions.source = "llm"`. Any failure of the endpoint leaves the deterministic
// plan with a note. Only the spec's own descriptions are sent: never credentials or --data rows.
#pragma once

#include "perf/llm/chat_client.hpp"
#include "perf/plan/planner.hpp"

#include <map>
#include <string>

namespace perf::llm {

class PlanEnhancer final : public plan::ModelEnhancement {
 public:
  PlanEnhancer(ChatEndpoint endpoint, std::string spec_bytes)
      : endpoint_(std::move(endpoint)), spec_bytes_(std::move(spec_bytes)) {}

  void enhance(api::ApiModel& model, std::vector<plan::SkippedEntry>& notes) override;
  void mark(api::TestCase& c) const override;

 private:
  ChatEndpoint endpoint_;
  std::string spec_bytes_;
  // "GET /items/{id}" -> what was used: {"source": "llm", "model", "parameters", "body",
  // "thresholds"}.
  std::map<std::string, boost::json::object> used_;
};

}  // namespace perf::llm
