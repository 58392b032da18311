#include "task_report_page.hpp"

#include "perf/report/result_json.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace perf::host {

namespace http = boost::beast::http;

namespace {

// The html reporter writes a file (atomically, as for a CLI run): give it one in a private
// folder, read it back, remove both.
std::string html_of(const api::RunSummary& summary, const plugins::PluginRegistry& registry) {
  const auto* plugin = registry.find("html", api::PluginKind::reporter);
  if (!plugin) throw std::runtime_error("the html reporter plugin is not installed");
  char folder[] = "/tmp/perf-agent-report-XXXXXX";
  if (!::mkdtemp(folder)) throw std::runtime_error("no temporary folder for the report");
  const std::filesystem::path path = std::filesystem::path(folder) / "report.html";
  std::string html;
  try {
    auto reporter = registry.create_reporter(*plugin);
    api::ReporterConfig config;
    config.output_path = path.string();
    reporter->configure(config);
    reporter->end(summary);
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    html = text.str();
  } catch (...) {
    std::filesystem::remove_all(folder);
    throw;
  }
  std::filesystem::remove_all(folder);
  return html;
}

}  // namespace

void add_report_page_route(server::Router& router, const service::TaskStore& store,
                           const plugins::PluginRegistry& registry) {
  router.add(
      http::verb::get, "/api/v1/tasks/{id}/report.html",
      [&store, &registry](const server::Request& r, const server::PathParams& params) {
        const auto& id = params.at("id");
        const auto record = store.get(id);
        if (!record)
          return server::error_response(http::status::not_found, "no task " + id, r.version());
        boost::system::error_code ec;
        const auto task = boost::json::parse(record->report_json, ec);
        const auto* result =
            !ec && task.is_object() ? task.as_object().if_contains("result") : nullptr;
        if (!result || !result->is_object())
          return server::error_response(http::status::conflict, "task " + id + " has no result yet",
                                        r.version());
        server::Response response(http::status::ok, r.version());
        response.set(http::field::content_type, "text/html; charset=utf-8");
        response.set(http::field::cache_control, "no-store");
        response.body() = html_of(report::summary_from_json(*result, "task " + id), registry);
        return response;
      });
}

}  // namespace perf::host
