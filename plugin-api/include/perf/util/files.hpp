// Reading and writing files the way the CLI needs: whole files with errors that name the file,
// and atomic writes (temporary file in the same folder, then rename) so a report is never half
// written.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace perf::util {

// Throws perf::UserError("FILE: cannot read: reason").
std::string read_file(const std::filesystem::path& path);

// Creates parent folders. Writes PATH.tmp.PID, flushes it to the disk (fsync) and renames it over
// PATH: PATH holds the old content or the whole new one, whatever happens. Throws
// std::runtime_error("PATH: cannot write: reason") on failure, the temporary file removed.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace perf::util
