// `perf-agent run --live ADDRESS:PORT`: the live views of the service (DESIGN §10.3) for one CLI
// run, served while it runs: the dashboard at /, the WebSocket stream of task "run", /metrics,
// and a task list of that one run. Bearer token as in the service, made for this run only and
// printed with the URL.
#pragma once

#include "perf/exec/executor.hpp"
#include "perf/live/live_views.hpp"
#include "perf/run/runner.hpp"
#include "perf/server/bearer_token.hpp"
#include "perf/server/http_server.hpp"

#include <memory>
#include <string>

namespace perf::host {

class LiveRun {
 public:
  // Binds at once (a busy port exits 2 before any load) and starts serving; subscribes to the
  // runner's bus.
  LiveRun(const std::string& listen, run::Runner& runner);
  // Lets connected clients take the end of the stream (a bounded wait), then stops serving.
  ~LiveRun();

  std::string url() const;  // http://ADDRESS:PORT/#token=TOKEN

 private:
  server::BearerToken token_ = server::BearerToken::random();
  live::LiveViews views_{token_};
  std::int64_t started_unix_ms_ = 0;
  std::unique_ptr<exec::Executor> executor_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace perf::host
