#include "perf/compare/case_history.hpp"

#include "perf/compare/svg_plot.hpp"
#include "perf/compare/text_format.hpp"
#include "perf/util/markup.hpp"

#include <cmath>
#include <sstream>

namespace perf::compare {

namespace json = boost::json;

namespace {

// "run 7: 20.61 → 23.65 ms (+14.8 %), p = 0.005"
std::string change_line(const ChangePoint& cp, Metric metric) {
  const std::string unit(metric_unit(metric));
  return "run " + std::to_string(cp.index + 1) + ": " + fixed(cp.before, 2) + " \u2192 " +
         fixed(cp.after, 2) + " " + unit + " (" + fixed(cp.change_percent(), 1, true) +
         " %), p = " + fixed(cp.p_value, 3);
}

double round3(double v) {
  return std::round(v * 1000) / 1000;
}

}  // namespace

CaseHistory case_history(const HistoryStore& store, const std::string& case_id, Metric metric,
                         const ChangePointOptions& options) {
  CaseHistory h{case_id, metric, store.runs_of(case_id, std::string(metric_name(metric))), {}};
  std::vector<double> values;
  for (const auto& r : h.runs) values.push_back(r.value);
  h.change_points = find_change_points(values, options);
  return h;
}

std::string history_text(const std::vector<CaseHistory>& histories) {
  std::ostringstream out;
  for (const auto& h : histories) {
    const std::string name(metric_name(h.metric)), unit(metric_unit(h.metric));
    out << h.case_id << ": " << name << " (" << unit << "), " << h.runs.size() << " runs\n";
    out << "   run  started                      " << name << "  source\n";
    for (std::size_t i = 0; i < h.runs.size(); ++i) {
      char line[64];
      std::snprintf(line, sizeof line, "  %4zu  ", i + 1);
      out << line << utc_time(h.runs[i].started_unix_ms) << "  " << fixed(h.runs[i].value, 2)
          << "  " << h.runs[i].source << "\n";
    }
    if (h.change_points.empty())
      out << "  no change point (E-divisive means, permutation test at 5 %)\n";
    else
      for (const auto& cp : h.change_points)
        out << "  change point: " << change_line(cp, h.metric) << "\n";
    out << "\n";
  }
  return out.str();
}

json::object history_json(const std::vector<CaseHistory>& histories) {
  json::array cases;
  for (const auto& h : histories) {
    json::array runs;
    for (std::size_t i = 0; i < h.runs.size(); ++i)
      runs.push_back(json::object{{"run", i + 1},
                                  {"run_id", h.runs[i].run_id},
                                  {"started_unix_ms", h.runs[i].started_unix_ms},
                                  {"source", h.runs[i].source},
                                  {"value", round3(h.runs[i].value)}});
    json::array points;
    for (const auto& cp : h.change_points)
      points.push_back(json::object{{"run", cp.index + 1},
                                    {"before", round3(cp.before)},
                                    {"after", round3(cp.after)},
                                    {"change_percent", round3(cp.change_percent())},
                                    {"p_value", round3(cp.p_value)}});
    cases.push_back(json::object{{"id", h.case_id},
                                 {"metric", metric_name(h.metric)},
                                 {"unit", metric_unit(h.metric)},
                                 {"runs", std::move(runs)},
                                 {"change_points", std::move(points)}});
  }
  return json::object{{"method", "E-divisive means, permutation test"},
                      {"cases", std::move(cases)}};
}

std::string history_page(const std::vector<CaseHistory>& histories) {
  const auto esc = [](const std::string& s) { return util::escape_markup(s); };
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>perf-agent "
       "history</title><style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222}"
       "table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;"
       "text-align:right}td:last-child{text-align:left}.pt{font-weight:600;font-size:13px}"
       ".pa{font-size:11px;fill:#444}.cp{color:#c0392b;font-weight:600}</style></head><body>"
       "<h1>History</h1><p>Change points by E-divisive means with a permutation test at 5 %: "
       "each marked at the first run of the new level.</p>";
  for (const auto& c : histories) {
    const std::string name(metric_name(c.metric)), unit(metric_unit(c.metric));
    Plot plot{name + " by run", "run", unit, {{name, "#2471a3", {}, true}}, {}, false};
    for (std::size_t i = 0; i < c.runs.size(); ++i)
      plot.lines[0].points.emplace_back(double(i + 1), c.runs[i].value);
    for (const auto& cp : c.change_points)
      plot.marks.push_back({double(cp.index + 1) - 0.5, "run " + std::to_string(cp.index + 1)});
    h << "<section><h2>" << esc(c.case_id) << "</h2>" << svg_plot(plot, 720, 240);
    for (const auto& cp : c.change_points)
      h << "<p class=\"cp\">" << esc(change_line(cp, c.metric)) << "</p>";
    if (c.change_points.empty()) h << "<p>No change point.</p>";
    h << "<details><summary>" << c.runs.size() << " runs</summary><table><tr><th>run</th><th>"
      << "started</th><th>" << esc(name) << " (" << esc(unit) << ")</th><th>source</th></tr>";
    for (std::size_t i = 0; i < c.runs.size(); ++i)
      h << "<tr><td>" << i + 1 << "</td><td>" << utc_time(c.runs[i].started_unix_ms) << "</td><td>"
        << fixed(c.runs[i].value, 2) << "</td><td>" << esc(c.runs[i].source) << "</td></tr>";
    h << "</table></details></section>";
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace perf::compare
