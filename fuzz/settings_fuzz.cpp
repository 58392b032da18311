// libFuzzer target: run settings (core/src/settings/settings_loader.cpp) from a --config file
// (JSON or YAML, edited by hand) and, from the same input, from the command line and the
// environment: every string member of the document is also given as that setting's flag and as
// its environment variable. perf::UserError naming the source is the documented answer to a bad
// value; anything else is a finding.
#include "perf/settings/settings_loader.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace settings = perf::settings;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t choice = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  settings::SettingsInput input;
  input.config_name = "perf-agent.yaml";
  std::map<std::string, std::string> env;
  try {
    const auto document = perf::util::parse_document(text, input.config_name);
    if (!document.is_object()) return 0;  // the host refuses a config that is not a mapping
    input.config = document.as_object();
  } catch (const perf::UserError&) {
    return 0;
  }
  // Strings as flags and environment values too (the first byte chooses which), keyed by the
  // setting table so that real settings are hit.
  for (const auto& info : settings::setting_table()) {
    const auto* value = input.config.if_contains(info.key);
    if (value == nullptr || !value->is_string()) continue;
    const std::string text_value(value->as_string());
    if ((choice & 1u) != 0) {
      input.cli[info.key] = text_value;
      input.cli_flag_names[info.key] = "--" + info.key;
    }
    if ((choice & 2u) != 0) env[info.env] = text_value;
  }
  input.getenv = [&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  try {
    (void)settings::resolve_settings(input);
  } catch (const perf::UserError&) {
  }
  return 0;
}
