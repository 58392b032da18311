// pagination_test: for list operations with paging parameters (page/per_page, limit/offset,
// cursor/after, _page/_limit, _start/_end, page[number]/page[size]) or cursor links: latency of
// the first page against a deep one, the cost of bigger pages, and a walk over consecutive pages
// of a stable list counting duplicate and missing items.
#include "perf/analysis/fits.hpp"
#include "perf/api/test_type_plugin.hpp"
#include "perf/cases/case_builder.hpp"
#include "perf/cases/response_items.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/planning.hpp"
#include "perf/sdk/steps.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <set>

namespace {

using namespace perf;

std::string find_param(const api::Operation& op, std::initializer_list<const char*> names) {
  for (const char* n : names)
    for (const auto& p : op.parameters)
      if (p.location == "query" && p.name == n) return p.name;
  return "";
}

const sdk::Options options{
    "pagination_test",
    {sdk::number_option("page_size", 10, "items per page of the walk"),
     sdk::number_option("large_page_size", 100, "the large page compared with page_size"),
     sdk::number_option("max_pages", 50, "pages walked at most"),
     sdk::number_option("deep_page", 100, "the deep page compared with the first"),
     sdk::number_option("samples", 7, "requests per timed page (the median counts)"),
     sdk::number_option("max_slowdown", 3, "deep page over first page latency that warns")}};

class PaginationTest final : public api::TestType {
 public:
  api::PlanOutput plan(const api::ApiModel& model, const api::PlanContext& context) const override {
    return sdk::plan_per_operation(
        model, context, options,
        [](const api::Operation& op) { return "Pagination of " + op.path; }, sdk::get_only("lists"),
        [&](const api::Operation& op, api::TestCase& c) -> std::optional<std::string> {
          const std::string page =
              find_param(op, {"page", "_page", "page[number]", "pageNumber", "page_number"});
          const std::string offset = find_param(op, {"offset", "_start", "start", "skip"});
          const std::string cursor = find_param(
              op, {"cursor", "after", "page_token", "pageToken", "starting_after", "next"});
          const std::string size = find_param(op, {"per_page", "limit", "_limit", "page_size",
                                                   "pageSize", "size", "page[size]", "count"});
          if (page.empty() && offset.empty() && cursor.empty())
            return "no page, offset or cursor parameter";
          c.requests = {context.requests.request_with(op, {})};
          c.parameters["kind"] = !cursor.empty() ? "cursor" : !page.empty() ? "page" : "offset";
          c.parameters["page_param"] = page;
          c.parameters["offset_param"] = offset;
          c.parameters["cursor_param"] = cursor;
          c.parameters["size_param"] = size;
          return std::nullopt;
        });
  }

