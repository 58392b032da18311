// Inline SVG plots for the comparison and history pages: lines on a shared scale, with optional
// vertical marks (change points). No scripts, no external files: the pages open offline.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace perf::compare {

struct PlotLine {
  std::string name;
  std::string color;                              // CSS colour
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
  bool dots = false;  // also mark each point (few points: runs of a history)
};

struct PlotMark {
  double x = 0;
  std::string label;  // shown at the top of the mark
};

struct Plot {
  std::string title, x_label, y_label;
  std::vector<PlotLine> lines;
  std::vector<PlotMark> marks;
  bool y_from_zero = false;  // else the y range fits the data (small changes stay visible)
};

std::string svg_plot(const Plot& plot, int width = 560, int height = 230);

}  // namespace perf::compare
