// `perf-agent serve` (DESIGN §10.3): the flags turned into the service's policy and limits, the
// token, the database, and the HTTP server with the task routes. SIGINT/SIGTERM stop it.
#include "commands.hpp"
#include "listen_address.hpp"
#include "perf/exec/executor.hpp"
#include "perf/live/live_views.hpp"
#include "perf/server/bearer_token.hpp"
#include "perf/server/http_server.hpp"
#include "perf/util/user_error.hpp"
#include "task_report_page.hpp"
#include "task_service.hpp"

#include <boost/asio/signal_set.hpp>

#include <future>
#include <iostream>
#include <optional>

namespace perf::host {

namespace asio = boost::asio;

namespace {

double positive_number(const std::string& text, const char* flag, double fallback) {
  if (text.empty()) return fallback;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !(v > 0))
    throw UserError(std::string(flag) + " '" + text + "': expected a number above 0");
  return v;
}

std::size_t whole_number(const std::string& text, const char* flag, std::size_t fallback,
                         std::size_t low) {
  if (text.empty()) return fallback;
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || n < low || text.front() == '-')
    throw UserError(std::string(flag) + " '" + text +
                    "': expected a whole number >= " + std::to_string(low));
  return std::size_t(n);
}

}  // namespace

int serve_command(const CommandLine& cl) {
  const auto endpoint = parse_listen(cl.listen.empty() ? "127.0.0.1:8089" : cl.listen, "--listen");
  ServiceLimits limits;
  limits.max_running = whole_number(cl.max_running, "--max-running", 1, 1);
  limits.max_queued = whole_number(cl.max_queued, "--max-queued", 16, 0);
  server::Limits http_limits;
  http_limits.max_body_bytes = whole_number(cl.max_body, "--max-body", 16u << 20, 1);

  TaskPolicy policy;
  policy.from_network = true;
  policy.allowed_targets = cl.allow_targets;
  if (policy.allowed_targets.empty()) policy.allowed_targets = {"127.0.0.1", "localhost", "::1"};
  policy.max_users = int(whole_number(cl.max_users, "--max-users", 1000, 1));
  policy.max_rate_rps = positive_number(cl.max_rate, "--max-rate", 10000);
  policy.max_duration_s = positive_number(cl.max_duration, "--max-duration", 3600);
  policy.plugin_dirs = cl.plugin_dirs;

  const std::filesystem::path db = cl.db_path.empty() ? compare::HistoryStore::default_path()
                                                      : std::filesystem::path(cl.db_path);
  service::TaskStore store(db);
  compare::HistoryStore history(db);
  policy.spec_folder = db.string() + ".specs";  // next to the database, as private as it

  std::optional<server::BearerToken> token;
  if (!cl.token_file.empty()) {
    token.emplace(server::BearerToken::from_file(cl.token_file));
  } else {
    const auto file = db.parent_path() / "service.token";
    if (std::filesystem::exists(file)) {
      token.emplace(server::BearerToken::from_file(file));
      std::cerr << "perf-agent: the bearer token is in " << file.string() << "\n";
    } else {
      token.emplace(server::BearerToken::generate(file));
      // Printed this once; afterwards only the file (mode 0600) holds it.
      std::cout << "token: " << token->value() << " (written to " << file.string() << ")"
                << std::endl;
    }
  }

  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  run::raise_open_file_limit();

  TaskService tasks(store, history, registry, policy, limits);
  auto router = std::make_shared<server::Router>();
  router->guard("/api/", [&token](const server::Request& r) { return token->check(r); });
  tasks.add_routes(*router);
  // Live views (DESIGN §10.3): each task's stream, /metrics over every run, the dashboard.
  live::LiveViews views(*token);
  views.exposition().set_task_states([&store] {
    // Every state, 0 included: a series that disappears would go stale in Prometheus.
    std::map<std::string, double> states;
    for (const char* state : {"queued", "running", "success", "failed", "error", "cancelled"})
      states[state] = 0;
    for (const auto& [state, n] : store.count_by_status()) states[state] = n;
    return states;
  });
  tasks.watch_runs([&views](const std::string& task_id, run::MetricsBus& bus) {
    views.watch(task_id, bus, /*owner_ends=*/true);
  });
  // The stream ends with the task's status as GET /api/v1/tasks/{id} shows it.
  tasks.watch_ends([&views](const std::string& task_id, const std::string& status) {
    views.finish(task_id, status, status == "success" ? 0 : 1);
  });
  views.add_routes(*router);
  add_report_page_route(*router, store, registry);

  // The shared executor: two contexts for the connections (a submit planning a large spec
  // never holds up status polls) and the control thread for the acceptor and the signals.
  exec::Executor executor(2);
  server::HttpServer http(executor, endpoint, router, http_limits);
  tasks.restore();
  http.start();
  const std::string url = url_of(http.local_endpoint());
  std::cout << "listening on " << url << std::endl;
  std::cerr << "perf-agent: serving on " << url << " (tasks in " << db.string() << ")" << std::endl;

  std::promise<void> stopping;
  asio::signal_set signals(executor.control(), SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cerr << "perf-agent: stopping\n";
    http.stop();
    stopping.set_value();
  });
  stopping.get_future().wait();
  tasks.stop();  // running tasks stop and are recorded as error (interrupted)
  executor.stop();
  return 0;
}

}  // namespace perf::host
