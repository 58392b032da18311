// caching_test: cold request, then warm repeats and conditional requests. Reads Cache-Control,
// ETag, Last-Modified, Age, Vary and X-Cache/X-Cache-Status; measures the hit ratio, whether
// If-None-Match / If-Modified-Since get a 304, and how much faster cached answers are; warns where
// no-store/private contradict what was observed.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace {

using namespace perf;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

bool is_hit(const api::Exchange& e) {
  const std::string x = lower(e.header("X-Cache-Status") + " " + e.header("X-Cache") + " " +
                              e.header("CF-Cache-Status"));
  if (x.find("hit") != std::string::npos) return true;
  const std::string age = e.header("Age");
  return !age.empty() && age != "0";
}

const sdk::Options options{
    "caching_test",
    {sdk::number_option("warm_requests", 20, "full requests repeated after the first")}};

class CachingTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    return sdk::plan_per_operation(
        model, context, options,
        [](const api::Operation& op) {
          return "Caching behaviour of " + op.method + " " + op.path;
        },
        [](const api::Operation& op) -> std::optional<std::string> {
          if (op.method == "GET" || op.method == "HEAD") return std::nullopt;
          return "only GET and HEAD responses are cacheable here";
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    auto result = sdk::start_result(c);
    api::ProbeOptions probe;
    probe.capture_body_bytes = 0;
    const auto cold = co_await session.send(c.requests.front(), probe);
    if (!cold.ok()) {
      sdk::decide(result, api::Verdict::error,
                  "request failed: " + cold.error + " " + cold.error_detail);
      co_return result;
    }
    const std::string cache_control = lower(cold.header("Cache-Control"));
    const std::string etag = cold.header("ETag"), last_modified = cold.header("Last-Modified");
    const bool no_store = cache_control.find("no-store") != std::string::npos;
    const bool is_private = cache_control.find("private") != std::string::npos;
    const bool cacheable =
        !no_store && (cache_control.find("max-age") != std::string::npos ||
                      cache_control.find("public") != std::string::npos || !etag.empty() ||
                      !last_modified.empty() || !cold.header("Expires").empty());
    // Warm repeats: full requests, as a client without its own cache sends them.
    const int warm = int(options.number(c, "warm_requests", session.settings()));
    int hits = 0;
    std::vector<double> full_ms, hit_ms;
    full_ms.push_back(cold.timing.total_ms);
    for (int i = 0; i < warm && !session.stop_requested(); ++i) {
      const auto e = co_await session.send(c.requests.front(), probe);
      if (!e.ok()) continue;
      if (is_hit(e)) {
        ++hits;
        hit_ms.push_back(e.timing.total_ms);
      } else {
        full_ms.push_back(e.timing.total_ms);
      }
    }
    // Conditional requests with the validators the server gave.
    std::optional<bool> etag_304, date_304;
    std::vector<double> not_modified_ms;
    if (!etag.empty()) {
      auto request = c.requests.front();
      request.headers.emplace_back("If-None-Match", etag);
      for (int i = 0; i < 5; ++i) {
        const auto e = co_await session.send(request, probe);
        etag_304 = e.status == 304;
        if (e.status == 304) not_modified_ms.push_back(e.timing.total_ms);
      }
    }
    if (!last_modified.empty()) {
      auto request = c.requests.front();
      request.headers.emplace_back("If-Modified-Since", last_modified);
      const auto e = co_await session.send(request, probe);
      date_304 = e.status == 304;
    }
    const bool conditional = etag_304.value_or(false) || date_304.value_or(false);
    const double hit_ratio = warm > 0 ? double(hits) / double(warm) : 0;
    result.findings.push_back({"cache_control", boost::json::string(cold.header("Cache-Control")),
                               "", "Cache-Control of the first response"});
    result.findings.push_back(cases::finding(
        "cacheable", cacheable ? 1 : 0, "",
        cacheable ? "the response may be stored by caches"
                  : (no_store ? "no-store: must not be cached" : "no caching headers")));
    result.findings.push_back(
        cases::finding("cache_hit_ratio", hit_ratio, "",
                       "warm repeats answered from a cache (X-Cache HIT or Age > 0)"));
    result.findings.push_back(
        cases::finding("conditional_304", conditional ? 1 : 0, "",
                       !etag.empty() || !last_modified.empty()
                           ? (conditional ? "validators honoured: 304 Not Modified"
                                          : "validators sent, but no 304")
                           : "no ETag or Last-Modified to revalidate with"));
    const double full = analysis::median(full_ms);
    const double cached =
        !hit_ms.empty() ? analysis::median(hit_ms) : analysis::median(not_modified_ms);
    if (cached > 0)
      result.findings.push_back(cases::finding("cached_speedup", full / cached, "x",
                                               !hit_ms.empty()
                                                   ? "full response time over cache-hit time"
                                                   : "full response time over 304 time"));
    else
      result.findings.push_back(
          cases::no_finding("cached_speedup", "x", "no cached answer to compare"));
    for (const char* h : {"Vary", "Age", "X-Cache", "X-Cache-Status"})
      if (!cold.header(h).empty())
        result.findings.push_back(
            {std::string("header_") + h, boost::json::string(cold.header(h)), "", "as first seen"});

    std::vector<std::string> problems;
    if ((no_store || is_private) && hits > 0)
      problems.push_back(std::string(no_store ? "no-store" : "private") +
                         " but answered from a shared cache");
    if (!no_store && (!etag.empty() || !last_modified.empty()) && !conditional)
      problems.push_back("ETag/Last-Modified given but conditional requests get no 304");
    char text[160];
    if (!problems.empty()) {
      result.verdict = api::Verdict::warning;
      result.reason = "";
      for (const auto& p : problems) result.reason += p + "; ";
    } else if (no_store) {
      result.verdict = api::Verdict::passed;
      result.reason = "not cacheable (no-store), and not cached";
    } else if (!cacheable) {
      result.verdict = api::Verdict::passed;
      result.reason = "no caching headers: responses are not cacheable";
    } else {
      result.verdict = api::Verdict::passed;
      std::snprintf(text, sizeof text, "cacheable; hit ratio %.2f, conditional 304 %s", hit_ratio,
                    conditional ? "yes" : "no");
      result.reason = text;
    }
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(CachingTest, "caching_test", "1.0.0",
                            "Cache headers, hit ratio, conditional 304s and cached speed-up")
