#include "task_service.hpp"

#include "perf/service/task_report.hpp"
#include "perf/util/instant.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iostream>

namespace perf::host {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// One line per state change on stderr: the task id and its state, never its parameters (they
// may hold credentials) nor the token.
void log_state(const std::string& task_id, const std::string& state) {
  std::cerr << "perf-agent: task " << task_id << ": " << state << std::endl;
}

server::Response json_ok(http::status status, const json::object& body, unsigned version) {
  return server::json_response(status, json::serialize(body), version);
}

void remove_spec(const PreparedTask& task) {
  std::error_code ignored;
  if (!task.written_spec.empty()) std::filesystem::remove(task.written_spec, ignored);
}

}  // namespace

TaskService::TaskService(service::TaskStore& store, compare::HistoryStore& history,
                         const plugins::PluginRegistry& registry, TaskPolicy policy,
                         ServiceLimits limits)
    : store_(store),
      history_(history),
      registry_(registry),
      policy_(std::move(policy)),
      limits_(limits),
      queue_(std::make_unique<TaskQueue>(
          limits.max_running, limits.max_queued,
          [this](QueuedTask& task, const std::function<void(run::Runner*)>& publish) {
            run_one(task, publish);
          })) {}

void TaskService::restore() {
  if (const auto n = store_.interrupt_running(util::now_unix_ms()))
    std::cerr << "perf-agent: " << n
              << " task(s) were running when the service stopped: now error (interrupted)\n";
  for (const auto& record : store_.queued()) {
    try {
      const auto document = json::parse(record.task_json);
      auto prepared = std::make_unique<PreparedTask>(
          prepare_task(document, "stored task " + record.task_id, policy_, registry_));
      queue_->push({record.task_id, std::move(prepared)}, true);
      log_state(record.task_id, "queued again");
    } catch (const std::exception& e) {
      store_.finish(record.task_id, "failed", "", e.what(), util::now_unix_ms());
      log_state(record.task_id, "failed");
    }
  }
}

void TaskService::add_routes(server::Router& router) {
  router.add(http::verb::post, "/api/v1/tasks",
             [this](const server::Request& r, const server::PathParams&) { return submit(r); });
  router.add(http::verb::get, "/api/v1/tasks",
             [this](const server::Request& r, const server::PathParams&) { return list(r); });
  router.add(http::verb::get, "/api/v1/tasks/{id}",
             [this](const server::Request& r, const server::PathParams& p) {
               return status(r, p.at("id"));
             });
  router.add(http::verb::delete_, "/api/v1/tasks/{id}",
             [this](const server::Request& r, const server::PathParams& p) {
               return cancel(r, p.at("id"));
             });
}

void TaskService::watch_ends(EndWatcher watcher) {
  end_watchers_.push_back(std::move(watcher));
}

void TaskService::watch_runs(RunWatcher watcher) {
  watchers_.push_back(std::move(watcher));
}

void TaskService::stop() {
  queue_->stop_all("stopping: the service is shutting down");
  queue_.reset();  // joins the workers once they have recorded their tasks
}

