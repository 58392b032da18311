#include "perf/export/export_script.hpp"

#include "artillery_script.hpp"
#include "data_files.hpp"
#include "jmeter_plan.hpp"
#include "k6_script.hpp"

namespace perf::exporter {

std::optional<Format> format_from(std::string_view word) {
  if (word == "k6") return Format::k6;
  if (word == "jmeter") return Format::jmeter;
  if (word == "artillery") return Format::artillery;
  return std::nullopt;
}

ExportedScript export_plan(const plan::Plan& plan, Format format, const ExportOptions& options) {
  ExportedScript out;
  const auto cases = script_cases(plan, options, out.not_carried);
  const auto title = plan.api_title.empty() ? std::string("the API") : plan.api_title;
  switch (format) {
    case Format::k6:
      // k6 reads no files the script does not open: data rows are written into the script.
      out.text = k6_script(cases, title, out.not_carried);
      return out;
    case Format::jmeter:
      out.text = jmeter_plan(cases, title, options.script_name, out.not_carried);
      break;
    case Format::artillery:
      out.text = artillery_script(cases, title, options.script_name, out.not_carried);
      break;
  }
  for (const auto& c : cases)
    if (!c.data.rows.empty())
      out.data_files.push_back({data_file_name(options.script_name, c), data_file_text(c.data)});
  return out;
}

}  // namespace perf::exporter
