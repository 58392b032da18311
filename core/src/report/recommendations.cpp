#include "perf/report/recommendations.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace perf::report {

namespace {

namespace json = boost::json;

std::optional<double> number(const api::CaseResult& c, std::string_view id) {
  for (const auto& f : c.findings)
    if (f.id == id && f.value.is_number()) return f.value.to_number<double>();
  return std::nullopt;
}

std::string text_of(const api::CaseResult& c, std::string_view id) {
  for (const auto& f : c.findings)
    if (f.id == id) return f.text;
  return {};
}

bool has_null(const api::CaseResult& c, std::string_view id) {
  for (const auto& f : c.findings)
    if (f.id == id) return f.value.is_null();
  return false;
}

std::string fixed(double v, int digits = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string where(const api::CaseResult& c) {
  return c.test_case.method + " " + c.test_case.endpoint;
}

struct Advice {
  std::string finding_id;
  std::string text;
  std::string evidence;
};

// The rules: each reads a case's findings and returns advice only when a finding calls for it.
std::vector<Advice> advice_for(const api::CaseResult& c) {
  std::vector<Advice> out;
  const std::string& type = c.test_case.test_type;
  if (type == "database_test" && number(c, "n_plus_one_suspected") == 1.0) {
    const auto per_item = number(c, "per_item_ms");
    out.push_back({"n_plus_one_suspected",
                   "N+1 suspected on " + where(c) + ": " +
                       (per_item ? fixed(*per_item, 2) + " ms per item" : "time grows per item") +
                       " — batch the item query or eager-load the related rows",
                   per_item ? "per_item_ms=" + fixed(*per_item, 3) : ""});
  }
  if (type == "rate_limit_test" && number(c, "first_429_after_requests") &&
      has_null(c, "retry_after_s"))
    out.push_back({"retry_after_s",
                   "429 without Retry-After on " + where(c) +
                       " — send Retry-After so that clients know when to come back",
                   "first 429 after " + fixed(*number(c, "first_429_after_requests"), 0) +
                       " requests, no Retry-After"});
  if (type == "rate_limit_test" && number(c, "first_429_after_requests") &&
      number(c, "ratelimit_headers") == 0.0)
    out.push_back({"ratelimit_headers",
                   "no RateLimit headers on " + where(c) +
                       " — send RateLimit/RateLimit-Policy (or X-RateLimit-*) so that clients "
                       "can pace themselves before a 429",
                   "429s seen, no rate-limit header"});
  if (type == "memory_leak_test" && number(c, "leak_suspected") == 1.0) {
    const auto slope = number(c, "memory_slope_mb_per_hour");
    out.push_back({"leak_suspected",
                   "memory of the target grows under load on " + where(c) +
                       " — look for caches, sessions or buffers that are never released",
                   slope ? "memory_slope_mb_per_hour=" + fixed(*slope) : ""});
  }
  // Only when the server gave validators and still answered in full: an endpoint with no
  // ETag or Last-Modified may not be meant to be cached at all.
  if (type == "caching_test" && number(c, "conditional_304") == 0.0 &&
      text_of(c, "conditional_304") == "validators sent, but no 304")
    out.push_back({"conditional_304",
                   where(c) + " sends ETag or Last-Modified but never answers 304 — answer "
                              "If-None-Match and If-Modified-Since with 304 Not Modified",
                   "conditional GET answered in full"});
  if (type == "pagination_test") {
    if (const auto slowdown = number(c, "deep_page_slowdown"); slowdown && *slowdown >= 2.0)
      out.push_back({"deep_page_slowdown",
                     "deep pages of " + where(c) + " are " + fixed(*slowdown) +
                         "x slower than the first — use keyset (cursor) pagination instead of "
                         "offsets",
                     "deep_page_slowdown=" + fixed(*slowdown, 2)});
    if (const auto duplicates = number(c, "duplicate_items"); duplicates && *duplicates > 0)
      out.push_back({"duplicate_items",
                     "pages of " + where(c) + " repeat items — order by a unique key",
                     fixed(*duplicates, 0) + " duplicate items"});
  }
  if (type == "timeout_test") {
    if (const auto gateway = number(c, "gateway_timeouts"); gateway && *gateway > 0)
      out.push_back({"gateway_timeouts",
                     "504s on " + where(c) +
                         " — the upstream is slower than the gateway's timeout: speed it up, "
                         "or raise the proxy's timeout to match it",
                     fixed(*gateway, 0) + " gateway timeouts"});
  }
  if (type == "stress_test") {
    if (const auto users = number(c, "breaking_point_users"))
      out.push_back({"breaking_point_users",
                     where(c) + " breaks at " + fixed(*users, 0) +
                         " users — keep expected peak concurrency below it or add capacity",
                     c.reason});
  }
  if (type == "spike_test") {
    if (const auto recovery = number(c, "recovery_time_s"); recovery && *recovery > 5)
      out.push_back({"recovery_time_s",
                     where(c) + " needs " + fixed(*recovery) +
                         " s to recover from a spike — add queueing or autoscaling headroom",
                     "recovery_time_s=" + fixed(*recovery)});
  }
  if (type == "connection_pool_test") {
    if (const auto limit = number(c, "max_connections"))
      out.push_back({"max_connections",
                     where(c) + " holds at most " + fixed(*limit, 0) +
                         " concurrent connections — raise the server's connection limit or pool "
                         "size if clients need more",
                     c.reason});
  }
  return out;
}

// A regression against the baseline (compare): "p95 regressed 15.0 % [12.1, 18.2]".
void comparison_advice(const json::object& comparison, std::vector<api::Recommendation>& out) {
  const auto* cases = comparison.if_contains("cases");
  if (!cases || !cases->is_array()) return;
  for (const auto& c : cases->as_array()) {
    const auto& o = c.as_object();
    const std::string id = o.contains("id") ? std::string(o.at("id").as_string()) : "";
    const auto* metrics = o.if_contains("metrics");
    if (!metrics || !metrics->is_array()) continue;
    for (const auto& m : metrics->as_array()) {
      const auto& mo = m.as_object();
      if (!mo.contains("verdict") || mo.at("verdict") != "regression") continue;
      auto num = [&](const char* key) {
        const auto* v = mo.if_contains(key);
        return v && v->is_number() ? v->to_number<double>() : std::nan("");
      };
      const std::string unit =
          mo.contains("change_unit") ? std::string(mo.at("change_unit").as_string()) : "%";
      const std::string metric = std::string(mo.at("metric").as_string());
      out.push_back(
          {id, "comparison",
           metric + " regressed " + fixed(num("change")) + " " + unit +
               " against the baseline — look at what changed between the two runs",
           "95 % interval [" + fixed(num("ci_low")) + ", " + fixed(num("ci_high")) + "] " + unit});
    }
  }
}

}  // namespace

std::vector<api::Recommendation> recommend(const std::vector<api::CaseResult>& cases,
                                           const json::object& comparison) {
  std::vector<api::Recommendation> failed, others;
  for (const auto& c : cases)
    for (auto& a : advice_for(c)) {
      auto& into = c.verdict == api::Verdict::failed ? failed : others;
      into.push_back(
          {c.test_case.id, std::move(a.finding_id), std::move(a.text), std::move(a.evidence)});
    }
  comparison_advice(comparison, failed);
  failed.insert(failed.end(), others.begin(), others.end());
  return failed;
}

}  // namespace perf::report
