#include "svg_chart.hpp"

#include "perf/util/markup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace perf::html {

std::string escape(const std::string& text) {
  return util::escape_markup(text);
}

namespace {
std::string number(double v) {
  char b[32];
  if (std::fabs(v) >= 1000)
    std::snprintf(b, sizeof b, "%.0f", v);
  else if (std::fabs(v) >= 10)
    std::snprintf(b, sizeof b, "%.1f", v);
  else
    std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}
}  // namespace

std::string line_chart(const std::string& title, const std::string& x_label,
                       const std::string& y_label, const std::vector<Series>& series, int width,
                       int height) {
  const double left = 56, right = 12, top = 26, bottom = 34;
  double x_min = 1e300, x_max = -1e300, y_max = 0;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  if (x_min > x_max) x_min = 0, x_max = 1;
  if (x_max == x_min) x_max = x_min + 1;
  if (y_max <= 0) y_max = 1;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  auto px = [&](double x) { return left + (x - x_min) / (x_max - x_min) * plot_w; };
  auto py = [&](double y) { return top + plot_h - y / y_max * plot_h; };
  std::ostringstream svg;
  svg << "<svg class=\"chart\" role=\"img\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\">"
      << "<title>" << escape(title) << "</title>"
      << "<text x=\"" << left << "\" y=\"16\" class=\"ct\">" << escape(title) << "</text>"
      << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
      << plot_h << "\" class=\"frame\"/>"
      << "<text x=\"" << left - 4 << "\" y=\"" << top + 10 << "\" class=\"ax\" text-anchor=\"end\">"
      << number(y_max) << "</text>"
      << "<text x=\"" << left - 4 << "\" y=\"" << top + plot_h
      << "\" class=\"ax\" text-anchor=\"end\">0</text>"
      << "<text x=\"" << left << "\" y=\"" << height - 18 << "\" class=\"ax\">" << number(x_min)
      << "</text>"
      << "<text x=\"" << left + plot_w << "\" y=\"" << height - 18
      << "\" class=\"ax\" text-anchor=\"end\">" << number(x_max) << "</text>"
      << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 4
      << "\" class=\"ax\" text-anchor=\"middle\">" << escape(x_label) << "</text>"
      << "<text x=\"12\" y=\"" << top + plot_h / 2 << "\" class=\"ax\" transform=\"rotate(-90 12 "
      << top + plot_h / 2 << ")\" text-anchor=\"middle\">" << escape(y_label) << "</text>";
  // The legend sits right-aligned on the title line, clear of the title.
  double legend_width = 0;
  for (const auto& s : series) legend_width += 24 + 7.0 * double(s.name.size());
  double legend_x =
      std::max(left + 8.0 + 7.5 * double(title.size()), double(width) - right - legend_width);
  for (const auto& s : series) {
    if (!s.points.empty()) {
      svg << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.6\" points=\"";
      for (const auto& [x, y] : s.points) svg << number(px(x)) << "," << number(py(y)) << " ";
      svg << "\"/>";
      if (s.points.size() < 40)
        for (const auto& [x, y] : s.points)
          svg << "<circle cx=\"" << number(px(x)) << "\" cy=\"" << number(py(y))
              << "\" r=\"2.2\" fill=\"" << s.color << "\"/>";
    }
    svg << "<rect x=\"" << legend_x << "\" y=\"8\" width=\"10\" height=\"10\" fill=\"" << s.color
        << "\"/>"
        << "<text x=\"" << legend_x + 14 << "\" y=\"17\" class=\"ax\">" << escape(s.name)
        << "</text>";
    legend_x += 24 + 7.0 * double(s.name.size());
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace perf::html
