// `GET /api/v1/tasks/{id}/report.html`: a finished task's result as the HTML report a CLI run
// writes (the html reporter plugin), so the dashboard can link it. Behind the token like every
// /api/ route; 404 for an unknown task, 409 while it has no result yet.
#pragma once

#include "perf/plugins/plugin_registry.hpp"
#include "perf/server/http_server.hpp"
#include "perf/service/task_store.hpp"

namespace perf::host {

void add_report_page_route(server::Router& router, const service::TaskStore& store,
                           const plugins::PluginRegistry& registry);

}  // namespace perf::host