  boost::asio::awaitable<api::CaseResult> run(api::TestCase c, api::Session& session) override {
    const auto& s = session.settings();
    auto result = sdk::start_result(c);
    const auto& p = c.parameters;
    auto text = [&](const char* key) { return cases::config_text(p, key); };
    const std::string kind = text("kind"), page_param = text("page_param"),
                      offset_param = text("offset_param"), cursor_param = text("cursor_param"),
                      size_param = text("size_param");
    const int size = int(options.number(c, "page_size", s));
    const int samples = int(options.number(c, "samples", s));
    api::ProbeOptions probe;
    probe.capture_body_bytes = 8 << 20;
    auto target_for = [&](int page_number, int page_size) {
      std::string t = c.requests.front().target;
      if (!cursor_param.empty()) t = cases::without_query(t, cursor_param);
      if (!size_param.empty()) t = cases::with_query(t, size_param, std::to_string(page_size));
      if (!page_param.empty())
        t = cases::with_query(t, page_param, std::to_string(page_number));
      else if (!offset_param.empty())
        t = cases::with_query(t, offset_param, std::to_string((page_number - 1) * page_size));
      return t;
    };
    auto timed =
        [&](std::string target) -> boost::asio::awaitable<std::pair<double, api::Exchange>> {
      auto request = c.requests.front();
      request.target = std::move(target);
      std::vector<double> ms;
      api::Exchange last;
      for (int i = 0; i < samples; ++i) {
        last = co_await session.send(request, probe);
        if (!last.ok()) break;
        ms.push_back(last.timing.total_ms);
      }
      co_return std::make_pair(analysis::median(ms), last);
    };

    // 1. The walk: consecutive pages of a stable list.
    std::set<std::string> seen;
    int duplicates = 0, missing = 0, pages = 0;
    std::size_t items_seen = 0;
    std::uint64_t bytes = 0;
    std::optional<double> total;
    auto request = c.requests.front();
    request.target = target_for(1, size);
    const int max_pages = int(options.number(c, "max_pages", s));
    bool reached_end = false;
    for (; pages < max_pages && !session.stop_requested(); ++pages) {
      const auto e = co_await session.send(request, probe);
      if (!e.ok() || e.status >= 400) {
        result.verdict = api::Verdict::error;
        result.reason = "page " + std::to_string(pages + 1) +
                        " failed: " + (e.ok() ? "HTTP " + std::to_string(e.status) : e.error);
        co_return result;
      }
      const auto page = cases::read_page(e);
      if (!page.parsed) {
        result.verdict = api::Verdict::warning;
        result.reason = "cannot decide: the list response is not JSON";
        co_return result;
      }
      if (page.total) total = page.total;
      bytes += e.body_bytes;
      for (const auto& item : page.items) {
        ++items_seen;
        if (!seen.insert(cases::item_key(item)).second) ++duplicates;
      }
      const bool last = page.items.empty() || (kind != "cursor" && int(page.items.size()) < size) ||
                        (total && double(items_seen) >= *total);
      if (!last && kind != "cursor" && int(page.items.size()) < size)
        missing += size - int(page.items.size());
      if (last) {
        reached_end = true;
        ++pages;
        break;
      }
      // Next page: a Link rel="next" wins, then a cursor from the body, then the next number.
      if (page.next_link)
        request.target = *page.next_link;
      else if (kind == "cursor" && page.next_cursor && !cursor_param.empty())
        request.target = cases::with_query(request.target, cursor_param, *page.next_cursor);
      else if (kind == "cursor") {
        reached_end = true;
        ++pages;
        break;
      } else
        request.target = target_for(pages + 2, size);
    }
    if (total && reached_end) missing = std::max(missing, int(*total) - int(seen.size()));
    result.findings.push_back(
        cases::finding("pages_walked", pages, "pages",
                       reached_end ? "walked to the end of the list" : "stopped at max_pages"));
    result.findings.push_back(
        cases::finding("duplicate_items", duplicates, "items", "items seen on more than one page"));
    result.findings.push_back(cases::finding(
        "missing_items", missing, "items",
        total ? "items the total promised but no page returned" : "gaps in full pages"));
    if (items_seen)
      result.findings.push_back(cases::finding("bytes_per_item", double(bytes) / double(items_seen),
                                               "bytes", "response bytes per item"));

    // 2. First page against a deep one (page and offset paging: deep pages are addressable).
    std::optional<double> slowdown;
    if (kind != "cursor") {
      int deep = int(options.number(c, "deep_page", s));
      if (total) deep = std::max(1, std::min(deep, int(*total / size)));
      const auto [first_ms, first] = co_await timed(target_for(1, size));
      const auto [deep_ms, deep_e] = co_await timed(target_for(deep, size));
      if (first_ms > 0 && deep_ms > 0) {
        slowdown = deep_ms / first_ms;
        result.findings.push_back(
            cases::finding("first_page_ms", first_ms, "ms", "median latency of page 1"));
        result.findings.push_back(cases::finding("deep_page_ms", deep_ms, "ms",
                                                 "median latency of page " + std::to_string(deep)));
        result.findings.push_back(cases::finding("deep_page_slowdown", *slowdown, "x",
                                                 "deep page latency over first page latency"));
      }
    } else {
      result.findings.push_back(cases::no_finding(
          "deep_page_slowdown", "x", "cursor paging: deep pages are reached only by walking"));
    }
    // 3. Page size: small against large pages.
    if (!size_param.empty()) {
      const int large = int(options.number(c, "large_page_size", s));
      const auto [small_ms, small_e] = co_await timed(target_for(1, size));
      const auto [large_ms, l_e] = co_await timed(target_for(1, large));
      result.findings.push_back(cases::finding("page_size_" + std::to_string(size) + "_ms",
                                               small_ms, "ms", "median latency"));
      result.findings.push_back(cases::finding("page_size_" + std::to_string(large) + "_ms",
                                               large_ms, "ms", "median latency"));
    }
    char reason[200];
    const double max_slowdown = options.number(c, "max_slowdown", s);
    if (duplicates || missing) {
      result.verdict = api::Verdict::failed;
      std::snprintf(reason, sizeof reason,
                    "inconsistent pages: %d duplicate and %d missing items over %d pages",
                    duplicates, missing, pages);
    } else if (slowdown && *slowdown > max_slowdown) {
      result.verdict = api::Verdict::warning;
      std::snprintf(reason, sizeof reason,
                    "deep pages are %.1fx slower than the first (limit %.1fx)", *slowdown,
                    max_slowdown);
    } else {
      result.verdict = api::Verdict::passed;
      std::snprintf(
          reason, sizeof reason, "%d pages, no duplicates or gaps%s", pages,
          slowdown ? (", deep page " + std::to_string(*slowdown).substr(0, 4) + "x").c_str() : "");
    }
    result.reason = reason;
    co_return result;
  }
};

}  // namespace

PERF_AGENT_TEST_TYPE_PLUGIN(
    PaginationTest, "pagination_test", "1.0.0",
    "Deep-page latency, page-size cost, duplicate and missing items across pages")
