// search_test: for operations with search, filter or sort parameters (q, query, search, filter,
// sort, fields, _sort, ...): queries of growing complexity built from the parameters' examples
// and enums and from words in the operation's own responses; latency per query shape, ranked;
// the slowest query.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/cases/response_items.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace {

using namespace perf;

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

const sdk::Options options{
    "search_test",
    {sdk::number_option("samples", 7, "requests per query shape (the median counts)"),
     sdk::number_option("max_terms", 4, "search terms in the longest query")}};

class SearchTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    return sdk::plan_per_operation(
        model, context, options,
        [](const api::Operation& op) { return "Search and filter cost of " + op.path; },
        sdk::get_only("searches"),
        [&](const api::Operation& op, api::TestCase& c) -> std::optional<std::string> {
          std::string text_param, sort_param;
          boost::json::array filters, words;
          for (const auto& p : op.parameters) {
            if (p.location != "query") continue;
            if (text_param.empty() &&
                one_of(p.name, {"q", "query", "search", "term", "keyword", "keywords", "text"})) {
              text_param = p.name;
              std::istringstream in(cases::parameter_text(p.example));
              for (std::string w; in >> w;) words.emplace_back(w);
            } else if (sort_param.empty() &&
                       one_of(p.name, {"sort", "_sort", "order_by", "orderBy", "sort_by"})) {
              sort_param = p.name;
            } else if (one_of(p.name, {"filter", "fields", "_fields", "where", "category", "status",
                                       "type"})) {
              filters.push_back(boost::json::object{{"name", p.name},
                                                    {"value", cases::parameter_text(p.example)}});
            }
          }
          if (text_param.empty() && sort_param.empty() && filters.empty())
            return "no search, filter or sort parameter";
          std::string sort_value = "id";
          for (const auto& p : op.parameters)
            if (p.name == sort_param && p.example.is_string())
              sort_value = std::string(p.example.get_string());
          c.requests = {context.requests.request_with(op, {})};
          c.parameters["text_param"] = text_param;
          c.parameters["sort_param"] = sort_param;
          c.parameters["sort_value"] = sort_value;
          c.parameters["filters"] = std::move(filters);
          c.parameters["words"] = std::move(words);
          return std::nullopt;
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    const auto& p = c.parameters;
    auto text = [&](const char* key) { return cases::config_text(p, key); };
    const std::string text_param = text("text_param"), sort_param = text("sort_param"),
                      sort_value = text("sort_value");
    const int samples = int(options.number(c, "samples", s));
    api::ProbeOptions probe;
    probe.capture_body_bytes = 1 << 20;
    // Words to search for: the examples first, then words found in the plain list.
    std::vector<std::string> words;
    if (const auto* w = p.if_contains("words"); w && w->is_array())
      for (const auto& x : w->as_array())
        if (x.is_string()) words.emplace_back(x.get_string());
    api::RequestSpec base = c.requests.front();
    for (const char* name : {"text_param", "sort_param"})
      if (!text(name).empty()) base.target = cases::without_query(base.target, text(name));
    const auto plain = co_await session.send(base, probe);
    if (!plain.ok() || plain.status >= 400) {
      result.verdict = api::Verdict::error;
      result.reason = "the operation without search parameters failed: " +
                      (plain.ok() ? "HTTP " + std::to_string(plain.status) : plain.error);
      co_return result;
    }
    // Words (letters only, 3 to 20 of them) from the string fields of the listed items.
    for (const auto& item : cases::read_page(plain).items)
      if (const auto* o = item.if_object())
        for (const auto& [k, v] : *o) {
          if (!v.is_string()) continue;
          std::istringstream in{std::string(v.get_string())};
          for (std::string w; in >> w && words.size() < 8;) {
            const bool letters =
                std::all_of(w.begin(), w.end(), [](unsigned char ch) { return std::isalpha(ch); });
            if (letters && w.size() >= 3 && w.size() <= 20 &&
                std::find(words.begin(), words.end(), w) == words.end())
              words.push_back(w);
          }
        }
    // Query shapes of growing complexity.
    std::vector<std::pair<std::string, std::string>> shapes = {{"no search", base.target}};
    const int max_terms = int(options.number(c, "max_terms", s));
    std::string terms;
    for (int n = 1; n <= max_terms && n <= int(words.size()) && !text_param.empty(); ++n) {
      terms += (terms.empty() ? "" : " ") + words[std::size_t(n - 1)];
      shapes.emplace_back(std::to_string(n) + (n == 1 ? " term" : " terms"),
                          cases::with_query(base.target, text_param, terms));
    }
    std::string combined = shapes.back().second;
    if (const auto* f = p.if_contains("filters"); f && f->is_array())
      for (const auto& filter : f->as_array()) {
        const auto& fo = filter.as_object();
        combined = cases::with_query(combined, std::string(fo.at("name").as_string()),
                                     std::string(fo.at("value").as_string()));
        shapes.emplace_back(shapes.back().first + " + filter", combined);
      }
    if (!sort_param.empty()) {
      combined = cases::with_query(combined, sort_param, sort_value);
      shapes.emplace_back(shapes.back().first + " + sort", combined);
    }
    std::vector<std::pair<double, std::string>> ranked;
    std::vector<std::pair<double, double>> series;
    int failures = 0;
    for (std::size_t i = 0; i < shapes.size() && !session.stop_requested(); ++i) {
      auto request = base;
      request.target = shapes[i].second;
      std::vector<double> ms;
      for (int k = 0; k < samples; ++k) {
        const auto e = co_await session.send(request, probe);
        if (!e.ok() || e.status >= 400) {
          ++failures;
          continue;
        }
        ms.push_back(e.timing.total_ms);
      }
      const double median = analysis::median(ms);
      ranked.emplace_back(median, shapes[i].first + ": " + shapes[i].second);
      series.emplace_back(double(i), median);
      result.findings.push_back(
          cases::finding("query_ms:" + shapes[i].first, median, "ms", shapes[i].second));
    }
    std::sort(ranked.rbegin(), ranked.rend());
    if (!ranked.empty()) {
      result.findings.push_back({"slowest_query", boost::json::string(ranked.front().second), "",
                                 "the query shape with the highest median latency"});
      result.findings.push_back(
          cases::finding("slowest_query_ms", ranked.front().first, "ms", "its median latency"));
      boost::json::array ranking;
      for (const auto& [ms, shape] : ranked)
        ranking.push_back(boost::json::object{{"query", shape}, {"median_ms", ms}});
      result.charts["query_shapes"] =
          cases::chart("Latency by query shape (in order of complexity)", "shape", "ms",
                       {{"median ms", series}});
      result.findings.push_back(
          {"ranking", boost::json::value(std::move(ranking)), "", "query shapes, slowest first"});
    }
    char reason[240];
    if (failures > 0) {
      result.verdict = api::Verdict::failed;
      std::snprintf(reason, sizeof reason, "%d search requests failed", failures);
    } else if (!ranked.empty() && ranked.front().first > s.response_threshold_ms) {
      result.verdict = api::Verdict::warning;
      std::snprintf(reason, sizeof reason, "slowest query %.1f ms is over %.0f ms: %s",
                    ranked.front().first, s.response_threshold_ms, ranked.front().second.c_str());
    } else {
      result.verdict = api::Verdict::passed;
      std::snprintf(reason, sizeof reason, "%zu query shapes; slowest %.1f ms", ranked.size(),
                    ranked.empty() ? 0.0 : ranked.front().first);
    }
    result.reason = reason;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(SearchTest, "search_test", "1.0.0",
                            "Latency by search query complexity, slowest query")
