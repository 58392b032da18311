#include "perf/engine/load_engine.hpp"

#include "flow_user.hpp"
#include "perf/engine/arrivals.hpp"
#include "perf/engine/recorder.hpp"
#include "perf/engine/schedule.hpp"
#include "perf/engine/wait_group.hpp"
#include "perf/http/connection.hpp"
#include "perf/http/h2_connection.hpp"
#include "perf/monitor/process_stats.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <type_traits>

namespace perf::engine {

namespace asio = boost::asio;
using http::Clock;

namespace {

std::uint64_t micros(Clock::duration d) {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}
Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}
std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Worker;

// Everything the threads of one phase share. Written before the workers start, then read-only,
// except the atomics and what the mutex guards.
struct PhaseRun {
  api::Phase phase;
  std::shared_ptr<const http::Target> target;
  std::vector<http::PreparedRequest> requests;
  std::vector<http::H2Request> h2_requests;  // the same requests in HTTP/2 form (--http2)
  std::uint32_t streams = 0;                 // streams per HTTP/2 connection; 0: HTTP/1.1
  Schedule schedule;
  ArrivalProcess arrivals = ArrivalProcess::uniform;  // open model
  std::uint64_t arrival_seed = 1;
  Segment segment;
  double planned_s = 0;  // how long the schedule runs (0: until the iterations are done)
  Clock::duration timeout{};
  Clock::time_point start;
  Clock::time_point end;  // the schedule's end; max() for iteration runs
  PhaseHooks hooks;
  std::atomic<bool> stopping{false};  // no new requests from now on
  std::atomic<std::int64_t> iterations_left{0};
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<FlowPlan> flows;  // set when users run flows instead of requests
  FlowTotals flow_totals;           // guarded by mutex

  // Interval harvest (once per interval, never on the request path).
  std::mutex mutex;
  api::Metrics totals;
  api::Metrics interval;
  double interval_users = 0;
  double last_harvest_s = 0;

  bool interrupted() const { return hooks.stop && hooks.stop->requested(); }
  bool should_stop(Clock::time_point now) const {
    return stopping.load(std::memory_order_relaxed) || now >= end || interrupted();
  }
  double elapsed_s(Clock::time_point now) const {
    return std::chrono::duration<double>(now - start).count();
  }
};

// One thread's share of a phase: its users or arrivals, its connections and its recorder.
class Worker {
 public:
  Worker(PhaseRun& run, asio::io_context& context, std::size_t index, std::size_t workers)
      : run_(run), context_(context), index_(index), workers_(workers) {}

  asio::awaitable<void> run() {
    WaitGroup sweeper(context_.get_executor());
    sweeper.add();
    asio::co_spawn(context_, sweep(), [&sweeper](std::exception_ptr) { sweeper.done(); });
    if (run_.phase.model == api::LoadModel::closed)
      co_await run_closed();
    else
      co_await run_open();
    finished_ = true;
    sweeper_timer_.cancel();
    co_await sweeper.wait();
    for (auto& c : connections_) c->close();
    for (auto& c : h2_connections_) c->close();
  }

  asio::io_context& context() { return context_; }

  // On a stop request (posted to this worker's context): every sleeping user and arrival loop
  // wakes now, and exchanges under way are aborted (not counted), instead of anyone polling.
  void wake_for_stop() {
    for (auto* timer : timers_) timer->cancel();
    sweeper_timer_.cancel();
    for (auto& c : connections_)
      if (c->busy()) c->abort(false);
    for (auto& c : h2_connections_)
      if (c->busy()) c->abort(false);
  }

  Recorder recorder;
  double active = 0;  // users running now (closed) or requests in flight (open)
  std::unique_ptr<FlowRecorder> flow_recorder;  // per step and per flow, when the phase has flows

