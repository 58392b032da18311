#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with CTest.
#   scripts/test.sh                          into build/, as CI runs it
#   scripts/test.sh --sanitize [CTEST ARG...] into build-asan/, built with AddressSanitizer and
#                                            UndefinedBehaviorSanitizer (docs/hardening.md);
#                                            e.g. --sanitize -L unit to run the unit suites only
#   scripts/test.sh --tsan [CTEST ARG...]    into build-tsan/, built with ThreadSanitizer; runs
#                                            the suites of the concurrent parts (executor, bus,
#                                            engine, service, live views) unless told otherwise
# SANITIZE_TARGETS="unit_documents unit_analysis" builds only those targets of the sanitized
# build (default: all for --sanitize, the suites --tsan runs for --tsan); SANITIZE_JOBS jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The suites --tsan builds and runs: every one that drives the shared executor, the metrics bus,
# the load engine's threads or the service's threads, in its own process or in perf-agent's.
tsan_suites=(unit_engine_parts unit_service unit_live service_hooks engine_truth service live)

# sanitized_build DIR FLAGS [TARGET...]: configures and builds DIR with FLAGS on every compile
# and link (plugins and test servers included).
sanitized_build() {
  local dir=$1 flags=$2
  shift 2
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # -O1 with line tables only: compiles in about half the time of -O2 -g, and a report still
  # names every function, file and line of its stack.
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >/dev/null
  local build_targets=()
  for t in "$@"; do build_targets+=(--target "$t"); done
  cmake --build "$dir" -j"${SANITIZE_JOBS:-2}" "${build_targets[@]}"
}

supp="$PWD/scripts/sanitizers"
if [[ ${1:-} == --sanitize ]]; then
  shift
  scripts/setup.sh
  # shellcheck disable=SC2086  # a list of target names
  sanitized_build build-asan "-fsanitize=address,undefined -fno-omit-frame-pointer" \
    ${SANITIZE_TARGETS:-}
  # Every report stops the process that made it (a test then fails). Leaks are checked, but for
  # what scripts/sanitizers/lsan.supp names: the plugins are dlclose'd before the leak check at
  # exit, so a leak in them has no symbols left to tell which; see that file.
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  cd build-asan
  # Sanitized code runs two to five times slower: a longer per-test limit.
  ctest --output-on-failure --timeout 1800 -j2 "$@"
  exit
fi
if [[ ${1:-} == --tsan ]]; then
  shift
  scripts/setup.sh
  # shellcheck disable=SC2086
  sanitized_build build-tsan "-fsanitize=thread" ${SANITIZE_TARGETS:-${tsan_suites[*]}}
  # A data race stops the process (the test fails); the suppressions name races inside libraries
  # we do not build (see that file).
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
  cd build-tsan
  if (($#)); then
    ctest --output-on-failure --timeout 1800 -j2 "$@"
  else
    regex="^($(
      IFS='|'
      echo "${tsan_suites[*]}"
    ))\$"
    ctest --output-on-failure --timeout 1800 -j2 -R "$regex"
  fi
  exit
fi
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j2
