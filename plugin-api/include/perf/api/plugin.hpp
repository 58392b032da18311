// The one entry point every plugin library exports, and the macros that write it.
//
//   PERF_AGENT_TEST_TYPE_PLUGIN(MyTest, "my_test", "1.0.0", "What it measures")
//   PERF_AGENT_REPORTER_PLUGIN(MyReporter, "markdown", "1.0.0", "Writes a Markdown summary")
#pragma once

#include "perf/api/abi.hpp"
#include "perf/api/reporter.hpp"
#include "perf/api/test_type.hpp"

#include <boost/dll/alias.hpp>

#include <cstdint>

namespace perf::api {

enum class PluginKind : std::uint32_t { test_type = 1, reporter = 2 };

// Returned by the exported entry point. The first two fields never move: the host reads them
// before it trusts anything else in the library.
struct PluginDescriptor {
  std::uint32_t abi;
  const char* fingerprint;
  PluginKind kind;
  const char* id;
  const char* version;
  const char* summary;
  TestType* (*create_test_type)();  // set for test types
  Reporter* (*create_reporter)();   // set for reporters
};

using PluginEntry = const PluginDescriptor*();

inline constexpr const char* plugin_entry_name = "perf_agent_plugin_v1";

}  // namespace perf::api

// Tests build one plugin with another number to prove the host refuses it.
#ifndef PERF_AGENT_PLUGIN_ABI
#define PERF_AGENT_PLUGIN_ABI ::perf::api::abi_version
#endif

#define PERF_AGENT_DEFINE_PLUGIN_(KIND, TT, REP, ID, VERSION, SUMMARY)                    \
  namespace {                                                                             \
  const ::perf::api::PluginDescriptor* perf_agent_describe() {                            \
    static const ::perf::api::PluginDescriptor descriptor{PERF_AGENT_PLUGIN_ABI,          \
                                                          ::perf::api::build_fingerprint, \
                                                          KIND,                           \
                                                          ID,                             \
                                                          VERSION,                        \
                                                          SUMMARY,                        \
                                                          TT,                             \
                                                          REP};                           \
    return &descriptor;                                                                   \
  }                                                                                       \
  }                                                                                       \
  BOOST_DLL_ALIAS(perf_agent_describe, perf_agent_plugin_v1)

#define PERF_AGENT_TEST_TYPE_PLUGIN(CLASS, ID, VERSION, SUMMARY)                              \
  namespace {                                                                                 \
  ::perf::api::TestType* perf_agent_create_test_type() {                                      \
    return new CLASS();                                                                       \
  }                                                                                           \
  }                                                                                           \
  PERF_AGENT_DEFINE_PLUGIN_(::perf::api::PluginKind::test_type, &perf_agent_create_test_type, \
                            nullptr, ID, VERSION, SUMMARY)

#define PERF_AGENT_REPORTER_PLUGIN(CLASS, ID, VERSION, SUMMARY)         \
  namespace {                                                           \
  ::perf::api::Reporter* perf_agent_create_reporter() {                 \
    return new CLASS();                                                 \
  }                                                                     \
  }                                                                     \
  PERF_AGENT_DEFINE_PLUGIN_(::perf::api::PluginKind::reporter, nullptr, \
                            &perf_agent_create_reporter, ID, VERSION, SUMMARY)
