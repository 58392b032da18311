// Small inline SVG line and bar charts for the HTML report: no scripts, no external files.
#pragma once

#include <string>
#include <vector>

namespace perf::html {

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

// A chart with axes, min/max labels and a legend; empty series draw an empty frame.
std::string line_chart(const std::string& title, const std::string& x_label,
                       const std::string& y_label, const std::vector<Series>& series,
                       int width = 520, int height = 200);

// One horizontal bar per row, labelled, scaled to the largest value: compares cases at a glance.
struct Bar {
  std::string label;
  double value = 0;
  std::string css_class;  // the verdict: the bar takes its colour
  bool known = true;      // false: nothing to draw (no answer), the row says "—"
};
std::string bar_chart(const std::string& title, const std::string& unit,
                      const std::vector<Bar>& bars, int width = 520);

std::string escape(const std::string& text);

}  // namespace perf::html
