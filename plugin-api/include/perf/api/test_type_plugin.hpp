// Exports a test type from a plugin library:
//   PERF_AGENT_TEST_TYPE_PLUGIN(StressTest, "stress_test", "1.0.0", "What it measures")
#pragma once

#include "perf/api/plugin_descriptor.hpp"
#include "perf/api/test_type.hpp"

#include <boost/dll/alias.hpp>

#define PERF_AGENT_TEST_TYPE_PLUGIN(CLASS, ID, VERSION, SUMMARY)                              \
  namespace {                                                                                 \
  ::perf::api::TestType* perf_agent_create_test_type() {                                      \
    return new CLASS();                                                                       \
  }                                                                                           \
  }                                                                                           \
  PERF_AGENT_DEFINE_PLUGIN_(::perf::api::PluginKind::test_type, &perf_agent_create_test_type, \
                            nullptr, ID, VERSION, SUMMARY)
