#include "perf/run/runner.hpp"

#include "perf/report/recommendations.hpp"
#include "perf/util/sha256.hpp"

#include <boost/json/serialize.hpp>

#include "perf/engine/load_engine.hpp"
#include "perf/exec/executor.hpp"
#include "perf/http/h2_connection.hpp"
#include "perf/http/url.hpp"
#include "perf/monitor/resource_monitor.hpp"
#include "perf/run/case_session.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/run_thresholds.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/resource.h>

#include <set>

namespace perf::run {

namespace asio = boost::asio;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool cannot_connect(const api::Exchange& e) {
  return e.error == api::error_kind::connect_refused ||
         e.error == api::error_kind::connect_timeout || e.error == api::error_kind::dns ||
         e.error == api::error_kind::tls;
}

// The pre-flight over HTTP/2 when the load will be HTTP/2: a server that speaks only h2 (gRPC
// servers insist on ALPN "h2") must not be judged by an HTTP/1.1 request.
asio::awaitable<api::Exchange> preflight_h2(asio::io_context& context, const std::string& base_url,
                                            api::RequestSpec request, const RunOptions& options,
                                            double timeout_s, StopSignal& stop) {
  const auto target = http::Target::make(base_url, options.tls);
  options.decoration.apply(request);
  const auto prepared = http::H2Request::make(request, target->url);
  http::H2Connection connection(context.get_executor(), target, 1);
  const auto deadline = http::Clock::now() + std::chrono::duration_cast<http::Clock::duration>(
                                                 std::chrono::duration<double>(timeout_s));
  auto alive = std::make_shared<bool>(true);
  asio::steady_timer guard(context, deadline);
  guard.async_wait([c = &connection, alive](boost::system::error_code ec) {
    if (!ec && *alive) c->sweep(http::Clock::now());
  });
  StopCallback wake(&stop, [&context, alive, c = &connection] {
    asio::post(context, [alive, c] {
      if (*alive) c->abort(false);
    });
  });
  http::Outcome outcome;
  co_await connection.exchange(prepared, outcome, deadline);
  *alive = false;
  guard.cancel();
  api::Exchange exchange;
  exchange.status = outcome.status;
  if (outcome.error != http::ErrorKind::none) {
    exchange.error = std::string(http::to_string(outcome.error));
    exchange.error_detail = outcome.cause ? outcome.cause.message() : "";
  }
  co_return exchange;
}

}  // namespace

void resolve_targets(plan::Plan& plan, const std::string& target, bool quick) {
  std::set<std::string> checked;
  for (auto& c : plan.test_cases) {
    if (!quick && !target.empty() && c.base_url.rfind(target, 0) != 0) {
      const bool relative = c.base_url.empty() || c.base_url.front() == '/';
      c.base_url = relative ? target + c.base_url : target;
    }
    if (c.base_url.empty())
      throw UserError("no target URL for " + c.id +
                      ": the spec has no absolute server URL; give --target URL");
    if (checked.insert(c.base_url).second) http::parse_url(c.base_url);
  }
}

void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

Runner::Runner(plan::Plan plan, std::map<std::string, std::shared_ptr<api::TestType>> test_types,
               RunOptions options)
    : plan_(std::move(plan)), test_types_(std::move(test_types)), options_(std::move(options)) {
  for (const auto& c : plan_.test_cases)
    if (!test_types_.count(c.test_type))
      throw UserError("the plan uses test type '" + c.test_type + "', which no plugin provides");
  resolve_targets(plan_, options_.settings.target, options_.quick);
  verdict::validate_case_thresholds(plan_.test_cases);
  if (options_.test_ids.empty())
    for (const auto& [id, t] : test_types_) options_.test_ids.push_back(id);
  raise_open_file_limit();
  executor_ = std::make_unique<exec::Executor>(options_.settings.threads);
}

Runner::~Runner() {
  executor_->stop();
}

asio::io_context& Runner::control() {
  return executor_->control();
}

bool Runner::stop(std::string reason) {
  if (!stop_.request(reason)) return false;
  asio::post(control(), [this, reason] { bus_.progress(reason); });
  return true;
}

bool Runner::runs_in_this_segment(const api::TestCase& c) const {
  const auto& segment = options_.segment;
  return segment.whole() || segment.index == 0 ||
         options_.segment_dividing_types.count(c.test_type) > 0;
}

