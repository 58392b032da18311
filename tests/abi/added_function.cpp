// An addition to the ABI surface, as a new MINOR would add one for its new types: a second
// exported function. The guard's tests build it beside abi_surface.cpp.
#include "perf/api/metrics.hpp"

extern "C" __attribute__((visibility("default"))) void perf_sdk_abi_surface_1_1(
    perf::api::Metrics*) {}
