#include "demo_routes.hpp"

#include "perf/monitor/process_stats.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace demo {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int total_items = 1000;
constexpr int shifting_items = 100;  // /shifting before its first request
const char* last_modified = "Mon, 15 Jan 2024 12:00:00 GMT";
const char* etag = "\"demo-v1\"";

asio::awaitable<void> work(double ms) {
  if (ms <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::microseconds(std::int64_t(ms * 1000)));
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

struct Target {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string param(std::string_view name, std::string fallback = "") const {
    for (const auto& [k, v] : query)
      if (k == name) return v;
    return fallback;
  }
  int int_param(std::string_view name, int fallback, int low, int high) const {
    try {
      const std::string v = param(name);
      return v.empty() ? fallback : std::clamp(std::stoi(v), low, high);
    } catch (...) {
      return fallback;
    }
  }
};

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+')
      out += ' ';
    else if (s[i] == '%' && i + 2 < s.size()) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else
      out += s[i];
  }
  return out;
}

Target parse_target(std::string_view t) {
  Target out;
  const auto q = t.find('?');
  out.path = std::string(t.substr(0, q));
  if (q == std::string_view::npos) return out;
  std::stringstream in{std::string(t.substr(q + 1))};
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    out.query.emplace_back(decode(pair.substr(0, eq)),
                           eq == std::string::npos ? "" : decode(pair.substr(eq + 1)));
  }
  return out;
}

Response make(const Request& req, http::status status, const json::value& body) {
  Response res{status, req.version()};
  res.set(http::field::server, "perf-demo-api");
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  res.keep_alive(req.keep_alive());
  return res;
}

json::object item(std::int64_t id) {
  return json::object{{"id", id}, {"name", "item-" + std::to_string(id)}, {"price", 10 + id % 90}};
}

}  // namespace

Routes::Routes(Options options)
    : options_(std::move(options)),
      tokens_(options_.rate_limit_burst),
      refilled_(Clock::now()),
      serialized_free_(Clock::now()) {}

std::size_t Routes::body_limit_for(std::string_view target) const {
  if (target.rfind("/upload/unlimited", 0) == 0) return 16 * 1024 * 1024;
  if (target.rfind("/upload", 0) == 0) return options_.body_limit;
  return 1024 * 1024;
}

