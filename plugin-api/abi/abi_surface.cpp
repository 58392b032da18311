// The ABI surface of the SDK: one exported function whose parameters reach every type a plugin
// and the host exchange. libabigail (abidw) reads its debug information; tests/abi compares it
// with the stored baseline (plugin-api/abi/sdk-MAJOR.abi) so a change without a MAJOR bump fails.
// A MINOR that adds types adds a function perf_sdk_abi_surface_MAJOR_MINOR taking them (an
// addition); a new parameter here would change this function, which only a MAJOR may do.
#include "perf/api/plugin_descriptor.hpp"
#include "perf/api/reporter.hpp"
#include "perf/api/test_type.hpp"
#include "perf/sdk/options.hpp"
#include "perf/sdk/steps.hpp"

extern "C" __attribute__((visibility("default"))) void perf_sdk_abi_surface(
    perf::api::PluginDescriptor*, perf::api::TestType*, perf::api::Session*, perf::api::Reporter*,
    perf::api::RequestFactory*, perf::api::PlanContext*, perf::api::PlanOutput*,
    perf::api::ApiModel*, perf::api::TestCase*, perf::api::CaseResult*, perf::api::Phase*,
    perf::api::PhaseResult*, perf::api::Exchange*, perf::api::ProbeOptions*,
    perf::api::ResourceSample*, perf::api::Snapshot*, perf::api::ReporterConfig*,
    perf::api::RunInfo*, perf::api::RunSummary*, perf::api::Settings*, perf::api::Metrics*,
    perf::sdk::Options*, perf::sdk::Step*, perf::sdk::StepMeasure*, perf::sdk::StepsOutcome*) {}
