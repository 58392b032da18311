#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with CTest.
#   scripts/test.sh                          into build/, as CI runs it
#   scripts/test.sh --sanitize [CTEST ARG...] into build-asan/, built with AddressSanitizer and
#                                            UndefinedBehaviorSanitizer (docs/hardening.md);
#                                            e.g. --sanitize -R unit_ to run the unit suites only
# SANITIZE_TARGETS="unit_documents unit_analysis" builds only those targets of build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --sanitize ]]; then
  shift
  scripts/setup.sh
  launcher=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >/dev/null
  build_targets=()
  for t in ${SANITIZE_TARGETS:-}; do build_targets+=(--target "$t"); done
  cmake --build build-asan -j"${SANITIZE_JOBS:-2}" "${build_targets[@]}"
  # Every report stops the process that made it (a test then fails). Leaks are checked, but for
  # what scripts/sanitizers/lsan.supp names: the plugins are dlclose'd before the leak check at
  # exit, so a leak in them has no symbols left to tell which; see that file.
  supp="$PWD/scripts/sanitizers"
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  cd build-asan
  # Sanitized code runs two to five times slower: a longer per-test limit.
  ctest --output-on-failure --timeout 1800 -j2 "$@"
  exit
fi
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j2
