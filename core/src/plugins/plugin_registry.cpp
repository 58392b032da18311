#include "perf/plugins/plugin_registry.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace perf::plugins {

namespace fs = std::filesystem;

std::string_view to_string(api::PluginKind kind) {
  switch (kind) {
    case api::PluginKind::test_type:
      return "test_type";
    case api::PluginKind::reporter:
      return "reporter";
  }
  return "unknown";
}

fs::path bundled_plugin_dir() {
  boost::system::error_code ec;
  const fs::path exe = boost::dll::program_location(ec);
  if (ec) return {};
  return (exe.parent_path() / ".." / "lib" / "perf-agent").lexically_normal();
}

std::vector<fs::path> plugin_folders(const std::vector<std::string>& plugin_dirs) {
  std::vector<fs::path> folders;
  if (auto bundled = bundled_plugin_dir(); !bundled.empty()) folders.push_back(bundled);
  if (const char* env = std::getenv("PERF_AGENT_PLUGIN_PATH"); env && *env) {
    std::stringstream in(env);
    std::string item;
    while (std::getline(in, item, ':'))
      if (!item.empty()) folders.emplace_back(item);
  }
  for (const auto& d : plugin_dirs) folders.emplace_back(d);
  return folders;
}

namespace {

bool is_candidate(const fs::path& file) {
  const std::string name = file.filename().string();
  return name.size() > 3 && (name.ends_with(".so") || name.find(".so.") != std::string::npos);
}

bool starts_like_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic,
                                         "\x7f"
                                         "ELF",
                                         4) == 0;
}

}  // namespace

void PluginRegistry::load_folders(const std::vector<fs::path>& folders) {
  std::vector<fs::path> seen;
  for (const auto& folder : folders) {
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(folder, ec);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
    seen.push_back(canonical);
    if (!fs::is_directory(folder, ec)) {
      problems_.push_back({folder, "plugin folder does not exist or is not a folder"});
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, ec))
      if (entry.is_regular_file(ec) && is_candidate(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // a stable order makes "first wins" predictable
    for (const auto& file : files) load_file(file);
  }
}

namespace {

// SDK 1.0's descriptor ends with create_reporter; later fields are read only when `size` says
// the plugin's build had them.
constexpr std::size_t sdk_1_0_descriptor_size = offsetof(api::PluginDescriptor, create_reporter) +
                                                sizeof(api::PluginDescriptor::create_reporter);

std::string version_text(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string boost_text(std::uint32_t major_minor) {
  return std::to_string(major_minor / 1000) + "." + std::to_string(major_minor % 1000);
}

}  // namespace

bool PluginRegistry::load_file(const fs::path& file) {
  auto refuse = [&](std::string reason) {
    problems_.push_back({file, std::move(reason)});
    return false;
  };
  if (!starts_like_elf(file)) return refuse("not a shared library (no ELF header)");
  // Loaded once, by Boost.DLL. Only when that fails is dlopen asked again, for its error text
  // (Boost.DLL reports a generic code); nothing stays loaded from that second attempt.
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::system::error_code ec;
  library->load(file, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local, ec);
  if (ec || !library->is_loaded()) {
    std::string why = ec.message();
    if (void* probe = ::dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL); !probe) {
      if (const char* text = ::dlerror()) why = text;
    } else {
      ::dlclose(probe);
    }
    return refuse("not a loadable shared library (" + why + ")");
  }
  if (!library->has(api::plugin_entry_name)) {
    if (library->has(api::pre_sdk_entry_name))
      return refuse(std::string("built for the plugin interface before SDK 1.0; this perf-agent "
                                "uses SDK ") +
                    version_text(api::sdk_major, api::sdk_minor) +
                    ": rebuild the plugin against this SDK");
    return refuse(std::string("no perf-agent entry point '") + api::plugin_entry_name +
                  "': not a perf-agent plugin");
  }
  auto& entry = library->get_alias<api::PluginEntry>(api::plugin_entry_name);
  const api::PluginDescriptor* d = entry();
  if (!d) return refuse("entry point returned no descriptor");
  if (d->size < sdk_1_0_descriptor_size)
    return refuse("descriptor of " + std::to_string(d->size) + " bytes is shorter than SDK " +
                  "1.0's (" + std::to_string(sdk_1_0_descriptor_size) +
                  "): not a plugin of this SDK");
  const std::string sdk = version_text(d->sdk_major, d->sdk_minor);
  const std::string host_sdk = version_text(api::sdk_major, api::sdk_minor);
  if (d->sdk_major != api::sdk_major)
    return refuse("built against SDK " + sdk + ", this perf-agent uses SDK " + host_sdk +
                  " (another major version): rebuild the plugin against this SDK");
  if (d->sdk_minor > api::sdk_minor)
    return refuse("built against SDK " + sdk + ", newer than this perf-agent's SDK " + host_sdk +
                  ": use a newer perf-agent or build the plugin against SDK " + host_sdk);
  if (d->cxx_abi != api::cxx_abi)
    return refuse("built with the C++ standard library ABI " + std::to_string(d->cxx_abi) +
                  ", this perf-agent with " + std::to_string(api::cxx_abi) +
                  " (_GLIBCXX_USE_CXX11_ABI): rebuild the plugin");
  if (d->boost_major_minor != api::boost_major_minor)
    return refuse("built with Boost " + boost_text(d->boost_major_minor) +
                  ", this perf-agent with Boost " + boost_text(api::boost_major_minor) +
                  ": rebuild the plugin with the same Boost major.minor");
  if (!d->id || !*d->id) return refuse("descriptor has no id");
  const bool test_type = d->kind == api::PluginKind::test_type && d->create_test_type;
  const bool reporter = d->kind == api::PluginKind::reporter && d->create_reporter;
  if (!test_type && !reporter) return refuse("descriptor names no kind it can create");
  if (const auto* other = find(d->id, d->kind))
    return refuse("duplicate " + std::string(to_string(d->kind)) + " id '" + d->id +
                  "' (already loaded from " + other->file.string() + ")");
  // Traits came with SDK 3.0's descriptor: read only when the plugin's build had the field.
  const bool has_traits =
      d->size >= offsetof(api::PluginDescriptor, traits) + sizeof(api::PluginDescriptor::traits);
  plugins_.push_back({d->id, d->kind, d->version ? d->version : "", d->summary ? d->summary : "",
                      fs::absolute(file), std::move(library), d, sdk, has_traits ? d->traits : 0u});
  return true;
}

const LoadedPlugin* PluginRegistry::find(std::string_view id, api::PluginKind kind) const {
  for (const auto& p : plugins_)
    if (p.id == id && p.kind == kind) return &p;
  return nullptr;
}

std::vector<std::string> PluginRegistry::ids(api::PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& p : plugins_)
    if (p.kind == kind) out.push_back(p.id);
  return out;
}

std::shared_ptr<api::TestType> PluginRegistry::create_test_type(const LoadedPlugin& plugin) const {
  api::TestType* raw = plugin.descriptor->create_test_type();
  // The deleter runs the plugin's destructor first, then lets go of the library.
  return std::shared_ptr<api::TestType>(raw,
                                        [library = plugin.library](api::TestType* p) { delete p; });
}

std::shared_ptr<api::Reporter> PluginRegistry::create_reporter(const LoadedPlugin& plugin) const {
  api::Reporter* raw = plugin.descriptor->create_reporter();
  return std::shared_ptr<api::Reporter>(raw,
                                        [library = plugin.library](api::Reporter* p) { delete p; });
}

}  // namespace perf::plugins