server::Response TaskService::submit(const server::Request& request) {
  const unsigned version = request.version();
  auto too_many = [&] {
    auto r = server::error_response(http::status::too_many_requests,
                                    "the queue is full (" + std::to_string(limits_.max_running) +
                                        " running, " + std::to_string(limits_.max_queued) +
                                        " waiting); try again later",
                                    version);
    r.set(http::field::retry_after, std::to_string(limits_.retry_after.count()));
    return r;
  };
  if (queue_->full()) return too_many();
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 256;  // real specs nest deeply; deeper than this is not a spec
  const auto document = json::parse(request.body(), ec, {}, options);
  if (ec)
    return server::error_response(http::status::bad_request,
                                  "request body: not JSON: " + ec.message(), version);
  // A known id is refused before anything of it is written.
  if (const auto* o = document.if_object())
    if (const auto* id = o->if_contains("task_id"); id && id->is_string())
      if (const auto existing = store_.get(std::string(id->get_string())))
        return server::error_response(
            http::status::conflict,
            "task '" + existing->task_id + "' exists already (" + existing->status + ")", version);
  std::unique_ptr<PreparedTask> prepared;
  try {
    prepared =
        std::make_unique<PreparedTask>(prepare_task(document, "request body", policy_, registry_));
  } catch (const TaskRefused& e) {
    return server::error_response(http::status(e.http_status()), e.what(), version);
  } catch (const UserError& e) {
    return server::error_response(http::status::bad_request, e.what(), version);
  }
  const std::string id = prepared->task.task_id;
  std::lock_guard lock(submit_mutex_);
  if (queue_->full()) {
    remove_spec(*prepared);
    return too_many();
  }
  if (!store_.add(id, request.body(), json::serialize(prepared->planned), util::now_unix_ms())) {
    remove_spec(*prepared);
    return server::error_response(http::status::conflict, "task '" + id + "' exists already",
                                  version);
  }
  queue_->push({id, std::move(prepared)}, true);
  log_state(id, "queued");
  auto response = json_ok(http::status::accepted, {{"task_id", id}, {"status", "queued"}}, version);
  response.set(http::field::location, "/api/v1/tasks/" + id);
  return response;
}

server::Response TaskService::status(const server::Request& request, const std::string& id) {
  const auto record = store_.get(id);
  if (!record)
    return server::error_response(http::status::not_found, "no task '" + id + "'",
                                  request.version());
  return json_ok(http::status::ok, service::task_json(*record), request.version());
}

server::Response TaskService::list(const server::Request& request) {
  std::size_t limit = 50;
  if (const auto text = server::query_parameter(request.target(), "limit")) {
    std::size_t used = 0;
    long n = 0;
    try {
      n = std::stol(*text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text->size() || n < 1 || n > 1000)
      return server::error_response(http::status::bad_request,
                                    "limit: expected a whole number from 1 to 1000",
                                    request.version());
    limit = std::size_t(n);
  }
  json::array tasks;
  for (const auto& record : store_.list(limit)) tasks.push_back(service::task_list_entry(record));
  return json_ok(http::status::ok, {{"tasks", std::move(tasks)}}, request.version());
}

server::Response TaskService::cancel(const server::Request& request, const std::string& id) {
  const unsigned version = request.version();
  const auto record = store_.get(id);
  if (!record)
    return server::error_response(http::status::not_found, "no task '" + id + "'", version);
  switch (queue_->cancel(id)) {
    case TaskQueue::Cancel::removed: {
      store_.finish(id, "cancelled", record->report_json, "", util::now_unix_ms());
      log_state(id, "cancelled");
      return json_ok(http::status::ok, service::task_json(*store_.get(id)), version);
    }
    case TaskQueue::Cancel::stopping:
      // The worker records `cancelled` with what was measured once the Runner has stopped.
      return json_ok(http::status::accepted,
                     {{"task_id", id}, {"status", "running"}, {"cancel_requested", true}}, version);
    case TaskQueue::Cancel::unknown:
      break;
  }
  return server::error_response(http::status::conflict,
                                "task '" + id + "' has ended (" + record->status + ")", version);
}

void TaskService::run_one(QueuedTask& task, const std::function<void(run::Runner*)>& publish) {
  const std::string& id = task.task_id;
  store_.set_running(id, util::now_unix_ms());
  log_state(id, "running");
  TaskOutcome outcome = run_task(*task.prepared, policy_, [&](run::Runner* runner) {
    if (runner)
      for (const auto& watch : watchers_) watch(id, runner->bus());
    publish(runner);
  });
  if (outcome.summary) {
    // The run history sees service runs as it sees imported files (`perf-agent history`).
    std::lock_guard lock(history_mutex_);
    try {
      history_.add_run(*outcome.summary, "service:" + id);
    } catch (const std::exception& e) {
      std::cerr << "perf-agent: task " << id << ": not added to the run history: " << e.what()
                << "\n";
    }
  }
  store_.finish(id, outcome.status, json::serialize(outcome.report), outcome.error_message,
                util::now_unix_ms());
  log_state(id, outcome.status);
  for (const auto& ended : end_watchers_) ended(id, outcome.status);
}

}  // namespace perf::host
