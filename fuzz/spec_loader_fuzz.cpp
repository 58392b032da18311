// libFuzzer target: the OpenAPI loader (core/src/openapi/spec_loader.cpp) over JSON or YAML text,
// $ref resolution (within the document and across files, cycles included) and schema expansion.
// A spec is read from a file the user names, so perf::UserError is the documented answer to a bad
// one; anything else is a finding.
//
// An input may hold up to three documents separated by a line "%%FILE%%": the first is the spec,
// the others are written next to it as common.yaml and schemas/pet.json, so that refs such as
// "common.yaml#/components/schemas/Error" or "schemas/pet.json" (and refs back from there to
// "../openapi.yaml#/...") are read from disk as a split spec's are. Without the separator the
// spec's external refs point at files that do not exist.
#include "perf/openapi/spec_loader.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace {

// A folder of this process's own (libFuzzer may run jobs side by side), removed at exit.
struct Folder {
  fs::path path = fs::temp_directory_path() / ("perf-agent-fuzz-" + std::to_string(::getpid()));
  Folder() { fs::create_directories(path / "schemas"); }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& folder() {
  static const Folder made;
  return made.path;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), std::streamsize(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view separator = "\n%%FILE%%\n";
  const auto first = text.find(separator);
  std::string name = "/nonexistent/perf-agent-fuzz/openapi.yaml";
  if (first != std::string_view::npos) {
    std::string_view rest = text.substr(first + separator.size());
    text = text.substr(0, first);
    const auto second = rest.find(separator);
    write(folder() / "common.yaml", rest.substr(0, second));
    write(folder() / "schemas" / "pet.json", second == std::string_view::npos
                                                 ? std::string_view("{}")
                                                 : rest.substr(second + separator.size()));
    name = (folder() / "openapi.yaml").string();
  }
  try {
    perf::openapi::load_spec_document(perf::util::parse_document(text, name), name);
  } catch (const perf::UserError&) {
  }
  return 0;
}
