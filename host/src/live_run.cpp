#include "live_run.hpp"

#include "listen_address.hpp"
#include "perf/plan/plan_io.hpp"
#include "perf/util/instant.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <thread>

namespace perf::host {

namespace http = boost::beast::http;

LiveRun::LiveRun(const std::string& listen, run::Runner& runner)
    : started_unix_ms_(util::now_unix_ms()) {
  const auto endpoint = parse_listen(listen, "--live");
  views_.watch("run", runner.bus());
  auto router = std::make_shared<server::Router>();
  router->guard("/api/", [this](const server::Request& r) { return token_.check(r); });
  // The service's task list, of the one run: the dashboard reads it as it reads the service's.
  router->add(http::verb::get, "/api/v1/tasks",
              [this](const server::Request& r, const server::PathParams&) {
                const auto feed = views_.feed("run");
                const std::string status =
                    feed ? feed->end_status().value_or("running") : "running";
                // `links`: a CLI run has no stored task JSON or report page to link.
                boost::json::object task{{"task_id", "run"},
                                         {"status", status},
                                         {"created_at", plan::iso8601_utc(started_unix_ms_)},
                                         {"finished_at", nullptr},
                                         {"links", false}};
                return server::json_response(http::status::ok,
                                             boost::json::serialize(boost::json::object{
                                                 {"tasks", boost::json::array{std::move(task)}}}),
                                             r.version());
              });
  views_.add_routes(*router, "run");
  // The server's own small executor: the run's threads stay the run's.
  executor_ = std::make_unique<exec::Executor>(1);
  server_ = std::make_unique<server::HttpServer>(*executor_, endpoint, router, server::Limits{});
  server_->start();
}

LiveRun::~LiveRun() {
  // An unreachable target or a run that threw publishes no end: say so, or clients would wait.
  views_.finish("run", "failed", 3);
  // A client that is still taking the stream gets its end (at most two seconds): the run is over
  // and the process is about to exit. Polled: a follower leaves on its socket's thread and
  // signals nothing this thread could wait on; the bound keeps exit prompt.
  if (const auto feed = views_.feed("run"))
    for (int i = 0; i < 40 && feed->followers() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::promise<void> stopped;
  boost::asio::post(executor_->control(), [&] {
    server_->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  executor_->stop();
}

std::string LiveRun::url() const {
  return url_of(server_->local_endpoint()) + "/#token=" + token_.value();
}

}  // namespace perf::host
