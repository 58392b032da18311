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

std::string bar_chart(const std::string& title, const std::string& unit,
                      const std::vector<Bar>& bars, int width) {
  const double label_w = 250, right = 70, row_h = 18, top = 24;
  const int height = int(top + row_h * double(bars.size()) + 6);
  double max = 0;
  for (const auto& b : bars)
    if (b.known) max = std::max(max, b.value);
  if (max <= 0) max = 1;
  const double plot_w = width - label_w - right;
  std::ostringstream svg;
  svg << "<svg class=\"chart\" role=\"img\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\"><title>" << escape(title)
      << "</title><text x=\"4\" y=\"16\" class=\"ct\">" << escape(title) << "</text>";
  double y = top;
  for (const auto& b : bars) {
    // Long case ids keep their end, where the method, path and pattern are.
    std::string label = b.label;
    if (label.size() > 38) {
      std::size_t from = label.size() - 37;
      // Not inside a UTF-8 sequence: continuation bytes are 10xxxxxx.
      while (from < label.size() && (static_cast<unsigned char>(label[from]) & 0xC0) == 0x80)
        ++from;
      label = "\u2026" + label.substr(from);
    }
    svg << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 12
        << "\" class=\"ax\" text-anchor=\"end\">" << escape(label) << "</text>";
    const double w = b.known ? std::max(1.0, b.value / max * plot_w) : 0;
    if (b.known)
      svg << "<rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << number(w)
          << "\" height=\"" << row_h - 6 << "\" class=\"bar " << escape(b.css_class) << "\"/>";
    svg << "<text x=\"" << label_w + w + 4 << "\" y=\"" << y + 12 << "\" class=\"ax\">"
        << (b.known ? number(b.value) + " " + escape(unit) : std::string("\u2014")) << "</text>";
    y += row_h;
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace perf::html
