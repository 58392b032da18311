// head_check: a third-party test type. Sends HEAD to every GET operation and checks that it
// answers like GET would (a status below 400 and no body), a habit caches and crawlers rely on.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"

namespace {

using namespace perf;

class HeadCheck final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    for (const auto& op : model.operations) {
      if (op.method != "GET") {
        out.skipped.push_back({op.method, op.path, "only GET operations have a HEAD twin"});
        continue;
      }
      out.cases.push_back(
          cases::make_case("head_check", op, "", "HEAD answers like GET for " + op.path, context));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    api::CaseResult result;
    result.test_case = c;
    api::RequestSpec head = c.requests.front();
    head.method = "HEAD";
    const auto exchange = co_await session.send(head, {});
    result.findings.push_back(cases::finding("head_status", exchange.status, "", "status of HEAD"));
    result.findings.push_back(
        cases::finding("head_ms", exchange.timing.total_ms, "ms", "HEAD round trip"));
    if (!exchange.ok()) {
      result.verdict = perf::api::Verdict::error;
      result.reason = "HEAD failed: " + exchange.error;
    } else if (exchange.status >= 400) {
      result.verdict = perf::api::Verdict::failed;
      result.reason = "HEAD answered " + std::to_string(exchange.status);
    } else {
      result.verdict = exchange.body_bytes == 0 ? api::Verdict::passed : api::Verdict::failed;
      result.reason = exchange.body_bytes == 0
                          ? "HEAD answered " + std::to_string(exchange.status) + " without a body"
                          : "HEAD sent a body";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(HeadCheck, "head_check", "1.0.0",
                            "HEAD answers like GET, without a body")
