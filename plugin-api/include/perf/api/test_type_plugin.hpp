// Exports a test type from a plugin library:
//   PERF_AGENT_TEST_TYPE_PLUGIN(StressTest, "stress_test", "1.0.0", "What it measures")
// or, with traits (plugin_descriptor.hpp), e.g. one whose cases are load phases only:
//   PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(StressTest, "stress_test", "1.0.0", "...",
//                                           ::perf::api::trait_segments_divide)
#pragma once

#include "perf/api/plugin_descriptor.hpp"
#include "perf/api/test_type.hpp"

#include <boost/dll/alias.hpp>

#define PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(CLASS, ID, VERSION, SUMMARY, TRAITS)          \
  namespace {                                                                                 \
  ::perf::api::TestType* perf_agent_create_test_type() {                                      \
    return new CLASS();                                                                       \
  }                                                                                           \
  }                                                                                           \
  PERF_AGENT_DEFINE_PLUGIN_(::perf::api::PluginKind::test_type, &perf_agent_create_test_type, \
                            nullptr, ID, VERSION, SUMMARY, TRAITS)

#define PERF_AGENT_TEST_TYPE_PLUGIN(CLASS, ID, VERSION, SUMMARY) \
  PERF_AGENT_TEST_TYPE_PLUGIN_WITH_TRAITS(CLASS, ID, VERSION, SUMMARY, 0)
