#include "perf/compare/svg_plot.hpp"

#include "perf/util/markup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <tuple>

namespace perf::compare {

namespace {

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string esc(const std::string& s) {
  return util::escape_markup(s);
}

// A range widened so the lines do not touch the frame, and never empty.
std::pair<double, double> padded(double lo, double hi, bool from_zero) {
  if (from_zero) lo = std::min(lo, 0.0);
  if (!(lo < hi)) {
    const double half = std::max(std::abs(lo) * 0.05, 0.5);
    return {lo - half, hi + half};
  }
  const double margin = (hi - lo) * 0.06;
  return {from_zero && lo == 0 ? 0 : lo - margin, hi + margin};
}

}  // namespace

std::string svg_plot(const Plot& plot, int width, int height) {
  constexpr double left = 60, right = 14, top = 30, bottom = 38;
  double x_lo = std::numeric_limits<double>::max(), x_hi = std::numeric_limits<double>::lowest();
  double y_lo = x_lo, y_hi = x_hi;
  for (const auto& line : plot.lines)
    for (const auto& [x, y] : line.points) {
      x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
      y_lo = std::min(y_lo, y), y_hi = std::max(y_hi, y);
    }
  if (x_lo > x_hi) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (x_lo == x_hi) x_lo -= 0.5, x_hi += 0.5;
  std::tie(y_lo, y_hi) = padded(y_lo, y_hi, plot.y_from_zero);
  const double w = width - left - right, h = height - top - bottom;
  const auto sx = [&](double x) { return left + (x - x_lo) / (x_hi - x_lo) * w; };
  const auto sy = [&](double y) { return top + h - (y - y_lo) / (y_hi - y_lo) * h; };

  std::ostringstream s;
  s << "<svg class=\"plot\" role=\"img\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << ' ' << height << "\"><title>" << esc(plot.title)
    << "</title><text x=\"" << left << "\" y=\"18\" class=\"pt\">" << esc(plot.title) << "</text>"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << w << "\" height=\"" << h
    << "\" fill=\"none\" stroke=\"#999\"/>";
  // Four grid lines with their values: enough to read a level off the plot.
  for (int i = 0; i <= 4; ++i) {
    const double y = y_lo + (y_hi - y_lo) * i / 4;
    s << "<line x1=\"" << left << "\" x2=\"" << left + w << "\" y1=\"" << num(sy(y)) << "\" y2=\""
      << num(sy(y)) << "\" stroke=\"#e4e4e4\"/><text x=\"" << left - 5 << "\" y=\""
      << num(sy(y) + 4) << "\" class=\"pa\" text-anchor=\"end\">" << num(y) << "</text>";
  }
  s << "<text x=\"" << left << "\" y=\"" << height - 22 << "\" class=\"pa\">" << num(x_lo)
    << "</text><text x=\"" << left + w << "\" y=\"" << height - 22
    << "\" class=\"pa\" text-anchor=\"end\">" << num(x_hi) << "</text><text x=\"" << left + w / 2
    << "\" y=\"" << height - 6 << "\" class=\"pa\" text-anchor=\"middle\">" << esc(plot.x_label)
    << "</text><text x=\"14\" y=\"" << top + h / 2
    << "\" class=\"pa\" text-anchor=\"middle\" transform=\"rotate(-90 14 " << top + h / 2 << ")\">"
    << esc(plot.y_label) << "</text>";
  for (const auto& mark : plot.marks) {
    const double x = sx(mark.x);
    s << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << top << "\" y2=\""
      << top + h << "\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/><text x=\"" << num(x + 3)
      << "\" y=\"" << top + 11 << "\" class=\"pa\" fill=\"#c0392b\">" << esc(mark.label)
      << "</text>";
  }
  double legend_x = left + w;
  for (auto it = plot.lines.rbegin(); it != plot.lines.rend(); ++it) {
    legend_x -= 22 + 6.5 * double(it->name.size());
    s << "<rect x=\"" << num(legend_x) << "\" y=\"9\" width=\"12\" height=\"3\" fill=\""
      << it->color << "\"/><text x=\"" << num(legend_x + 15) << "\" y=\"14\" class=\"pa\">"
      << esc(it->name) << "</text>";
  }
  for (const auto& line : plot.lines) {
    if (line.points.empty()) continue;
    s << "<polyline fill=\"none\" stroke-width=\"1.7\" stroke=\"" << line.color << "\" points=\"";
    for (const auto& [x, y] : line.points) s << num(sx(x)) << ',' << num(sy(y)) << ' ';
    s << "\"/>";
    if (line.dots)
      for (const auto& [x, y] : line.points)
        s << "<circle r=\"2.6\" fill=\"" << line.color << "\" cx=\"" << num(sx(x)) << "\" cy=\""
          << num(sy(y)) << "\"/>";
  }
  s << "</svg>";
  return s.str();
}

}  // namespace perf::compare
