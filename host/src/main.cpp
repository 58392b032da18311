// perf-agent: entry point. Turns every error into one line on stderr and the documented exit
// code; never lets an exception's what() or a stack reach the user unexplained.
#include "commands.hpp"
#include "perf/util/user_error.hpp"

#include <iostream>

int main(int argc, char** argv) {
  using namespace perf::host;
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
  } catch (const perf::UserError& e) {
    std::cerr << "perf-agent: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "perf-agent: internal error: " << e.what() << "\n";
    return 3;
  }
  return 2;
}
