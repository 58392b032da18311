#!/usr/bin/env bash
# Stores the SDK ABI baseline plugin-api/abi/sdk-MAJOR.abi and sdk-MAJOR.minor (the MINOR it was
# taken at) from the perf_sdk_abi_surface library: after a MAJOR bump, or when a MINOR is released.
set -euo pipefail

# abi-baseline.sh [--build-dir DIR | --surface LIB] [--force]
# Builds the surface library in DIR (default build/, configured if needed) unless given one.
# A baseline that exists for this MAJOR is replaced only when the check passes against it
# (nothing changed, or only additions with sdk_minor raised): a failing check is not fixed by
# taking a new baseline. --force replaces it anyway, for a deliberate reset.
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$root/build"
surface=""
force=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --surface) surface=$2; shift 2 ;;
    --force) force=1; shift ;;
    *) echo "usage: abi-baseline.sh [--build-dir DIR | --surface LIB] [--force]" >&2; exit 2 ;;
  esac
done

if [[ -z $surface ]]; then
  [[ -f $build_dir/CMakeCache.txt ]] || cmake -S "$root" -B "$build_dir" >/dev/null
  nice -n 19 cmake --build "$build_dir" --target perf_sdk_abi_surface -j1
  surface="$build_dir/abi/libperf_sdk_abi_surface.so"
fi
version="$root/plugin-api/include/perf/api/version.hpp"
major=$(sed -n 's/.*\bsdk_major = \([0-9][0-9]*\);.*/\1/p' "$version")
minor=$(sed -n 's/.*\bsdk_minor = \([0-9][0-9]*\);.*/\1/p' "$version")
[[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || { echo "cannot read the SDK version" >&2; exit 1; }
out="$root/plugin-api/abi/sdk-$major.abi"

if [[ -f $out && $force -eq 0 ]] && ! "$root/tests/abi/check_abi.sh" "$surface"; then
  echo "abi-baseline: not replacing $out: the check above fails (bump MAJOR, or --force)" >&2
  exit 1
fi
"$root/scripts/abi-dump.sh" "$surface" "$out.tmp"
mv "$out.tmp" "$out"
cat >"$root/plugin-api/abi/sdk-$major.minor" <<MINOR
# The SDK MINOR that sdk-$major.abi was taken at; written by scripts/abi-baseline.sh.
# When the surface has only additions, tests/abi/check_abi.sh wants sdk_minor above it.
$minor
MINOR
echo "abi-baseline: stored $out for SDK $major.$minor"
