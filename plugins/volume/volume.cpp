// volume_test: request bodies of 1 KB, 10 KB, 100 KB and 1 MB built from the operation's schema
// (valid JSON for it, grown to size): latency and MB/s by size, and the smallest size answered
// 413 (rejected_size_bytes). GET operations: the size and transfer rate of their responses.
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace {

using namespace perf;

std::string label(double bytes) {
  char b[32];
  if (bytes >= 1024 * 1024)
    std::snprintf(b, sizeof b, "%.0fMB", bytes / (1024 * 1024));
  else if (bytes >= 1024)
    std::snprintf(b, sizeof b, "%.0fKB", bytes / 1024);
  else
    std::snprintf(b, sizeof b, "%.0fB", bytes);
  return b;
}

const sdk::Options options{
    "volume_test",
    {sdk::list_option("sizes", std::vector<double>{1024, 10240, 102400, 1048576},
                      "request body sizes in bytes, one step each"),
     sdk::number_option("users", 2, "users sending without pause"),
     sdk::number_option("step_duration", 5, "seconds per size")}};

class VolumeTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    for (const auto& op : model.operations) {
      const bool body = op.body.has_value();
      if (!body && op.method != "GET") {
        out.skipped.push_back({op.method, op.path, "no request body to grow and not a GET"});
        continue;
      }
      auto c =
          cases::make_case("volume_test", op, body ? "bodies" : "responses",
                           body ? "Request bodies of growing size for " + op.method + " " + op.path
                                : "Response volume of GET " + op.path,
                           context);
      c.performance_config = boost::json::object{{"think_time", 0}, {"timeout", s.timeout_s}};
      c.parameters = options.resolve(s);
      if (body) {
        // One request per size: the operation's request with its body grown to that size.
        const auto base = c.requests.front();
        c.requests.clear();
        for (const auto& size : c.parameters.at("sizes").as_array()) {
          auto r = base;
          r.body = context.requests.body_of_size(op, std::size_t(size.to_number<double>()));
          c.requests.push_back(std::move(r));
        }
      } else {
        c.parameters.erase("sizes");  // a GET: its responses are the volume
      }
      c.parameters[sdk::planned_seconds_key] =
          double(body ? c.requests.size() : 1) * options.number(c, "step_duration", s);
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    auto phase_with = [&](std::size_t i, std::string name) {
      auto phase = sdk::phase_for(c, std::move(name));
      phase.users = int(options.number(c, "users", s));
      phase.duration_s = options.number(c, "step_duration", s);
      phase.requests = {c.requests.at(i)};
      return phase;
    };
    if (!c.parameters.contains("sizes")) {  // a GET: how much comes back, how fast
      co_await sdk::run_phase(session, phase_with(0, "responses"), result);
      const auto& m = result.metrics;
      const double per =
          m.successful_requests ? double(m.bytes_received) / double(m.successful_requests) : 0;
      result.findings.push_back(
          cases::finding("response_bytes", per, "bytes", "average response size"));
      result.findings.push_back(
          cases::finding("mb_per_s", m.duration_s > 0 ? m.bytes_received / m.duration_s / 1e6 : 0,
                         "MB/s", "response bytes received per second"));
      cases::conclude_case(result);
      co_return result;
    }
    const auto sizes = options.list(c, "sizes", s);
    std::vector<sdk::Step> steps;
    for (std::size_t i = 0; i < sizes.size() && i < c.requests.size(); ++i)
      steps.push_back({sizes[i], "bodies of " + label(sizes[i]), phase_with(i, label(sizes[i]))});
    // Every size runs: a 413 is the server's limit, a finding, not a reason to stop.
    const auto outcome = co_await sdk::run_steps(
        session, std::move(steps), [](const sdk::StepMeasure&) { return std::nullopt; }, result);
    std::optional<double> rejected;
    double best_rate = 0;
    std::vector<std::pair<double, double>> p95_series, rate_series;
    for (const auto& step : outcome.steps) {
      const double size = step.load;
      const auto& m = step.metrics;
      const auto too_large = double(m.count_of_status(413));
      const double mb_per_s = m.duration_s > 0 ? double(m.bytes_sent) / m.duration_s / 1e6 : 0;
      const bool refused = m.total_requests && too_large / double(m.total_requests) > 0.5;
      if (refused)
        result.findings.push_back(cases::no_finding("mb_per_s_" + label(size), "MB/s",
                                                    label(size) + " bodies are refused with 413"));
      else
        result.findings.push_back(
            cases::finding("mb_per_s_" + label(size), mb_per_s, "MB/s",
                           "request bytes sent per second at " + label(size)));
      result.findings.push_back(cases::finding("p95_ms_" + label(size), m.percentile_ms(95), "ms",
                                               "p95 latency at " + label(size)));
      p95_series.emplace_back(size / 1024, m.percentile_ms(95));
      rate_series.emplace_back(size / 1024, mb_per_s);
      if (refused) {
        if (!rejected) rejected = double(c.requests[step.index].body.size());
      } else {
        best_rate = std::max(best_rate, mb_per_s);
      }
    }
    result.findings.push_back(cases::finding("mb_per_s", best_rate, "MB/s",
                                             "best request throughput of an accepted size"));
    if (rejected)
      result.findings.push_back(cases::finding("rejected_size_bytes", *rejected, "bytes",
                                               "smallest body answered 413 Payload Too Large"));
    else
      result.findings.push_back(
          cases::no_finding("rejected_size_bytes", "bytes", "no size was rejected with 413"));
    result.charts["latency_by_size"] = cases::chart(
        "Latency by payload size", "KB", "value", {{"p95 ms", p95_series}, {"MB/s", rate_series}});
    // 413s are the server's declared limit, not failures; judge the accepted sizes.
    const std::uint64_t other_failures =
        result.metrics.failed_requests - result.metrics.count_of_status(413);
    char text[200];
    if (result.metrics.total_requests == 0) {
      result.verdict = api::Verdict::error;
      result.reason = "no request was sent";
    } else if (100.0 * double(other_failures) / double(result.metrics.total_requests) >
               s.error_threshold_percent) {
      result.verdict = api::Verdict::failed;
      std::snprintf(text, sizeof text, "%llu requests failed other than 413",
                    static_cast<unsigned long long>(other_failures));
      result.reason = text;
    } else {
      result.verdict = api::Verdict::passed;
      result.reason = rejected ? "bodies from " + label(*rejected) + " are refused with 413"
                               : "every size accepted";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(
    VolumeTest, "volume_test", "1.0.0",
    "Request bodies of 1 KB to 1 MB from the schema: latency, MB/s, 413 limit",
    ::perf::api::trait_segments_divide)
