// Exports a reporter from a plugin library (no Asio needed):
//   PERF_AGENT_REPORTER_PLUGIN(MarkdownReporter, "markdown", "1.0.0", "Writes a summary")
#pragma once

#include "perf/api/plugin_descriptor.hpp"
#include "perf/api/reporter.hpp"

#include <boost/dll/alias.hpp>

#define PERF_AGENT_REPORTER_PLUGIN(CLASS, ID, VERSION, SUMMARY)         \
  namespace {                                                           \
  ::perf::api::Reporter* perf_agent_create_reporter() {                 \
    return new CLASS();                                                 \
  }                                                                     \
  }                                                                     \
  PERF_AGENT_DEFINE_PLUGIN_(::perf::api::PluginKind::reporter, nullptr, \
                            &perf_agent_create_reporter, ID, VERSION, SUMMARY, 0)
