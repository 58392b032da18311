// volume_test: request bodies of 1 KB, 10 KB, 100 KB and 1 MB built from the operation's schema
// (valid JSON for it, grown to size): latency and MB/s by size, and the smallest size answered
// 413 (rejected_size_bytes). GET operations: the size and transfer rate of their responses.
#include "perf/api/plugin.hpp"
#include "perf/cases/case_builder.hpp"

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

class VolumeTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    api::PlanOutput out;
    const auto& s = context.settings;
    const auto& o = cases::options_for(s, "volume_test");
    const auto sizes = cases::number_list(o, "sizes", {1024, 10240, 102400, 1048576});
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
      c.performance_config = boost::json::object{
          {"concurrent_users", cases::config_number(o, "users", 2)},
          {"step_duration_seconds", cases::config_number(o, "step_duration", 5)},
          {"think_time", 0},
          {"timeout", s.timeout_s}};
      if (body) {
        // One request per size: the operation's request with its body grown to that size.
        const auto base = c.requests.front();
        c.requests.clear();
        for (double size : sizes) {
          auto r = base;
          r.body = context.requests.body_of_size(op, std::size_t(size));
          c.requests.push_back(std::move(r));
        }
        c.parameters = boost::json::object{{"sizes", cases::to_array(sizes)}};
      }
      out.cases.push_back(std::move(c));
    }
    return out;
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    api::CaseResult result;
    result.test_case = c;
    const auto sizes = cases::number_list(c.parameters, "sizes", {});
    const double step_s =
        s.scaled(cases::config_number(c.performance_config, "step_duration_seconds", 5));
    auto phase_for = [&](std::size_t i) {
      api::Phase phase;
      phase.users = int(cases::config_number(c.performance_config, "concurrent_users", 2));
      phase.duration_s = step_s;
      phase.timeout_s = cases::config_number(c.performance_config, "timeout", s.timeout_s);
      phase.requests = {c.requests.at(i)};
      phase.base_url = c.base_url;
      return phase;
    };
    if (sizes.empty()) {  // a GET: how much comes back, how fast
      auto phase = phase_for(0);
      phase.name = "responses";
      const auto measured = co_await session.load(std::move(phase));
      result.metrics = measured.metrics;
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
    std::optional<double> rejected;
    double best_rate = 0;
    std::vector<std::pair<double, double>> p95_series, rate_series;
    for (std::size_t i = 0; i < sizes.size() && i < c.requests.size() && !session.stop_requested();
         ++i) {
      const double size = sizes[i];
      session.progress("bodies of " + label(size));
      auto phase = phase_for(i);
      phase.name = label(size);
      const auto measured = co_await session.load(std::move(phase));
      const auto& m = measured.metrics;
      result.metrics.append(m);
      const auto too_large = m.status_codes.count(413) ? double(m.status_codes.at(413)) : 0.0;
      const double mb_per_s = m.duration_s > 0 ? double(m.bytes_sent) / m.duration_s / 1e6 : 0;
      const bool refused = m.total_requests && too_large / double(m.total_requests) > 0.5;
      if (refused)
        result.findings.push_back({"mb_per_s_" + label(size), nullptr, "MB/s",
                                   label(size) + " bodies are refused with 413"});
      else
        result.findings.push_back(
            cases::finding("mb_per_s_" + label(size), mb_per_s, "MB/s",
                           "request bytes sent per second at " + label(size)));
      result.findings.push_back(cases::finding("p95_ms_" + label(size), m.percentile_ms(95), "ms",
                                               "p95 latency at " + label(size)));
      p95_series.emplace_back(size / 1024, m.percentile_ms(95));
      rate_series.emplace_back(size / 1024, mb_per_s);
      if (refused) {
        if (!rejected) rejected = double(c.requests[i].body.size());
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
          {"rejected_size_bytes", nullptr, "bytes", "no size was rejected with 413"});
    result.charts["latency_by_size"] = cases::chart(
        "Latency by payload size", "KB", "value", {{"p95 ms", p95_series}, {"MB/s", rate_series}});
    result.interrupted = session.stop_requested();
    // 413s are the server's declared limit, not failures; judge the accepted sizes.
    std::uint64_t other_failures = result.metrics.failed_requests;
    if (result.metrics.status_codes.count(413))
      other_failures -= result.metrics.status_codes.at(413);
    char text[200];
    if (result.metrics.total_requests == 0) {
      result.verdict = "error";
      result.reason = "no request was sent";
    } else if (100.0 * double(other_failures) / double(result.metrics.total_requests) >
               s.error_threshold_percent) {
      result.verdict = "failed";
      std::snprintf(text, sizeof text, "%llu requests failed other than 413",
                    static_cast<unsigned long long>(other_failures));
      result.reason = text;
    } else {
      result.verdict = "passed";
      result.reason = rejected ? "bodies from " + label(*rejected) + " are refused with 413"
                               : "every size accepted";
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    VolumeTest, "volume_test", "1.0.0",
    "Request bodies of 1 KB to 1 MB from the schema: latency, MB/s, 413 limit")
