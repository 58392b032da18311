// `perf-agent export` (DESIGN §10.5): a plan turned into a script another load tool runs as it
// is: k6 (ES module), Apache JMeter (.jmx) or Artillery (YAML). Requests, load shape,
// thresholds, data rows and flows are carried over where the tool has them; the rest is listed
// in NotCarried.
#pragma once

#include "perf/export/not_carried.hpp"
#include "perf/plan/plan_io.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perf::exporter {

enum class Format { k6, jmeter, artillery };

// "k6", "jmeter", "artillery"; nullopt for anything else.
std::optional<Format> format_from(std::string_view word);

// Credentials are not written into scripts: each tool reads them at run time from where its
// users keep secrets (environment variables, JMeter properties). `headers` (--header) are
// written as given.
struct ExportCredentials {
  std::vector<std::pair<std::string, std::string>> headers;  // --header lines, split
  bool bearer = false;                                       // --bearer-token was given
  bool basic = false;                                        // --basic
  std::string api_key_name;  // --api-key NAME=...: the name (placement from the plan's schemes)
};

struct ExportOptions {
  double time_scale = 1;
  std::string target;                   // base URL replacing the plan's ("" keeps it)
  std::vector<std::string> thresholds;  // --threshold and the config file's, k6 grammar
  ExportCredentials credentials;
  std::string script_name;  // the output file's name, for data file names and comments
};

struct DataFile {
  std::string name;  // beside the script: "<script stem>.<case n>.csv"
  std::string text;
};

struct ExportedScript {
  std::string text;
  std::vector<DataFile> data_files;
  NotCarried not_carried;
};

ExportedScript export_plan(const plan::Plan& plan, Format format, const ExportOptions& options);

}  // namespace perf::exporter
