#include "plugin_registry.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace perf::host {

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

bool PluginRegistry::load_file(const fs::path& file) {
  auto refuse = [&](std::string reason) {
    problems_.push_back({file, std::move(reason)});
    return false;
  };
  if (!starts_like_elf(file)) return refuse("not a shared library (no ELF header)");
  // dlopen once by hand for its error text (Boost.DLL only reports a generic error code).
  if (void* probe = ::dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL); !probe) {
    const char* why = ::dlerror();
    return refuse("not a loadable shared library (" + std::string(why ? why : "dlopen failed") +
                  ")");
  } else {
    ::dlclose(probe);
  }
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::system::error_code ec;
  library->load(file, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local, ec);
  if (ec || !library->is_loaded()) {
    return refuse("not a loadable shared library (" + ec.message() + ")");
  }
  if (!library->has(api::plugin_entry_name))
    return refuse(std::string("no perf-agent entry point '") + api::plugin_entry_name +
                  "': not a perf-agent plugin");
  auto& entry = library->get_alias<api::PluginEntry>(api::plugin_entry_name);
  const api::PluginDescriptor* d = entry();
  if (!d) return refuse("entry point returned no descriptor");
  if (d->abi != api::abi_version)
    return refuse("built for plugin ABI " + std::to_string(d->abi) + ", this perf-agent uses ABI " +
                  std::to_string(api::abi_version) + ": rebuild the plugin against this SDK");
  if (!d->fingerprint || std::strcmp(d->fingerprint, api::build_fingerprint) != 0)
    return refuse(std::string("built with ") + (d->fingerprint ? d->fingerprint : "(none)") +
                  ", this perf-agent with " + api::build_fingerprint +
                  ": rebuild the plugin with the same Boost and compiler");
  if (!d->id || !*d->id) return refuse("descriptor has no id");
  const bool test_type = d->kind == api::PluginKind::test_type && d->create_test_type;
  const bool reporter = d->kind == api::PluginKind::reporter && d->create_reporter;
  if (!test_type && !reporter) return refuse("descriptor names no kind it can create");
  if (const auto* other = find(d->id, d->kind))
    return refuse("duplicate " + std::string(to_string(d->kind)) + " id '" + d->id +
                  "' (already loaded from " + other->file.string() + ")");
  plugins_.push_back({d->id, d->kind, d->version ? d->version : "", d->summary ? d->summary : "",
                      fs::absolute(file), std::move(library), d});
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

}  // namespace perf::host
