#include "perf/compare/comparison_text.hpp"

#include "perf/compare/text_format.hpp"

#include <sstream>

namespace perf::compare {

namespace {

std::string pad(const std::string& s, std::size_t width, bool right = false) {
  // Width in characters, not bytes: "±" and "→" are two and three bytes in UTF-8.
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  if (chars >= width) return s;
  const std::string fill(width - chars, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string format_value(const std::optional<double>& value, Metric metric) {
  if (!value) return "-";
  const int decimals = metric == Metric::throughput ? 1 : metric == Metric::error_rate ? 2 : 2;
  return fixed(*value, decimals) + " " + std::string(metric_unit(metric));
}

std::string format_change(const MetricComparison& m) {
  if (!m.change) return "";
  return fixed(*m.change, 1, true) + (m.in_points ? " pp" : " %");
}

std::string format_interval(const MetricComparison& m) {
  if (!m.low || !m.high) return "";
  return "[" + fixed(*m.low, 1, true) + ", " + fixed(*m.high, 1, true) + "]";
}

std::string comparison_table(const Comparison& comparison) {
  std::ostringstream out;
  out << "Base: " << comparison.base.file;
  if (const auto d = utc_time(comparison.base.started_unix_ms); !d.empty()) out << " (" << d << ")";
  out << "\nNew:  " << comparison.now.file;
  if (const auto d = utc_time(comparison.now.started_unix_ms); !d.empty()) out << " (" << d << ")";
  out << "\nbase, new: the runs' values; change and interval: of the median second (error rate: of "
         "the whole run)\n";
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const auto& c : comparison.cases) {
    out << "\n" << c.id << "\n";
    out << "  " << pad("metric", 11) << pad("base", 13, true) << pad("new", 13, true)
        << pad("change", 11, true) << "  " << pad("95 % interval", 17) << "verdict\n";
    for (const auto& m : c.metrics) {
      ++counts[int(m.verdict)];
      out << "  " << pad(std::string(metric_name(m.metric)), 11)
          << pad(format_value(m.base, m.metric), 13, true)
          << pad(format_value(m.now, m.metric), 13, true) << pad(format_change(m), 11, true) << "  "
          << pad(format_interval(m), 17) << verdict_name(m.verdict);
      if (!m.reason.empty()) out << " (" << m.reason << ")";
      out << "\n";
    }
  }
  for (const auto& id : comparison.only_in_base) out << "\nOnly in base (not compared): " << id;
  for (const auto& id : comparison.only_in_new) out << "\nOnly in new (not compared): " << id;
  if (!comparison.only_in_base.empty() || !comparison.only_in_new.empty()) out << "\n";
  out << "\n"
      << counts[int(Verdict::regression)] << " regressions, " << counts[int(Verdict::improvement)]
      << " improvements, " << counts[int(Verdict::no_change)] << " no change, "
      << counts[int(Verdict::cannot_decide)] << " cannot decide (a change counts when its "
      << fixed(comparison.options.confidence * 100, 0)
      << " % interval excludes 0 and it is at least: "
      << min_effects_text(comparison.options.min_effect) << ")\n";
  return out.str();
}

}  // namespace perf::compare