 private:
  // Ends exchanges past their deadline; one timer per thread instead of one per request.
  asio::awaitable<void> sweep() {
    const auto tick = std::clamp(run_.timeout / 10, Clock::duration(std::chrono::milliseconds(5)),
                                 Clock::duration(std::chrono::milliseconds(100)));
    boost::system::error_code ec;
    while (!finished_) {
      sweeper_timer_.expires_after(tick);
      co_await sweeper_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      // After a stop request, keep aborting what is busy: wake_for_stop closed the sockets it
      // found, but a connection still resolving a name had none yet and opens one after.
      const bool interrupted = run_.interrupted();
      const auto now = Clock::now();
      for (auto& c : connections_)
        if (c->busy() && (interrupted || now > c->deadline())) c->abort(!interrupted);
      for (auto& c : h2_connections_) interrupted ? c->abort(false) : c->sweep(now);
    }
  }

  http::Connection& new_connection() {
    connections_.push_back(
        std::make_unique<http::Connection>(context_.get_executor(), run_.target));
    connections_.back()->sample_failures(&recorder.sampling);
    return *connections_.back();
  }

  http::H2Connection& new_h2_connection() {
    h2_connections_.push_back(
        std::make_unique<http::H2Connection>(context_.get_executor(), run_.target, run_.streams));
    h2_connections_.back()->sample_failures(&recorder.sampling);
    return *h2_connections_.back();
  }

  // Closed model over HTTP/2: this thread's users share connections, `streams` users each
  // (`local`: the user's place among this thread's users).
  http::H2Connection& h2_connection_of(std::size_t local) {
    const std::size_t k = local / run_.streams;
    while (h2_connections_.size() <= k) new_h2_connection();
    return *h2_connections_[k];
  }

  // What keep_alive = false does after each request: HTTP/1.1 closes the connection, HTTP/2
  // lets the connection's streams finish and opens a new one for the next request.
  static void end_reuse(http::Connection& connection) { connection.close(); }
  static void end_reuse(http::H2Connection& connection) { connection.retire(); }

