// The plugin SDK's version and the toolchain facts that truly break the C++ ABI. The host loads a
// plugin when the MAJOR versions are equal and the plugin's MINOR is not newer than the host's
// (Apache httpd's module magic number is the model); see docs/plugin-guide.md for the promise.
#pragma once

#include <boost/version.hpp>

#include <cstdint>

namespace perf::api {

// Adding to the SDK (a new type, a new function in the helper library, a field at the end of
// PluginDescriptor) bumps MINOR. Changing or removing anything, including a field of a struct
// plugins create or read, or any virtual function, bumps MAJOR. The suite checks this against
// the stored ABI baseline (plugin-api/abi/); docs/plugin-guide.md has the whole promise.
inline constexpr std::uint32_t sdk_major = 3;
inline constexpr std::uint32_t sdk_minor = 0;

// std::string and std::list change layout with libstdc++'s dual ABI, and Boost's types change
// between its major.minor releases; nothing else a compiler point release does matters here.
#if defined(_GLIBCXX_USE_CXX11_ABI)
inline constexpr std::uint32_t cxx_abi = _GLIBCXX_USE_CXX11_ABI ? 11 : 98;
#else
inline constexpr std::uint32_t cxx_abi = 0;  // another standard library: compared as is
#endif
inline constexpr std::uint32_t boost_major_minor = BOOST_VERSION / 100;  // 1081 for 1.81.x

}  // namespace perf::api
