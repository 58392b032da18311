// json: the full result (DESIGN §7, docs/result-schema.json), written atomically.
#include "perf/api/reporter_plugin.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"

namespace {

using namespace perf;

class JsonReporter final : public api::Reporter {
 public:
  void configure(const api::ReporterConfig& config) override {
    path_ = config.output_path.empty() ? "results.json" : config.output_path;
  }
  void end(const api::RunSummary& summary) override {
    util::write_file_atomically(path_, report::pretty(report::to_json(summary)));
  }

 private:
  std::string path_ = "results.json";
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(JsonReporter, "json", "1.0.0", "Full results as JSON (results.json)")
