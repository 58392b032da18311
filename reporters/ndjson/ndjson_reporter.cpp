// ndjson: the run as it happens, one JSON object per line (k6's JSON-lines habit), flushed line
// by line so `tail -f` or a pipe sees each second as it ends: {"type":"interval",...} once a
// second per running case, {"type":"case_done",...} per case, {"type":"end",...} last. The
// interval fields are the live stream's (DESIGN §10.3). A stream, so not written atomically: a
// killed run leaves every line it had measured.
#include "perf/api/reporter_plugin.hpp"

#include <boost/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace {

using namespace perf;
namespace json = boost::json;

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

class NdjsonReporter final : public api::Reporter {
 public:
  ~NdjsonReporter() override {
    if (file_ && file_ != stdout) std::fclose(file_);
  }
  void configure(const api::ReporterConfig& config) override {
    path_ = config.output_path.empty() ? "live.ndjson" : config.output_path;
  }
  void begin(const api::RunInfo& info) override {
    file_ = path_ == "-" ? stdout : std::fopen(path_.c_str(), "w");
    if (!file_) error_ = path_ + ": cannot write: " + std::strerror(errno);
    write(json::object{{"type", "begin"},
                       {"tool", info.tool},
                       {"target", info.target},
                       {"planned_cases", info.planned_cases}});
  }
  void interval(const api::Snapshot& s) override {
    const auto& p = s.point;
    // Percentiles are of answered requests: null when none was answered in the second.
    auto ms = [&p](double v) {
      return p.responses ? json::value(round3(v)) : json::value(nullptr);
    };
    write(json::object{{"type", "interval"},
                       {"case", s.case_id},
                       {"phase", s.phase},
                       {"t_s", round3(s.elapsed_s)},
                       {"requests", p.requests},
                       {"responses", p.responses},
                       {"rps", round3(p.rps)},
                       {"p50_ms", ms(p.p50_ms)},
                       {"p90_ms", ms(p.p90_ms)},
                       {"p95_ms", ms(p.p95_ms)},
                       {"p99_ms", ms(p.p99_ms)},
                       {"errors_per_s", round3(p.errors_per_s)},
                       {"active_users", round3(p.active_users)}});
  }
  void case_done(const api::CaseResult& r) override {
    write(json::object{{"type", "case_done"},
                       {"case", r.test_case.id},
                       {"verdict", api::to_string(r.verdict)},
                       {"requests", r.metrics.total_requests}});
  }
  void end(const api::RunSummary& s) override {
    write(json::object{{"type", "end"}, {"verdict", s.verdict}, {"exit_code", s.exit_code}});
    if (file_ && file_ != stdout && std::fclose(file_) != 0 && error_.empty())
      error_ = path_ + ": " + std::strerror(errno);
    file_ = nullptr;
    if (!error_.empty()) throw std::runtime_error(error_);
  }

 private:
  void write(const json::object& line) {
    if (!file_) return;
    const std::string text = json::serialize(line) + "\n";
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0)
      if (error_.empty()) error_ = path_ + ": " + std::strerror(errno);
  }
  std::string path_ = "live.ndjson";
  std::FILE* file_ = nullptr;
  std::string error_;
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(NdjsonReporter, "ndjson", "1.0.0",
                           "Live JSON lines: one interval per second per case, then verdicts")
