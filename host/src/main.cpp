// perf-agent: entry point. Turns every error into one line on stderr and the documented exit
// code; never lets an exception's what() or a stack reach the user unexplained.
#include "commands.hpp"
#include "perf/util/user_error.hpp"

#include <malloc.h>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
  using namespace perf::host;
  // A fixed mmap threshold: blocks of 128 KB and more (latency histograms, 188 KB each, made
  // and freed every interval) always get fresh zero pages and go back to the system when freed.
  // glibc's default raises the threshold after the first such free and then serves them from the
  // heap, where calloc must write every zero and the whole block becomes resident.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  // A file size limit (`ulimit -f`) reached by a report would otherwise kill us by SIGXFSZ with
  // the report lost and nothing said; ignored, the write fails with EFBIG ("File too large") and
  // the report's error names the file (exit 3).
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    const CommandLine cl = parse_command_line(argc, argv);
    if (cl.command == "version") {
      std::cout << "perf-agent " << PERF_AGENT_VERSION << "\n";
      return 0;
    }
    if (cl.command == "help" || cl.help) {
      std::cout << help_text(cl.command == "help" ? "" : cl.command);
      return 0;
    }
    if (cl.command == "plugins") return plugins_command(cl);
    if (cl.command == "plan") return plan_command(cl);
    if (cl.command == "run") return run_command(cl);
    if (cl.command == "merge") return merge_command(cl);
    if (cl.command == "compare") return compare_command(cl);
    if (cl.command == "history") return history_command(cl);
    if (cl.command == "distribute") return distribute_command(cl);
    if (cl.command == "agent") return agent_command(cl);
    if (cl.command == "serve") return serve_command(cl);
    if (cl.command == "export") return export_command(cl);
  } catch (const perf::UserError& e) {
    std::cerr << "perf-agent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "perf-agent: internal error: " << e.what() << "\n";
    return 3;
  }
  return 2;
}
