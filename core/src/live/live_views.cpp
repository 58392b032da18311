#include "perf/live/live_views.hpp"

#include "perf/live/dashboard_page.hpp"
#include "perf/live/live_socket.hpp"

#include <boost/beast/http/write.hpp>

namespace perf::live {

namespace http = boost::beast::http;

void LiveViews::watch(const std::string& task_id, run::MetricsBus& bus, bool owner_ends) {
  auto feed = std::make_shared<LiveFeed>();
  if (owner_ends) feed->end_by_owner();
  bus.subscribe(feed);
  bus.subscribe(exposition_);
  std::lock_guard lock(mutex_);
  if (!feeds_.count(task_id)) order_.push_back(task_id);
  feeds_[task_id] = std::move(feed);
  while (order_.size() > kept_tasks) {
    feeds_.erase(order_.front());
    order_.pop_front();
  }
}

void LiveViews::finish(const std::string& task_id, const std::string& status, int exit_code) {
  if (auto f = feed(task_id)) f->finish(status, exit_code);
}

std::shared_ptr<LiveFeed> LiveViews::feed(const std::string& task_id) const {
  std::lock_guard lock(mutex_);
  const auto it = feeds_.find(task_id);
  return it == feeds_.end() ? nullptr : it->second;
}

void LiveViews::add_routes(server::Router& router, const std::string& initial_task) {
  router.add(
      http::verb::get, "/", [initial_task](const server::Request& r, const server::PathParams&) {
        server::Response response(http::status::ok, r.version());
        response.set(http::field::content_type, "text/html; charset=utf-8");
        // The page holds no data and no token; it must not be framed by another site.
        response.set(http::field::cache_control, "no-store");
        response.set("X-Frame-Options", "DENY");
        response.set("Content-Security-Policy",
                     "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                     "connect-src 'self'; img-src data:");
        response.body() = dashboard_page(initial_task);
        return response;
      });
  router.guard("/metrics", [this](const server::Request& r) { return token_.check(r); });
  router.add(http::verb::get, "/metrics",
             [this](const server::Request& r, const server::PathParams&) {
               server::Response response(http::status::ok, r.version());
               response.set(http::field::content_type, exposition_content_type);
               response.body() = exposition_->text();
               return response;
             });
  router.add_upgrade("/api/v1/tasks/{id}/live", [this](boost::beast::tcp_stream stream,
                                                       server::Request request,
                                                       server::PathParams params) {
    auto found = feed(params["id"]);
    if (!found) {
      // Not a task this process runs or ran lately: answer 404 on the plain connection.
      auto response = server::error_response(
          http::status::not_found, "no live stream for task " + params["id"], request.version());
      response.keep_alive(false);
      response.prepare_payload();
      auto shared = std::make_shared<std::pair<boost::beast::tcp_stream, server::Response>>(
          std::move(stream), std::move(response));
      http::async_write(
          shared->first, shared->second, [shared](boost::beast::error_code, std::size_t) {
            boost::beast::error_code ignored;
            shared->first.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
          });
      return;
    }
    const auto subprotocol = token_.offered_subprotocol(request).value_or("");
    serve_live_socket(std::move(stream), std::move(request), std::move(found), subprotocol);
  });
}

}  // namespace perf::live
