// Small inline SVG line charts for the HTML report: no scripts, no external files.
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

std::string escape(const std::string& text);

}  // namespace perf::html
