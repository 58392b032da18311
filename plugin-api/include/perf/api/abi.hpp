// ABI identity of the plugin interface: the version number every plugin is built against and a
// fingerprint of the toolchain, both checked by the host before any other plugin code runs.
#pragma once

#include <boost/version.hpp>

#include <cstdint>

namespace perf::api {

// Bump on any change to a type or virtual function that crosses the plugin boundary.
inline constexpr std::uint32_t abi_version = 1;

#define PERF_AGENT_STR2(x) #x
#define PERF_AGENT_STR(x) PERF_AGENT_STR2(x)

// C++ types (std::string, boost::json, Asio awaitables) cross the boundary, so a plugin must be
// built with the same Boost, the same compiler and the same standard library as the host.
inline constexpr const char* build_fingerprint =
    "boost-" PERF_AGENT_STR(BOOST_VERSION) ";cxx-" __VERSION__ ";std-" PERF_AGENT_STR(__cplusplus)
#if defined(_GLIBCXX_RELEASE)
        ";libstdc++-" PERF_AGENT_STR(_GLIBCXX_RELEASE)
#endif
    ;

}  // namespace perf::api