  // Sleeps until `when`; a stop request cancels the timer (wake_for_stop).
  asio::awaitable<void> sleep_until(asio::steady_timer& timer, Clock::time_point when) {
    if (run_.should_stop(Clock::now())) co_return;
    boost::system::error_code ec;
    timer.expires_at(when);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  // Registers a user's or arrival loop's timer with wake_for_stop for as long as it lives.
  struct TimerRegistration {
    std::vector<asio::steady_timer*>& timers;
    asio::steady_timer* timer;
    TimerRegistration(std::vector<asio::steady_timer*>& t, asio::steady_timer& one)
        : timers(t), timer(&one) {
      timers.push_back(timer);
    }
    ~TimerRegistration() { std::erase(timers, timer); }
  };

  asio::awaitable<void> run_closed() {
    const int peak = int(std::ceil(run_.schedule.peak()));
    WaitGroup users(context_.get_executor());
    std::vector<std::unique_ptr<Http1User>> http1_users;
    // User k of the whole run belongs to segment k mod N; this segment's users are striped over
    // the threads in turn (its j-th user is the whole run's j·N + I).
    const auto& segment = run_.segment;
    const int stride = int(segment.count * workers_);
    std::size_t local = 0;
    for (int user = int(segment.index + segment.count * index_); user < peak;
         user += stride, ++local) {
      users.add();
      const auto done = [&users](std::exception_ptr) { users.done(); };
      if (run_.flows) {
        asio::co_spawn(context_, flow_user(user, new_connection()), done);
      } else if (run_.streams > 0) {
        asio::co_spawn(context_, virtual_user(user, h2_connection_of(local)), done);
      } else {
        http1_users.push_back(std::make_unique<Http1User>(*this, user, new_connection(), users));
        http1_users.back()->step();
      }
    }
    co_await users.wait();
  }

  // What a closed-model user does next, at the top of its loop.
  enum class Turn { stop, sleep, go };
  Turn user_turn(int user, Clock::time_point now, bool& counted_active, Clock::time_point& wake) {
    if (run_.should_stop(now)) return Turn::stop;
    const double t = run_.elapsed_s(now);
    if (run_.schedule.value_at(t) <= double(user)) {
      // Not this user's turn (ramping up, or ramped down): sleep until it is.
      if (counted_active) active -= 1, counted_active = false;
      const double w = run_.schedule.first_time_above(double(user), t);
      if (w == Schedule::never || w >= run_.planned_s) return Turn::stop;
      wake = run_.start + seconds(w);
      return Turn::sleep;
    }
    if (!counted_active) active += 1, counted_active = true;
    if (run_.phase.iterations > 0 && run_.iterations_left.fetch_sub(1) <= 0) return Turn::stop;
    return Turn::go;
  }

  // The pause after an exchange that ended at `done`: the think time, or a short one after a
  // connection that failed at once (a refused or broken connection fails in microseconds; the
  // pause keeps a dead target from turning the run into a busy loop). None: the next request now.
  std::optional<Clock::time_point> pause_after(const http::Outcome& outcome,
                                               Clock::time_point done) const {
    if (run_.phase.think_time_s > 0)
      return std::min(done + seconds(run_.phase.think_time_s), run_.end);
    if (outcome.error != http::ErrorKind::none && outcome.bytes_in == 0 && outcome.status == 0)
      return done + std::chrono::milliseconds(5);
    return std::nullopt;
  }

  // The end of every exchange of a closed-model user: counted, sampled, connection kept or not.
  template <class Link>
  Clock::time_point account(Link& connection, const http::Outcome& outcome,
                            const http::PreparedRequest& request, Clock::time_point started) {
    const auto done = Clock::now();
    recorder.record(outcome, micros(done - started));
    recorder.sample(&connection, outcome, request, run_.timeout);
    if (!run_.phase.keep_alive) end_reuse(connection);
    return done;
  }

  // A closed-model user over HTTP/1.1, as a state machine of callbacks rather than a coroutine:
  // on a connection kept open, a request is one direct send and the reads of its response
  // (Connection::start_fast_exchange), with no coroutine frame resumed per I/O. Connecting, TLS
  // and retries go through the coroutine exchange().
  class Http1User final : public http::ExchangeListener {
   public:
    Http1User(Worker& worker, int user, http::Connection& connection, WaitGroup& group)
        : worker_(worker),
          run_(worker.run_),
          user_(user),
          connection_(connection),
          group_(group),
          timer_(worker.context_),
          registered_(worker.timers_, timer_),
          next_(std::size_t(user) % run_.requests.size()) {}

    // One turn of the user's loop; every callback ends by calling it again, until the user stops.
    void step() {
      const auto now = Clock::now();
      Clock::time_point wake;
      switch (worker_.user_turn(user_, now, counted_active_, wake)) {
        case Turn::stop:
          return finish();
        case Turn::sleep:
          return sleep_until(wake);
        case Turn::go:
          break;
      }
      started_ = now;
      request_ = &run_.requests[next_];
      next_ = (next_ + 1) % run_.requests.size();
      connection_.set_deadline(now + run_.timeout);
      if (connection_.can_exchange_fast())
        connection_.start_fast_exchange(*request_, outcome_, now, *this);
      else
        exchange_slowly(false);
    }

   private:
    void exchange_done(bool retry) override {
      if (retry) return exchange_slowly(true);
      after_exchange();
    }

    void exchange_slowly(bool retry) {
      asio::co_spawn(
          worker_.context_,
          [this]() -> asio::awaitable<void> { co_await connection_.exchange(*request_, outcome_); },
          [this, retry](std::exception_ptr) {
            outcome_.retried |= retry;
            after_exchange();
          });
    }

    void after_exchange() {
      const auto done = worker_.account(connection_, outcome_, *request_, started_);
      if (const auto pause = worker_.pause_after(outcome_, done)) return sleep_until(*pause);
      step();
    }

    // Sleeps until `when`; a stop request cancels the timer (wake_for_stop).
    void sleep_until(Clock::time_point when) {
      if (run_.should_stop(Clock::now())) return step();
      timer_.expires_at(when);
      timer_.async_wait([this](const boost::system::error_code&) { step(); });
    }

    void finish() {
      if (counted_active_) worker_.active -= 1;
      counted_active_ = false;
      group_.done();
    }

    Worker& worker_;
    PhaseRun& run_;
    int user_;
    http::Connection& connection_;
    WaitGroup& group_;
    asio::steady_timer timer_;
    TimerRegistration registered_;
    std::size_t next_;
    const http::PreparedRequest* request_ = nullptr;
    http::Outcome outcome_;
    Clock::time_point started_;
    bool counted_active_ = false;
  };

  // A closed-model user over HTTP/2: a coroutine, since its exchanges are coroutines too.
  asio::awaitable<void> virtual_user(int user, http::H2Connection& connection) {
    asio::steady_timer timer(context_);
    TimerRegistration registered(timers_, timer);
    std::size_t next = std::size_t(user) % run_.requests.size();
    http::Outcome outcome;
    bool counted_active = false;
    for (;;) {
      const auto now = Clock::now();
      Clock::time_point wake;
      const Turn turn = user_turn(user, now, counted_active, wake);
      if (turn == Turn::stop) break;
      if (turn == Turn::sleep) {
        co_await sleep_until(timer, wake);
        continue;
      }
      const auto& request = run_.requests[next];
      co_await connection.exchange(run_.h2_requests[next], outcome, now + run_.timeout);
      next = (next + 1) % run_.requests.size();
      const auto done = account(connection, outcome, request, now);
      if (const auto pause = pause_after(outcome, done)) co_await sleep_until(timer, *pause);
    }
    if (counted_active) active -= 1;
  }

  asio::awaitable<void> run_open() {
    const int bound = run_.phase.max_connections;
    max_connections_ = std::max<std::size_t>(1, (std::size_t(bound) + workers_ - 1) / workers_);
    WaitGroup in_flight(context_.get_executor());
    in_flight.add();  // the arrival loop itself
    asio::steady_timer timer(context_);
    TimerRegistration registered(timers_, timer);
    // The phase's arrivals, the same sequence on every thread: this thread takes every
    // workers_-th one, so together the threads offer arrivals exactly 1/rate apart.
    Arrivals arrivals(run_.schedule, run_.arrivals, run_.arrival_seed);
    for (std::uint64_t k = 0;; ++k) {
      const double t = arrivals.next();
      if (t == Schedule::never || t >= run_.planned_s) break;
      // Arrival k is segment k mod N's; a segment's arrivals go to its threads in turn.
      if (!run_.segment.owns(k) || (k / run_.segment.count) % workers_ != index_) continue;
      if (run_.should_stop(Clock::now())) break;
      const auto intended = run_.start + seconds(t);
      if (intended > Clock::now()) {
        co_await sleep_until(timer, intended);
        if (run_.should_stop(Clock::now())) break;
      }
      launch(intended, in_flight, k);
    }
    in_flight.done();
    co_await in_flight.wait();
  }

  // `k`: the arrival's number in the whole run (flows pick their flow and data row by it).
  void launch(Clock::time_point intended, WaitGroup& in_flight, std::uint64_t k) {
    if (run_.streams > 0 && !run_.flows) return launch_h2(intended, in_flight, k);
    http::Connection* connection = nullptr;
    if (!idle_.empty()) {
      connection = idle_.back();
      idle_.pop_back();
    } else if (connections_.size() < max_connections_) {
      connection = &new_connection();
    } else {
      ++recorder.dropped;  // every connection is busy: the arrival cannot start
      return;
    }
    if (run_.flows) return start_flow(*connection, intended, in_flight, k);
    start_request(*connection, intended, in_flight, k);
  }

  template <class Link>
  void start_request(Link& connection, Clock::time_point intended, WaitGroup& in_flight,
                     std::uint64_t k) {
    in_flight.add();
    active += 1;
    asio::co_spawn(context_, open_request(connection, intended, k),
                   [this, &in_flight](std::exception_ptr) {
                     active -= 1;
                     in_flight.done();
                   });
  }

  // HTTP/2: the arrival takes a stream on the connection freed last that has one, else opens a
  // connection under the bound, else is dropped. h2_free_ holds each connection with a free
  // stream once.
  void launch_h2(Clock::time_point intended, WaitGroup& in_flight, std::uint64_t k) {
    http::H2Connection* connection = nullptr;
    if (!h2_free_.empty()) {
      connection = h2_free_.back();
    } else if (h2_connections_.size() < max_connections_) {
      connection = &new_h2_connection();
      h2_free_.push_back(connection);
    } else {
      ++recorder.dropped;  // every stream of every connection is busy
      return;
    }
    connection->claim();
    if (!connection->has_free_slot()) h2_free_.pop_back();
    start_request(*connection, intended, in_flight, k);
  }

  template <class Link>
  // Arrival k of the whole run sends request (data row) k mod rows, whichever thread or segment
  // takes it, so the rows split with the arrivals.
  asio::awaitable<void> open_request(Link& connection, Clock::time_point intended,
                                     std::uint64_t k) {
    const std::size_t index = std::size_t(k % run_.requests.size());
    const auto& request = run_.requests[index];
    http::Outcome outcome;
    if constexpr (std::is_same_v<Link, http::Connection>) {
      connection.set_deadline(Clock::now() + run_.timeout);
      co_await connection.exchange(request, outcome);
    } else {
      co_await connection.exchange(run_.h2_requests[index], outcome, Clock::now() + run_.timeout);
    }
    // Latency from the intended start: time spent waiting behind a stalled server counts.
    recorder.record(outcome, micros(Clock::now() - intended));
    recorder.sample(&connection, outcome, request, run_.timeout);
    if (!run_.phase.keep_alive) end_reuse(connection);
    if constexpr (std::is_same_v<Link, http::Connection>) {
      idle_.push_back(&connection);
    } else {
      if (!connection.has_free_slot()) h2_free_.push_back(&connection);
      connection.release();
    }
  }

  // Flows (flow_user.cpp runs the iterations): a closed-model user repeats iterations of its
  // flow on its connection with the ramp of virtual_user; an open-model arrival is one
  // iteration of the flow its number picks.
  FlowThread flow_thread() {
    const auto grace = seconds(std::max(0.0, run_.phase.graceful_stop_s));
    return {*run_.flows,     recorder,
            *flow_recorder,  run_.timeout,
            run_.hooks.stop, run_.end == Clock::time_point::max() ? run_.end : run_.end + grace};
  }

  asio::awaitable<void> flow_user(int user, http::Connection& connection) {
    asio::steady_timer timer(context_);
    TimerRegistration registered(timers_, timer);
    auto thread = flow_thread();
    const auto& flow = run_.flows->pick(std::uint64_t(user));
    auto values = run_.flows->seed(flow, std::uint64_t(user));
    bool counted_active = false;
    for (;;) {
      const auto now = Clock::now();
      Clock::time_point wake;
      const Turn turn = user_turn(user, now, counted_active, wake);
      if (turn == Turn::stop) break;
      if (turn == Turn::sleep) {
        co_await sleep_until(timer, wake);
        continue;
      }
      co_await run_iteration(thread, flow, values, connection, timer, now);
      if (run_.phase.think_time_s > 0)
        co_await sleep_until(timer,
                             std::min(Clock::now() + seconds(run_.phase.think_time_s), run_.end));
    }
    if (counted_active) active -= 1;
  }

  void start_flow(http::Connection& connection, Clock::time_point intended, WaitGroup& in_flight,
                  std::uint64_t k) {
    in_flight.add();
    active += 1;
    asio::co_spawn(context_, open_flow(connection, intended, k),
                   [this, &in_flight](std::exception_ptr) {
                     active -= 1;
                     in_flight.done();
                   });
  }

  // `k`: the arrival's number in the whole run, the same whatever thread or segment takes it.
  asio::awaitable<void> open_flow(http::Connection& connection, Clock::time_point intended,
                                  std::uint64_t k) {
    asio::steady_timer timer(context_);
    TimerRegistration registered(timers_, timer);
    auto thread = flow_thread();
    const auto& flow = run_.flows->pick(k);
    auto values = run_.flows->seed(flow, k);
    co_await run_iteration(thread, flow, values, connection, timer, intended);
    idle_.push_back(&connection);
  }

  PhaseRun& run_;
  asio::io_context& context_;
  std::size_t index_;
  std::size_t workers_;
  std::vector<std::unique_ptr<http::Connection>> connections_;
  std::vector<http::Connection*> idle_;
  std::vector<std::unique_ptr<http::H2Connection>> h2_connections_;  // --http2
  std::vector<http::H2Connection*> h2_free_;  // open model: connections with a free stream
  // The timer of every user and arrival loop of this thread, registered once for its lifetime
  // (not per sleep: that would cost the think-time path a search per request).
  std::vector<asio::steady_timer*> timers_;

  std::size_t max_connections_ = 0;
  asio::steady_timer sweeper_timer_{context_};
  bool finished_ = false;
};

// Closes the interval once every worker has handed in its counters: one point of the series,
// totals updated, a snapshot for the bus. Runs on the control context with run.mutex held.
// `closed` receives the interval's own metrics (the part just added to the totals).
api::Snapshot close_interval(PhaseRun& run, api::Metrics& closed) {
  const auto now = Clock::now();
  const double t = run.elapsed_s(now);
  const double dt = t - run.last_harvest_s;
  auto& part = run.interval;
  api::IntervalPoint point;
  point.t_s = t;
  point.requests = part.total_requests;
  point.errors = part.failed_requests;
  point.responses = part.latency.count();
  point.rps = dt > 0 ? double(part.total_requests) / dt : 0;
  point.errors_per_s = dt > 0 ? double(part.failed_requests) / dt : 0;
  point.p50_ms = part.percentile_ms(50);
  point.p90_ms = part.percentile_ms(90);
  point.p95_ms = part.percentile_ms(95);
  point.p99_ms = part.percentile_ms(99);
  point.active_users = run.interval_users;
  // The segment's part of the schedule: its users among those the whole run has now, or its
  // share of the whole run's rate.
  const double whole = run.schedule.value_at(std::min(t, run.planned_s));
  point.target = run.phase.model == api::LoadModel::closed
                     ? double(run.segment.share_of(std::uint64_t(std::ceil(whole))))
                     : whole / run.segment.count;
  point.target_rss_mb = run.hooks.target_rss_mb ? run.hooks.target_rss_mb() : -1;
  run.totals.add_counts(part);
  if (dt > 0.05 || part.total_requests > 0) {
    auto& series = run.totals.intervals;
    if (series.capacity() < api::max_interval_points) series.reserve(api::max_interval_points);
    if (series.size() == api::max_interval_points) api::compact_intervals(series);
    series.push_back(point);
  }
  api::Snapshot snapshot;
  snapshot.case_id = run.hooks.case_id;
  snapshot.phase = run.phase.name;
  snapshot.elapsed_s = t;
  snapshot.planned_s = run.planned_s;
  snapshot.point = point;
  snapshot.total_requests = run.totals.total_requests;
  snapshot.total_errors = run.totals.failed_requests;
  closed = std::move(part);
  part = api::Metrics{};
  run.interval_users = 0;
  run.last_harvest_s = t;
  return snapshot;
}

// Moves each worker's counters into the phase, on the worker's own thread (so the request path
// never takes a lock), waits until all are in, then closes the interval and publishes it here,
// on the control context: observers never run on a load thread.
// `last`: the partial interval after the phase ended is published only when it holds requests
// (answers still in flight at the end): an empty one would show a second that had no load.
asio::awaitable<void> harvest(std::shared_ptr<PhaseRun> run, bool last = false) {
  WaitGroup group(co_await asio::this_coro::executor);
  group.add(int(run->workers.size()));
  for (auto& worker : run->workers) {
    asio::post(worker->context(), [run, w = worker.get(), &group] {
      {
        std::lock_guard lock(run->mutex);
        w->recorder.drain_into(run->interval);
        if (w->flow_recorder) w->flow_recorder->drain_into(run->flow_totals);
        run->interval_users += w->active;
      }
      group.done();
    });
  }
  co_await group.wait();
  api::Snapshot snapshot;
  api::Metrics interval;
  {
    std::lock_guard lock(run->mutex);
    snapshot = close_interval(*run, interval);
  }
  if (run->hooks.on_interval && !(last && snapshot.point.requests == 0))
    run->hooks.on_interval(snapshot, interval);
}

asio::awaitable<void> tick(std::shared_ptr<PhaseRun> run, std::shared_ptr<asio::steady_timer> timer,
                           std::shared_ptr<std::atomic<bool>> finished, double interval_s) {
  boost::system::error_code ec;
  for (int k = 1;; ++k) {
    // The phase may have ended while the last harvest ran: the cancel found no wait to end.
    if (finished->load()) co_return;
    timer->expires_at(run->start + seconds(k * interval_s));
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (finished->load()) co_return;
    co_await harvest(run);
  }
}

}  // namespace

LoadEngine::LoadEngine(exec::Executor& executor, EngineOptions options)
    : executor_(executor), options_(std::move(options)) {}

asio::awaitable<api::PhaseResult> LoadEngine::run(api::Phase phase, PhaseHooks hooks) {
  if (phase.requests.empty() && phase.flows.empty())
    throw UserError("phase '" + phase.name + "' has no requests");
  if (!phase.flows.empty() && options_.http2)
    throw UserError("phase '" + phase.name + "': flows run over HTTP/1.1 only; leave out --http2");
  const std::string base = phase.base_url.empty() ? options_.default_base_url : phase.base_url;
  if (base.empty()) throw UserError("no target URL: give --target or a spec with a server URL");
  auto run = std::make_shared<PhaseRun>();
  run->target = http::Target::make(base, options_.tls);
  for (const auto& r : phase.requests)
    run->requests.push_back(http::PreparedRequest::make(r, run->target->url, phase.keep_alive));
  if (!phase.flows.empty())
    run->flows = std::make_unique<FlowPlan>(phase.flows, run->target->url, phase.keep_alive);
  if (options_.http2) {
    run->streams = std::uint32_t(std::max(1, options_.streams));
    for (const auto& r : phase.requests)
      run->h2_requests.push_back(http::H2Request::make(r, run->target->url));
  }
  run->timeout = seconds(phase.timeout_s > 0 ? phase.timeout_s : options_.timeout_s);
  run->schedule = Schedule::of(phase);
  run->arrivals = options_.arrivals;
  run->arrival_seed = options_.arrival_seed;
  if (phase.model == api::LoadModel::open && phase.max_connections <= 0) {
    // Enough connections to absorb one second of stall at the peak rate.
    // Over HTTP/2, as many connections as hold that many streams.
    const double streams = run->streams > 0 ? double(run->streams) : 1.0;
    phase.max_connections =
        options_.max_connections > 0
            ? options_.max_connections
            : int(std::ceil(std::clamp(std::ceil(run->schedule.peak()), 64.0, 20000.0) / streams));
    // A bound given for the whole run is shared by its segments.
    if (options_.max_connections > 0 && options_.segment.count > 1)
      phase.max_connections =
          int((std::uint64_t(phase.max_connections) + options_.segment.count - 1) /
              options_.segment.count);
  }
  run->planned_s = run->schedule.duration_s();
  run->segment = options_.segment;
  // Iterations: this segment's share of the run's (iteration k is segment k mod N's), among the
  // segments that have users: with fewer users than segments, the last segments have none and
  // their iterations would never run.
  Segment iterations_split = run->segment;
  iterations_split.count = std::uint32_t(std::clamp<double>(
      std::ceil(run->schedule.peak()), 1, double(std::max<std::uint32_t>(1, run->segment.count))));
  run->iterations_left = run->segment.index < iterations_split.count
                             ? std::int64_t(iterations_split.share_of(phase.iterations))
                             : 0;
  run->hooks = std::move(hooks);
  run->phase = std::move(phase);

  const auto own_before = monitor::read_own_stats();
  const auto started_unix_ms = unix_ms_now();
  run->start = Clock::now();
  run->end = run->start + seconds(run->planned_s);
  const std::size_t n = executor_.size();
  for (std::size_t i = 0; i < n; ++i)
    run->workers.push_back(std::make_unique<Worker>(*run, executor_.context(i), i, n));
  if (run->flows)
    for (auto& w : run->workers)
      w->flow_recorder = std::make_unique<FlowRecorder>(run->flows->steps.size());

  // A stop request wakes every worker on its own thread.
  run::StopCallback wake(run->hooks.stop, [run] {
    for (auto& worker : run->workers)
      asio::post(worker->context(), [run, w = worker.get()] { w->wake_for_stop(); });
  });
  auto control = co_await asio::this_coro::executor;
  WaitGroup workers(control);
  workers.add(int(n));
  for (auto& worker : run->workers)
    asio::co_spawn(worker->context(), worker->run(),
                   [&workers](std::exception_ptr) { workers.done(); });

  auto ticker_timer = std::make_shared<asio::steady_timer>(control);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  WaitGroup ticker(control);
  ticker.add();
  asio::co_spawn(control, tick(run, ticker_timer, finished, options_.interval_s),
                 [&ticker](std::exception_ptr) { ticker.done(); });

  co_await workers.wait();
  // Flow iterations may run past the end (the graceful stop): their time counts.
  const auto stopped = run->flows ? Clock::now() : std::min(Clock::now(), run->end);
  finished->store(true);
  ticker_timer->cancel();
  co_await ticker.wait();
  co_await harvest(run, true);  // the last, partial interval

  api::PhaseResult result;
  result.name = run->phase.name;
  result.interrupted = run->interrupted();
  auto& m = result.metrics;
  m = std::move(run->totals);
  m.duration_s = std::chrono::duration<double>(stopped - run->start).count();
  m.start_unix_ms = started_unix_ms;
  m.end_unix_ms = unix_ms_now();
  const auto own_after = monitor::read_own_stats();
  const double wall = std::chrono::duration<double>(Clock::now() - run->start).count();
  m.avg_cpu_percent =
      wall > 0 ? 100.0 * (own_after.cpu_seconds - own_before.cpu_seconds) / wall : 0;
  m.peak_memory_mb = own_after.peak_rss_mb;
  if (run->flows) {
    result.steps = run->flows->steps;
    for (std::size_t i = 0; i < result.steps.size(); ++i) {
      auto& step = result.steps[i].metrics;
      if (i < run->flow_totals.steps.size()) step = std::move(run->flow_totals.steps[i]);
      step.duration_s = m.duration_s;
      step.start_unix_ms = m.start_unix_ms;
      step.end_unix_ms = m.end_unix_ms;
    }
    result.flow = std::move(run->flow_totals.flow);
  }
  co_return result;
}

}  // namespace perf::engine
