#!/usr/bin/env bash
# Configures and builds into build/ (Release with debug info, two jobs). Uses ccache when it is
# installed (scripts/setup.sh installs it), with paths taken relative to the checkout so that
# another clone of the same commit reuses the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build -j2
