// An ordinary shared library without the perf-agent entry point.
extern "C" int not_a_plugin_answer() {
  return 42;
}
