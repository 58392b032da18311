// database_test: for list operations with a size parameter (limit, per_page, page_size, ...) or
// an expansion parameter (expand, include, embed): latency against the number of items
// returned, a robust linear fit (Theil–Sen) giving per_item_ms, and n_plus_one_suspected when
// that cost is above a limit and the fit is good. Server-Timing (db;dur=) and X-Query-Count
// style headers are read and reported when present.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/cases/response_items.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cstdio>
#include <regex>

namespace {

using namespace perf;

std::optional<double> db_duration(const std::string& server_timing) {
  static const std::regex db(R"((?:^|,)\s*(?:db|database|sql)[^,]*?;\s*dur=([0-9.]+))");
  std::smatch m;
  if (!std::regex_search(server_timing, m, db)) return std::nullopt;
  // "dur=." or "dur=1.2.3" match the pattern but are no number: nothing, not an exception.
  const std::string text = m[1];
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const sdk::Options options{
    "database_test",
    {sdk::list_option("sizes", std::vector<double>{1, 5, 10, 20, 35, 50, 75, 100},
                      "page sizes to ask for (those above the parameter's maximum are left out)"),
     sdk::number_option("samples", 5, "requests per size (the median counts)"),
     sdk::number_option("per_item_limit_ms", 0.5, "extra latency per item that suggests N+1"),
     sdk::number_option("min_r_squared", 0.8, "how well a line must fit before it is trusted")}};

class DatabaseTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    return sdk::plan_per_operation(
        model, context, options,
        [](const api::Operation& op) { return "Per-item cost (N+1) of " + op.path; },
        sdk::get_only("lists"),
        [&](const api::Operation& op, api::TestCase& c) -> std::optional<std::string> {
          std::string size_param, expand_param, expand_value;
          double maximum = 100;
          for (const auto& p : op.parameters) {
            if (p.location != "query") continue;
            for (const char* n : {"limit", "per_page", "page_size", "pageSize", "_limit", "size",
                                  "count", "max_results"})
              if (p.name == n && size_param.empty()) {
                size_param = p.name;
                if (const auto* s = p.schema.if_object())
                  if (const auto* m = s->if_contains("maximum"); m && m->is_number())
                    maximum = m->to_number<double>();
              }
            for (const char* n :
                 {"expand", "include", "embed", "_embed", "_expand", "with", "populate"})
              if (p.name == n && expand_param.empty()) {
                expand_param = p.name;
                expand_value = cases::parameter_text(p.example);
              }
          }
          if (size_param.empty()) return "no size parameter to vary the number of items";
          c.requests = {context.requests.request_with(op, {})};
          boost::json::array sizes;
          for (const auto& n : c.parameters.at("sizes").as_array())
            if (n.to_number<double>() <= maximum) sizes.push_back(n);
          c.parameters["sizes"] = std::move(sizes);
          c.parameters["size_param"] = size_param;
          c.parameters["expand_param"] = expand_param;
          c.parameters["expand_value"] = expand_value;
          return std::nullopt;
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    const auto& p = c.parameters;
    const std::string size_param(p.at("size_param").as_string());
    const std::string expand_param =
        p.contains("expand_param") ? std::string(p.at("expand_param").as_string()) : "";
    const std::string expand_value =
        p.contains("expand_value") ? std::string(p.at("expand_value").as_string()) : "";
    const int samples = int(options.number(c, "samples", s));
    api::ProbeOptions probe;
    probe.capture_body_bytes = 8 << 20;
    std::vector<analysis::Point> latency, db_time, queries;
    const auto sizes = size_param.empty() ? std::vector<double>{} : options.list(c, "sizes", s);
    for (double n : sizes) {
      if (session.stop_requested()) break;
      auto request = c.requests.front();
      request.target = cases::with_query(request.target, size_param, std::to_string(int(n)));
      std::vector<double> ms, db, qc;
      std::size_t items = 0;
      for (int k = 0; k < samples; ++k) {
        const auto e = co_await session.send(request, probe);
        if (!e.ok() || e.status >= 400) continue;
        ms.push_back(e.timing.total_ms);
        items = cases::read_page(e).items.size();
        if (auto d = db_duration(e.header("Server-Timing"))) db.push_back(*d);
        for (const char* h : {"X-Query-Count", "X-DB-Query-Count", "X-Queries"})
          if (const auto count = cases::number_header(e, h)) qc.push_back(*count);
      }
      if (ms.empty() || items == 0) continue;
      latency.push_back({double(items), analysis::median(ms)});
      if (!db.empty()) db_time.push_back({double(items), analysis::median(db)});
      if (!qc.empty()) queries.push_back({double(items), analysis::median(qc)});
    }
    // Expansion (expand/include/embed): the same list with and without it.
    if (!expand_param.empty() && !expand_value.empty()) {
      auto plain = c.requests.front();
      plain.target = cases::without_query(plain.target, expand_param);
      if (!sizes.empty())  // at the largest size, where a per-item expansion costs most
        plain.target =
            cases::with_query(plain.target, size_param, std::to_string(int(sizes.back())));
      auto expanded = plain;
      expanded.target = cases::with_query(plain.target, expand_param, expand_value);
      std::vector<double> without_ms, with_ms;
      std::size_t items = 0;
      for (int k = 0; k < samples; ++k) {
        const auto a = co_await session.send(plain, probe);
        const auto b = co_await session.send(expanded, probe);
        if (a.ok() && a.status < 400) without_ms.push_back(a.timing.total_ms);
        if (b.ok() && b.status < 400) {
          with_ms.push_back(b.timing.total_ms);
          items = cases::read_page(b).items.size();
        }
      }
      if (!without_ms.empty() && !with_ms.empty()) {
        const double cost = analysis::median(with_ms) - analysis::median(without_ms);
        result.findings.push_back(
            cases::finding("expand_cost_ms", cost, "ms",
                           expand_param + "=" + expand_value + " over the plain list"));
        if (items)
          result.findings.push_back(cases::finding("expand_ms_per_item", cost / double(items), "ms",
                                                   "expansion cost per returned item"));
      }
    }
    if (size_param.empty()) {
      result.verdict = result.findings.empty() ? api::Verdict::warning : api::Verdict::passed;
      result.reason = result.findings.empty()
                          ? "cannot decide: the expansion requests failed"
                          : "expansion cost measured (no size parameter to fit)";
      co_return result;
    }
    const auto fit = analysis::theil_sen(latency);
    const auto ls = analysis::least_squares(latency);
    if (!fit || latency.size() < 3) {
      result.verdict = api::Verdict::warning;
      result.reason = "cannot decide: fewer than three sizes returned items (" +
                      std::to_string(latency.size()) + ")";
      co_return result;
    }
    const double limit = options.number(c, "per_item_limit_ms", s);
    const double r2 = ls ? ls->r_squared : 0;
    const bool good_fit = r2 >= options.number(c, "min_r_squared", s);
    const bool suspected = fit->slope > limit && good_fit;
    result.findings.push_back(cases::finding("per_item_ms", fit->slope, "ms",
                                             "extra latency per returned item (Theil–Sen)"));
    result.findings.push_back(
        cases::finding("fixed_ms", fit->intercept, "ms", "latency with no items"));
    result.findings.push_back(
        cases::finding("fit_r_squared", r2, "", "how well a line explains latency by items"));
    result.findings.push_back(cases::finding("n_plus_one_suspected", suspected ? 1 : 0, "",
                                             suspected ? "latency grows per item beyond the limit"
                                                       : "no per-item growth beyond the limit"));
    if (const auto db = analysis::theil_sen(db_time))
      result.findings.push_back(
          cases::finding("db_ms_per_item", db->slope, "ms", "Server-Timing db duration per item"));
    if (const auto q = analysis::theil_sen(queries))
      result.findings.push_back(
          cases::finding("queries_per_item", q->slope, "queries", "X-Query-Count growth per item"));
    std::vector<std::pair<double, double>> measured, model;
    for (const auto& q : latency) {
      measured.emplace_back(q.x, q.y);
      model.emplace_back(q.x, fit->intercept + fit->slope * q.x);
    }
    result.charts["latency_by_items"] = cases::chart("Latency by items returned", "items", "ms",
                                                     {{"measured", measured}, {"fit", model}});
    char reason[200];
    std::snprintf(reason, sizeof reason, "%.3f ms per item (limit %.2f), fit r² %.2f", fit->slope,
                  limit, r2);
    result.reason = std::string(suspected ? "N+1 suspected: " : "") + reason;
    result.verdict = suspected ? api::Verdict::failed : api::Verdict::passed;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(DatabaseTest, "database_test", "1.0.0",
                            "Latency against items returned: per-item cost and N+1 suspicion")
