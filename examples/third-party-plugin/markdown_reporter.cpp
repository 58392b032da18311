// markdown: a third-party reporter writing a Markdown summary table (summary.md).
#include "perf/api/reporter_plugin.hpp"
#include "perf/util/files.hpp"

#include <cstdio>
#include <sstream>

namespace {

using namespace perf;

class MarkdownReporter final : public api::Reporter {
 public:
  void configure(const api::ReporterConfig& config) override {
    path_ = config.output_path.empty() ? "summary.md" : config.output_path;
  }
  void end(const api::RunSummary& s) override {
    std::ostringstream md;
    md << "# Performance summary: " << s.verdict << "\n\nTarget: " << s.info.target << "\n\n"
       << "| case | verdict | requests | p95 ms | errors % |\n|---|---|---|---|---|\n";
    for (const auto& c : s.cases) {
      char row[128];
      std::snprintf(row, sizeof row, " | %llu | %.2f | %.2f |\n",
                    static_cast<unsigned long long>(c.metrics.total_requests),
                    c.metrics.percentile_ms(95), c.metrics.error_rate_percent());
      md << "| " << c.test_case.id << " | " << api::to_string(c.verdict) << row;
    }
    util::write_file_atomically(path_, md.str());
  }

 private:
  std::string path_ = "summary.md";
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(MarkdownReporter, "markdown", "1.0.0",
                           "Markdown summary table (summary.md)")
