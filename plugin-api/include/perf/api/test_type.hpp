// A test type: plans its cases from the API model and runs one case at a time on a Session.
#pragma once

#include "perf/api/model.hpp"
#include "perf/api/session.hpp"
#include "perf/api/settings.hpp"
#include "perf/api/test_case.hpp"

#include <boost/asio/awaitable.hpp>

#include <vector>

namespace perf::api {

// Builds concrete requests for an operation (parameters filled from examples or --data rows,
// auth placed as the spec says). Implemented by core, handed to plan().
class RequestFactory {
 public:
  virtual ~RequestFactory() = default;
  // The requests for `op`, one per data row (at least one), and the base URL they go to.
  virtual std::vector<RequestSpec> requests_for(const Operation& op) const = 0;
  // One request for `op` with some parameters replaced (name -> value, already as text).
  virtual RequestSpec request_with(
      const Operation& op,
      const std::vector<std::pair<std::string, std::string>>& overrides) const = 0;
  // A JSON body for `op` valid for its schema and grown to about `bytes` bytes.
  virtual std::string body_of_size(const Operation& op, std::size_t bytes) const = 0;
  virtual std::string base_url_for(const Operation& op) const = 0;
};

struct PlanContext {
  const Settings& settings;
  const RequestFactory& requests;
};

// Why an operation got no case from this test type; listed in the plan.
struct PlanSkip {
  std::string method, path, reason;
};

struct PlanOutput {
  std::vector<TestCase> cases;
  std::vector<PlanSkip> skipped;
};

class TestType {
 public:
  virtual ~TestType() = default;
  virtual PlanOutput plan(const ApiModel& model, const PlanContext& context) const = 0;
  // Runs `test_case` (taken by value: it must outlive the coroutine). The verdict is decided
  // here; thresholds from the command line are applied by the host afterwards.
  virtual boost::asio::awaitable<CaseResult> run(TestCase test_case, Session& session) = 0;
};

}  // namespace perf::api
