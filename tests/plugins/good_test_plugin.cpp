// A minimal test type for the loading tests: plans one case per operation and runs it as a
// few probe requests, counting the instances alive so lifetime tests can see destruction.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"

#include <atomic>

#ifndef GOOD_PLUGIN_ID
#define GOOD_PLUGIN_ID "good_probe"
#endif

// C linkage so the lifetime test can find it with dlsym.
extern "C" {
__attribute__((visibility("default"))) std::atomic<int> good_plugin_instances{0};
}

namespace {

using namespace perf;

class GoodProbe final : public api::TestType {
 public:
  GoodProbe() { ++good_plugin_instances; }
  ~GoodProbe() override { --good_plugin_instances; }

  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    for (const auto& op : model.operations)
      out.cases.push_back(cases::make_case(GOOD_PLUGIN_ID, op, "", "probe " + op.path, context));
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    api::CaseResult result;
    result.test_case = c;
    int ok = 0;
    for (int i = 0; i < 5; ++i) {
      // A braced temporary on purpose: GCC 12 crashed here while ProbeOptions was an aggregate.
      auto exchange = co_await session.send(c.requests.front(), {});
      if (exchange.status == 200) ++ok;
    }
    result.findings.push_back(cases::finding("ok_probes", ok, "responses", "probes answered 200"));
    result.verdict = ok == 5 ? api::Verdict::passed : api::Verdict::failed;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(GoodProbe, GOOD_PLUGIN_ID, "0.0.1", "Loading-test fixture")
