#!/usr/bin/env bash
# Writes the ABI of an SDK surface library as libabigail XML: the one abidw invocation that the
# stored baseline (scripts/abi-baseline.sh) and the check (tests/abi/check_abi.sh) share.
set -euo pipefail

# abi-dump.sh SURFACE_LIB OUT.abi
# --headers-dir keeps the types of the SDK's public headers. libabigail 2.2 matches them by file
# name and also keeps every type from /usr/include (std, Boost) as public, so what it drops is
# types of other headers (plugin-api/internal). No paths, compile directory or DT_NEEDED go in,
# so the file is the same from any checkout or build directory.
[[ $# -eq 2 ]] || { echo "usage: abi-dump.sh SURFACE_LIB OUT.abi" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
abidw --headers-dir "$root/plugin-api/include" --drop-private-types --no-corpus-path \
  --no-comp-dir-path --short-locs --no-elf-needed --out-file "$2" "$1"