void Runner::wait_for_start() {
  if (!options_.start_at) return;
  const auto late = std::chrono::system_clock::now() - *options_.start_at;
  if (late >= std::chrono::system_clock::duration::zero()) {
    late_start_s_ = std::chrono::duration<double>(late).count();
    const std::string text = "started " + std::to_string(late_start_s_) + " s after --start-at";
    asio::post(control(), [this, text] { bus_.progress(text); });
    return;
  }
  // Sleep on the control context: a stop request (Ctrl-C) ends the wait.
  auto timer = std::make_shared<asio::steady_timer>(control());
  timer->expires_after(-late);
  run::StopCallback wake(&stop_,
                         [timer, this] { asio::post(control(), [timer] { timer->cancel(); }); });
  asio::co_spawn(
      control(),
      [timer]() -> asio::awaitable<void> {
        boost::system::error_code ec;
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      },
      asio::use_future)
      .get();
}

std::variant<api::RunSummary, Unreachable> Runner::run() {
  const auto& settings = options_.settings;
  engine::EngineOptions engine_options;
  engine_options.timeout_s = settings.timeout_s;
  engine_options.max_connections = settings.max_connections;
  engine_options.tls = options_.tls;
  engine_options.arrivals = options_.arrivals;
  engine_options.arrival_seed = settings.seed;
  engine_options.http2 = options_.http2;
  engine_options.streams = options_.streams;
  engine_options.segment = options_.segment;
  engine_options.default_base_url = settings.target;
  engine::LoadEngine engine(*executor_, engine_options);
  std::unique_ptr<monitor::ResourceMonitor> monitor;
  if (options_.target_pid || !options_.target_metrics.empty()) {
    monitor = std::make_unique<monitor::ResourceMonitor>(
        control().get_executor(),
        monitor::MonitorOptions{options_.target_pid, options_.target_metrics, 1.0});
    monitor->start();
  }
  RunContext context{*executor_, engine, bus_, settings, stop_, monitor.get(), options_.decoration};
  auto abort_watch = std::make_shared<verdict::AbortWatch>(
      options_.thresholds,
      [this](const std::string& reason) { return stop("stopping: " + reason); });
  const int abort_id = abort_watch->any() ? bus_.subscribe(abort_watch) : 0;

  api::RunSummary summary;
  summary.info.tool = options_.tool;
  summary.info.target = !settings.target.empty()   ? settings.target
                        : plan_.test_cases.empty() ? ""
                                                   : plan_.test_cases.front().base_url;
  summary.info.spec = !options_.spec.empty() ? options_.spec : plan_.spec;
  summary.info.test_types = options_.test_ids;
  summary.info.planned_cases = plan_.test_cases.size();
  summary.info.started_unix_ms = now_ms();
  const auto& segment = options_.segment;
  if (!segment.whole()) {
    summary.info.segment.index = int(segment.index);
    summary.info.segment.count = int(segment.count);
    // The plan as every segment runs it: the same spec, options and data give the same hash
    // (when the plan was made is not part of it).
    auto plan_json = plan::to_json(plan_);
    plan_json.erase("created_at");
    summary.info.segment.plan_sha256 = util::sha256_hex(boost::json::serialize(plan_json));
  }
  if (!plan_.note.empty()) summary.plan_notes.push_back(plan_.note);
  for (const auto& s : plan_.skipped)
    summary.plan_notes.push_back((s.test_type.empty() ? "" : s.test_type + ": ") +
                                 (s.method.empty() && s.path.empty()
                                      ? ""
                                      : (s.method.empty() ? "" : s.method + " ") + s.path + ": ") +
                                 s.reason);

  // Pre-flight: one request to each distinct base URL. A target that cannot be reached at all
  // ends the run at once (exit 3) instead of after every planned minute of errors.
  std::optional<Unreachable> unreachable;
  auto preflight = [&]() -> asio::awaitable<void> {
    std::set<std::string> seen;
    for (const auto& c : plan_.test_cases) {
      if (!seen.insert(c.base_url).second) continue;
      CaseSession session(context, "preflight", c.base_url);
      api::ProbeOptions probe;
      probe.timeout_s = std::min(settings.timeout_s, 10.0);
      probe.capture_body_bytes = 0;
      api::Exchange exchange;
      if (options_.http2)
        exchange = co_await preflight_h2(control(), c.base_url, c.requests.front(), options_,
                                         probe.timeout_s, stop_);
      else
        exchange = co_await session.send(c.requests.front(), probe);
      if (cannot_connect(exchange)) {
        unreachable =
            Unreachable{c.base_url + " is unreachable (" + exchange.error +
                        (exchange.error_detail.empty() ? "" : ": " + exchange.error_detail) + ")"};
        co_return;
      }
    }
  };
  asio::co_spawn(control(), preflight(), asio::use_future).get();
  if (unreachable) {
    if (abort_id) bus_.unsubscribe(abort_id);
    return *unreachable;
  }

  wait_for_start();
  summary.info.segment.late_start_s = late_start_s_;

  // Events go out from the control thread only.
  auto on_control = [this](auto&& f) {
    asio::co_spawn(
        control(),
        [&]() -> asio::awaitable<void> {
          f();
          co_return;
        },
        asio::use_future)
        .get();
  };
  on_control([&] { bus_.run_started(summary.info); });

  auto run_all = [&]() -> asio::awaitable<void> {
    std::size_t index = 0;
    for (const auto& c : plan_.test_cases) {
      ++index;
      if (stop_.requested()) break;
      if (!runs_in_this_segment(c)) {
        summary.plan_notes.push_back(c.id +
                                     ": runs in segment 0 only (its probes do not "
                                     "divide across segments)");
        continue;
      }
      bus_.case_started(c, index, plan_.test_cases.size());
      CaseSession session(context, c.id, c.base_url);
      const std::int64_t case_started_ms = now_ms();
      api::CaseResult result;
      try {
        result = co_await test_types_.at(c.test_type)->run(c, session);
      } catch (const std::exception& e) {
        result = api::CaseResult{};
        result.verdict = api::Verdict::error;
        result.reason = e.what();
      }
      result.test_case = c;
      result.interrupted = result.interrupted || stop_.requested();
      // Probes count too. A case made only of probes takes its wall time as its duration.
      const auto& probes = session.probe_metrics();
      if (probes.total_requests > 0) {
        result.metrics.add_counts(probes);
        if (result.metrics.duration_s == 0) {
          result.metrics.duration_s = double(now_ms() - case_started_ms) / 1000.0;
          result.metrics.start_unix_ms = case_started_ms;
          result.metrics.end_unix_ms = now_ms();
        }
      }
      verdict::apply_case_thresholds(result);
      if (!options_.segment.whole() && result.metrics.total_requests == 0 && !result.interrupted &&
          result.verdict == api::Verdict::error) {
        // 1 user over 2 segments runs 1 + 0: the empty share is not an error of the run.
        result.verdict = api::Verdict::warning;
        result.reason = "segment " + std::to_string(options_.segment.index) + "/" +
                        std::to_string(options_.segment.count) +
                        " has no share of this case (fewer users, arrivals or iterations than "
                        "segments): the other segments ran it, and merge judges the whole";
      }
      bus_.case_done(result);
      summary.cases.push_back(std::move(result));
    }
  };
  asio::co_spawn(control(), run_all(), asio::use_future).get();
  if (monitor) monitor->stop();

  summary.finished_unix_ms = now_ms();
  const auto aborted_by = abort_watch->reason();
  summary.interrupted = stop_.requested() && !aborted_by;
  summary.failed_thresholds = verdict::evaluate_run_thresholds(options_.thresholds, summary.cases);
  if (aborted_by) summary.failed_thresholds.insert(summary.failed_thresholds.begin(), *aborted_by);
  // Before the reporters write: every report carries the comparison, and a regression beyond
  // --max-change fails the run as a threshold would.
  if (options_.baseline) {
    auto outcome = compare::compare_with_baseline(*options_.baseline, summary);
    summary.comparison = std::move(outcome.comparison);
    for (auto& line : outcome.exceeded)
      summary.failed_thresholds.push_back("regression against the baseline: " + line);
  }
  summary = finish(std::move(summary));
  summary.recommendations = report::recommend(summary.cases, summary.comparison);
  on_control([&] { bus_.run_finished(summary); });
  if (abort_id) bus_.unsubscribe(abort_id);
  return summary;
}

// The verdict and exit code (DESIGN §6): 130 interrupted, 3 when no request got any answer,
// 1 when a case or a threshold failed, else 0.
api::RunSummary Runner::finish(api::RunSummary summary) {
  std::uint64_t requests = 0, responses = 0;
  bool any_failed = !summary.failed_thresholds.empty();
  for (const auto& c : summary.cases) {
    requests += c.metrics.total_requests;
    for (const auto& [code, n] : c.metrics.status_codes) responses += n;
    any_failed |= c.verdict == api::Verdict::failed || c.verdict == api::Verdict::error;
  }
  summary.verdict = any_failed || summary.interrupted ? "failed" : "passed";
  if (summary.interrupted)
    summary.exit_code = 130;
  else if (requests > 0 && responses == 0)
    summary.exit_code = 3;
  else
    summary.exit_code = any_failed ? 1 : 0;
  return summary;
}

}  // namespace perf::run
