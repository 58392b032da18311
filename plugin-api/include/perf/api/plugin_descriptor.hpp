// The one entry point every plugin library exports: a descriptor the host reads before it
// trusts anything else in the library. Test types and reporters write it with the macros of
// test_type_plugin.hpp and reporter_plugin.hpp.
#pragma once

#include "perf/api/version.hpp"

#include <cstdint>

namespace perf::api {

class TestType;
class Reporter;

enum class PluginKind : std::uint32_t { test_type = 1, reporter = 2 };

// Can grow: a field is only ever appended, and `size` says how much of it the plugin knows. The
// host reads a field only when it lies inside `size`; the first five fields never move.
struct PluginDescriptor {
  std::uint32_t size;       // sizeof(PluginDescriptor) as the plugin was built
  std::uint32_t sdk_major;  // the SDK the plugin was built against
  std::uint32_t sdk_minor;
  std::uint32_t cxx_abi;            // api::cxx_abi of the plugin's build
  std::uint32_t boost_major_minor;  // api::boost_major_minor of the plugin's build
  PluginKind kind;
  const char* id;                   // "spike_test", "junit": what users name on the command line
  const char* version;              // the plugin's own version
  const char* summary;              // one line for `perf-agent plugins`
  TestType* (*create_test_type)();  // set for test types
  Reporter* (*create_reporter)();   // set for reporters
  std::uint32_t traits;             // trait_* bits below (test types); 0: none
};

// A test type whose cases are load phases only (no single probe requests) can run a share of
// each case in every segment of a distributed run (--segment I/N): the engine splits its users,
// arrivals and iterations. Without this trait a case runs in segment 0 only, whole, and the
// merged result takes it from there (probes do not divide: a cache or pagination probe sent by
// N machines is N probes, not one).
inline constexpr std::uint32_t trait_segments_divide = 1u << 0;

using PluginEntry = const PluginDescriptor*();

// The exported alias. Plugins of the interface before SDK 1.0 exported "perf_agent_plugin_v1";
// the host recognises that name to say "rebuild" instead of "not a plugin".
inline constexpr const char* plugin_entry_name = "perf_agent_plugin";
inline constexpr const char* pre_sdk_entry_name = "perf_agent_plugin_v1";

}  // namespace perf::api

// Tests build plugins with other numbers to prove the host refuses them.
#ifndef PERF_AGENT_PLUGIN_SDK_MAJOR
#define PERF_AGENT_PLUGIN_SDK_MAJOR ::perf::api::sdk_major
#endif
#ifndef PERF_AGENT_PLUGIN_SDK_MINOR
#define PERF_AGENT_PLUGIN_SDK_MINOR ::perf::api::sdk_minor
#endif

#define PERF_AGENT_DEFINE_PLUGIN_(KIND, TT, REP, ID, VERSION, SUMMARY, TRAITS)                   \
  namespace {                                                                                    \
  const ::perf::api::PluginDescriptor* perf_agent_describe() {                                   \
    static const ::perf::api::PluginDescriptor descriptor{sizeof(::perf::api::PluginDescriptor), \
                                                          PERF_AGENT_PLUGIN_SDK_MAJOR,           \
                                                          PERF_AGENT_PLUGIN_SDK_MINOR,           \
                                                          ::perf::api::cxx_abi,                  \
                                                          ::perf::api::boost_major_minor,        \
                                                          KIND,                                  \
                                                          ID,                                    \
                                                          VERSION,                               \
                                                          SUMMARY,                               \
                                                          TT,                                    \
                                                          REP,                                   \
                                                          TRAITS};                               \
    return &descriptor;                                                                          \
  }                                                                                              \
  }                                                                                              \
  BOOST_DLL_ALIAS(perf_agent_describe, perf_agent_plugin)
