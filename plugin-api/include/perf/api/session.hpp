// What a running test case may use: the shared executor, the load engine, one-off probe
// requests, the metrics bus, the settings and resource samples. Implemented by core.
#pragma once

#include "perf/api/load.hpp"
#include "perf/api/request.hpp"
#include "perf/api/settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace perf::api {

class Session {
 public:
  virtual ~Session() = default;

  // The executor the case's coroutine runs on (one of the shared pool's threads).
  virtual boost::asio::any_io_executor executor() = 0;

  // Runs one phase of load on every engine thread and returns what it measured. The phase's
  // durations are plan seconds; the Session applies --time-scale. Arguments are taken by value:
  // they must outlive the coroutine.
  virtual boost::asio::awaitable<PhaseResult> load(Phase phase) = 0;

  // Sends one request and returns the whole exchange (status, headers, body start, timing).
  virtual boost::asio::awaitable<Exchange> send(RequestSpec request, ProbeOptions options) = 0;

  // Waits real seconds (not scaled: a server's Retry-After is real time), unless the run is
  // being stopped (then returns at once).
  virtual boost::asio::awaitable<void> sleep(double seconds) = 0;

  virtual const Settings& settings() const = 0;
  virtual ResourceSample resources() = 0;

  // True once Ctrl-C, SIGTERM or an abortOnFail threshold asked the run to stop.
  virtual bool stop_requested() const = 0;

  // A line for the progress output ("step 3/8: 200 users").
  virtual void progress(std::string_view line) = 0;
};

}  // namespace perf::api
