// Finds and loads plugin libraries (Boost.DLL): from the bundled folder next to the executable,
// PERF_AGENT_PLUGIN_PATH and --plugin-dir. A file that is not a usable plugin is named with the
// reason and skipped; the others still load. Objects a plugin creates keep its library loaded.
#pragma once

#include "perf/api/plugin_descriptor.hpp"
#include "perf/api/reporter.hpp"
#include "perf/api/test_type.hpp"

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace perf::plugins {

struct LoadedPlugin {
  std::string id;
  api::PluginKind kind;
  std::string version;
  std::string summary;
  std::filesystem::path file;
  std::shared_ptr<boost::dll::shared_library> library;
  const api::PluginDescriptor* descriptor = nullptr;
  std::string sdk;           // "1.0": the SDK version the plugin was built against
  std::uint32_t traits = 0;  // api::trait_* bits (0 for a descriptor without the field)
};

struct PluginProblem {
  std::filesystem::path file;
  std::string reason;
  std::string message() const { return file.string() + ": " + reason; }
};

std::string_view to_string(api::PluginKind kind);

// Where the bundled plugins are: ../lib/perf-agent relative to the running executable.
std::filesystem::path bundled_plugin_dir();

class PluginRegistry {
 public:
  // Loads every candidate file (*.so, *.so.*) of each folder, in order; the first plugin with an
  // id wins and later ones are reported as duplicates.
  void load_folders(const std::vector<std::filesystem::path>& folders);
  // Loads one file; false (with a problem recorded) when it is not a usable plugin.
  bool load_file(const std::filesystem::path& file);

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginProblem>& problems() const { return problems_; }

  const LoadedPlugin* find(std::string_view id, api::PluginKind kind) const;
  std::vector<std::string> ids(api::PluginKind kind) const;

  // The object's deleter holds the library: it cannot be unloaded while the object lives.
  std::shared_ptr<api::TestType> create_test_type(const LoadedPlugin& plugin) const;
  std::shared_ptr<api::Reporter> create_reporter(const LoadedPlugin& plugin) const;

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginProblem> problems_;
};

// The folders to search: bundled, then PERF_AGENT_PLUGIN_PATH (':'-separated), then --plugin-dir.
std::vector<std::filesystem::path> plugin_folders(const std::vector<std::string>& plugin_dirs);

}  // namespace perf::plugins