asio::awaitable<Response> Routes::handle(const Request& req) {
  const Target t = parse_target(req.target());
  const auto& p = t.path;
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;

  if (get && (p == "/health" || p == "/fast"))
    co_return make(req, http::status::ok, {{"message", "fast"}});
  if (get && p == "/slow") {
    co_await work(options_.slow_ms);
    co_return make(req, http::status::ok, {{"message", "slow"}, {"delay_ms", options_.slow_ms}});
  }
  if (get && p == "/limited") {
    // Token bucket: `rate` tokens a second, at most `burst` saved up.
    double remaining = 0, wait_s = 0;
    bool allowed = false;
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      tokens_ = std::min(options_.rate_limit_burst,
                         tokens_ + std::chrono::duration<double>(now - refilled_).count() *
                                       options_.rate_limit_rps);
      refilled_ = now;
      if (tokens_ >= 1) {
        tokens_ -= 1;
        allowed = true;
      } else {
        wait_s = (1 - tokens_) / options_.rate_limit_rps;
      }
      remaining = std::floor(tokens_);
    }
    auto res = make(
        req, allowed ? http::status::ok : http::status::too_many_requests,
        allowed ? json::object{{"message", "ok"}} : json::object{{"error", "rate limit exceeded"}});
    const auto limit = std::to_string(int(options_.rate_limit_burst));
    const auto reset = std::to_string(int(std::ceil(allowed ? 1.0 : wait_s)));
    res.set("RateLimit-Limit", limit);
    res.set("RateLimit-Remaining", std::to_string(int(remaining)));
    res.set("RateLimit-Reset", reset);
    res.set("X-RateLimit-Limit", limit);
    res.set("X-RateLimit-Remaining", std::to_string(int(remaining)));
    res.set("X-RateLimit-Reset", reset);
    if (!allowed) res.set(http::field::retry_after, reset);
    co_return res;
  }
  if (get && (p == "/cached" || p == "/uncached" || p == "/cached/no-revalidation")) {
    const bool cacheable = p != "/uncached";
    const bool revalidates = p == "/cached";  // /cached/no-revalidation ignores If-None-Match
    if (revalidates) {
      const auto inm = req[http::field::if_none_match];
      const auto ims = req[http::field::if_modified_since];
      if ((!inm.empty() && inm == etag) || (inm.empty() && ims == last_modified)) {
        Response res{http::status::not_modified, req.version()};
        res.set(http::field::etag, etag);
        res.set(http::field::cache_control, "public, max-age=60");
        res.keep_alive(req.keep_alive());
        co_return res;
      }
    }
    co_await work(20);  // rendering the full representation costs time; a 304 does not
    json::array items;
    for (int i = 1; i <= 20; ++i) items.push_back(item(i));
    auto res = make(req, http::status::ok, {{"items", items}});
    if (cacheable) {
      res.set(http::field::etag, etag);
      if (revalidates) res.set(http::field::last_modified, last_modified);
      res.set(http::field::cache_control, "public, max-age=60");
    } else {
      res.set(http::field::cache_control, "no-store");
    }
    co_return res;
  }
  if (get && p == "/items") {
    const int limit = t.int_param("limit", 10, 1, 100);
    const int page = t.int_param("page", 1, 1, 100000);
    const int offset = (page - 1) * limit;
    // Offset paging: the store walks past every skipped row.
    co_await work(0.5 + offset * options_.page_cost_us_per_offset / 1000.0);
    json::array items;
    for (int id = offset + 1; id <= std::min(total_items, offset + limit); ++id)
      items.push_back(item(id));
    auto res = make(req, http::status::ok,
                    {{"items", items}, {"page", page}, {"limit", limit}, {"total", total_items}});
    if (offset + limit < total_items)
      res.set(http::field::link, "</items?page=" + std::to_string(page + 1) +
                                     "&limit=" + std::to_string(limit) + ">; rel=\"next\"");
    co_return res;
  }
  if (get && p == "/shifting") {
    // A feed, newest first, that gains an item with every request: offset pages shift while a
    // client walks them, so each page starts with the item that ended the one before (/items is
    // its stable twin).
    const int limit = t.int_param("limit", 10, 1, 100);
    const int page = t.int_param("page", 1, 1, 100000);
    const std::int64_t offset = std::int64_t(page - 1) * limit;
    const std::int64_t newest = shifting_items + ++shifting_added_;
    co_await work(0.5);
    json::array items;
    for (std::int64_t id = newest - offset; id > std::max<std::int64_t>(0, newest - offset - limit);
         --id)
      items.push_back(item(id));
    co_return make(req, http::status::ok,
                   {{"items", items}, {"page", page}, {"limit", limit}, {"total", newest}});
  }
  if (get && p.rfind("/items/", 0) == 0 && p != "/items/cursor") {
    // One item by id: real ids are 1..1000 (the plan's example id is not; --data supplies them).
    int id = 0;
    try {
      id = std::stoi(p.substr(7));
    } catch (...) {
    }
    if (id < 1 || id > total_items)
      co_return make(req, http::status::not_found,
                     {{"error", "no such item"}, {"id", p.substr(7)}});
    co_return make(req, http::status::ok, item(id));
  }
  if (get && p == "/secure") {
    // Accepts a bearer token, or an API key in the query (as the spec's apiKey scheme says).
    const bool bearer = req[http::field::authorization] == "Bearer demo-token";
    const bool key = t.param("api_key") == "demo-key";
    if (!bearer && !key) {
      auto res = make(req, http::status::unauthorized, {{"error", "credentials required"}});
      res.set(http::field::www_authenticate, "Bearer");
      co_return res;
    }
    co_return make(req, http::status::ok, {{"message", bearer ? "hello bearer" : "hello key"}});
  }
  if (req.method() == http::verb::post && p == "/login") {
    // A session token for a user with any non-empty password; /me wants it (a flow carries it).
    boost::system::error_code ec;
    const auto body = json::parse(req.body(), ec);
    const auto* o = ec ? nullptr : body.if_object();
    const auto* user = o ? o->if_contains("user") : nullptr;
    const auto* password = o ? o->if_contains("password") : nullptr;
    if (!user || !user->is_string() || !password || !password->is_string() ||
        password->get_string().empty())
      co_return make(req, http::status::bad_request,
                     {{"error", "give {\"user\": ..., \"password\": ...}"}});
    std::lock_guard lock(sessions_mutex_);
    const std::string token =
        "s" + std::to_string(++sessions_issued_) + "-" + std::string(user->get_string());
    sessions_.insert(token);
    session_order_.push_back(token);
    if (session_order_.size() > 100000) {
      sessions_.erase(session_order_.front());
      session_order_.pop_front();
    }
    co_return make(req, http::status::ok, {{"token", token}, {"user", user->get_string()}});
  }
  if (get && p == "/me") {
    // Only a token from POST /login: the static demo-token of /secure is not a session.
    const std::string auth(req[http::field::authorization]);
    const std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    bool known = false;
    {
      std::lock_guard lock(sessions_mutex_);
      known = sessions_.count(token) > 0;
    }
    if (!known) {
      auto res = make(req, http::status::unauthorized, {{"error", "log in first (POST /login)"}});
      res.set(http::field::www_authenticate, "Bearer");
      co_return res;
    }
    co_return make(req, http::status::ok, {{"user", token.substr(token.find('-') + 1)}});
  }
  if (get && p == "/items/cursor") {
    const int limit = t.int_param("limit", 10, 1, 100);
    const int after = t.int_param("cursor", 0, 0, total_items);
    co_await work(0.5);  // keyset paging: as cheap deep as shallow
    json::array items;
    for (int id = after + 1; id <= std::min(total_items, after + limit); ++id)
      items.push_back(item(id));
    const int last = std::min(total_items, after + limit);
    json::value next =
        last < total_items ? json::value(std::to_string(last)) : json::value(nullptr);
    auto res = make(req, http::status::ok, {{"items", items}, {"next_cursor", next}});
    if (last < total_items)
      res.set(http::field::link, "</items/cursor?cursor=" + std::to_string(last) +
                                     "&limit=" + std::to_string(limit) + ">; rel=\"next\"");
    co_return res;
  }
  if (get && (p == "/orders" || p == "/orders/flat")) {
    const int limit = t.int_param("limit", 10, 1, 100);
    const bool n_plus_one = p == "/orders";
    // N+1: one query for the list, then one per order; the flat twin joins in one query.
    const double db_ms = n_plus_one ? 1.0 + limit * options_.item_cost_ms : 2.0;
    co_await work(db_ms);
    json::array orders;
    for (int id = 1; id <= limit; ++id)
      orders.push_back(json::object{{"id", id}, {"customer", item(id)}});
    auto res = make(req, http::status::ok, {{"orders", orders}, {"limit", limit}});
    char timing[64];
    std::snprintf(timing, sizeof timing, "db;dur=%.1f", db_ms);
    res.set("Server-Timing", timing);
    res.set("X-Query-Count", std::to_string(n_plus_one ? limit + 1 : 1));
    co_return res;
  }
  if (get && p == "/search") {
    std::istringstream terms(t.param("q"));
    int complexity = 0;
    for (std::string w; terms >> w;) ++complexity;
    for (const auto& [k, v] : t.query)
      if (k == "filter" || k == "sort") complexity += 1 + int(std::count(v.begin(), v.end(), ','));
    co_await work(1.0 + complexity * options_.search_cost_ms);
    json::array hits;
    for (int i = 1; i <= 5; ++i) hits.push_back(item(i));
    co_return make(req, http::status::ok,
                   {{"query", t.param("q")}, {"complexity", complexity}, {"items", hits}});
  }
  if (req.method() == http::verb::post && (p == "/upload" || p == "/upload/unlimited"))
    co_return make(req, http::status::created, {{"received_bytes", req.body().size()}});
  if (get && p == "/leaky") {
    std::vector<char> kept(options_.leak_bytes, 'x');  // touched, so it counts in RSS
    std::size_t held = 0;
    {
      std::lock_guard lock(mutex_);
      if ((leaked_.size() + 1) * options_.leak_bytes <= options_.leak_cap_bytes)
        leaked_.push_back(std::move(kept));
      held = leaked_.size() * options_.leak_bytes;
    }
    co_return make(req, http::status::ok, {{"message", "remembered"}, {"held_bytes", held}});
  }
  if (get && (p == "/capacity" || p == "/capacity/unlimited")) {
    const bool limited = p == "/capacity";
    const int now_in_flight = ++capacity_in_flight_;
    if (limited && now_in_flight > options_.capacity) {
      --capacity_in_flight_;
      co_return make(req, http::status::service_unavailable, {{"error", "over capacity"}});
    }
    co_await work(options_.capacity_service_ms);
    --capacity_in_flight_;
    co_return make(req, http::status::ok, {{"message", "served"}});
  }
  if (get && (p == "/serialized" || p == "/parallel")) {
    auto done = Clock::now() +
                std::chrono::microseconds(std::int64_t(options_.serialized_service_ms * 1000));
    if (p == "/serialized") {
      // One at a time: each request waits for the one before it (a global lock).
      std::lock_guard lock(mutex_);
      const auto start = std::max(Clock::now(), serialized_free_);
      serialized_free_ =
          start + std::chrono::microseconds(std::int64_t(options_.serialized_service_ms * 1000));
      done = serialized_free_;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_at(done);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return make(req, http::status::ok, {{"message", "done"}});
  }
  if (get && p == "/metrics") {
    const auto stats = perf::monitor::read_own_stats();
    Response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    std::ostringstream body;
    body << "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "
         << std::int64_t(stats.rss_mb * 1024 * 1024)
         << "\n# TYPE process_cpu_seconds_total counter\n"
         << "process_cpu_seconds_total " << stats.cpu_seconds << "\n";
    res.body() = body.str();
    res.keep_alive(req.keep_alive());
    co_return res;
  }
  const bool known = p == "/upload" || p == "/upload/unlimited";
  co_return make(req, known ? http::status::method_not_allowed : http::status::not_found,
                 {{"error", known ? "method not allowed" : "not found"}, {"path", p}});
}

}  // namespace demo
