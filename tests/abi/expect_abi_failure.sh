#!/usr/bin/env bash
# Proves the ABI guard can fail: runs check_abi.sh with the given arguments and passes only when
# the check fails with a reason matching PATTERN (an extended regular expression).
set -euo pipefail

# expect_abi_failure.sh PATTERN CHECK_ARGS...
[[ $# -ge 2 ]] || { echo "usage: expect_abi_failure.sh PATTERN CHECK_ARGS..." >&2; exit 2; }
pattern=$1
shift
status=0
output=$("$(dirname "$0")/check_abi.sh" "$@" 2>&1) || status=$?
reason=$(head -n 1 <<<"$output")
if ((status == 0)); then
  echo "expected the ABI check to fail, but it passed: $reason"
  exit 1
fi
if ! grep -qE "$pattern" <<<"$reason"; then
  echo "the ABI check failed for another reason than /$pattern/: $reason"
  echo "$output"
  exit 1
fi
echo "caught as expected: $reason"
