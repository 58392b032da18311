#!/usr/bin/env bash
# The SDK ABI guard (CTest label abi): compares a built perf_sdk_abi_surface library with the stored
# baseline plugin-api/abi/sdk-MAJOR.abi and fails, with a one-line reason, when a version bump is due.
set -euo pipefail

# check_abi.sh SURFACE_LIB [--version-header FILE] [--baseline-dir DIR]
#
# The rule, for libabigail 2.2. abidiff's exit status is a bit field: 1 error, 2 usage error,
# 4 ABI change, 8 incompatible change. Comparing the baseline with the surface as built:
#  - 1 or 2: abidiff could not compare; that is no verdict, so the check fails.
#  - 8: libabigail's own "incompatible": a function, variable or symbol removed, or a virtual
#    table changed (a virtual function removed, inserted or moved). A change: MAJOR.
#  - 4 without 8: libabigail sets only 4 for layout changes: a field inserted or appended (the
#    size changes: plugins allocate, copy and embed these structs), offsets, a parameter type. So
#    any Removed or Changed count in the summaries (filtered-out ones too) is a change: MAJOR. Only
#    Added counts (a new surface function, perf_sdk_abi_surface_MAJOR_MINOR, for new types) are
#    additions: sdk_minor must be above the baseline's. 4 with no counts (SONAME, architecture):
#    a change.
#  - 0: the default run hides what libabigail deems harmless, and that includes a virtual
#    function whose parameter type changed in place (Session::sleep(double) -> sleep(float)
#    passes silently) and an enumerator appended. So a second run with --harmless must report
#    nothing either; anything it reports is a change to an existing type: MAJOR.
# After a MAJOR bump there is no baseline yet: the check fails until one is stored.
# version.hpp counts a virtual function appended to a class only the host implements (Session,
# RequestFactory) as an addition; libabigail cannot know who implements a class and reports it
# as a vtable change (exit 8), so this check calls it a change. Accepting one as a MINOR is a
# reviewed decision: scripts/abi-baseline.sh --force with sdk_minor raised.

usage() {
  echo "usage: check_abi.sh SURFACE_LIB [--version-header FILE] [--baseline-dir DIR]" >&2
  exit 2
}
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ $# -ge 1 ]] || usage
surface=$1
shift
version_header="$root/plugin-api/include/perf/api/version.hpp"
baseline_dir="$root/plugin-api/abi"
while [[ $# -gt 0 ]]; do
  case $1 in
    --version-header) version_header=$2; shift 2 ;;
    --baseline-dir) baseline_dir=$2; shift 2 ;;
    *) usage ;;
  esac
done

report=""
fail() {
  echo "ABI check FAILED: $*"
  if [[ -n $report && -s $report ]]; then
    echo "--- abidiff report ---"
    cat "$report"
  fi
  exit 1
}
for tool in abidw abidiff; do
  command -v "$tool" >/dev/null || fail "$tool not found: install abigail-tools (scripts/setup.sh)"
done
[[ -f $surface ]] || fail "no surface library at $surface: build target perf_sdk_abi_surface"

number() {  # number NAME: the value of `NAME = N;` in the version header
  sed -n "s/.*\\b$1 = \\([0-9][0-9]*\\);.*/\\1/p" "$version_header"
}
major=$(number sdk_major)
minor=$(number sdk_minor)
[[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] ||
  fail "cannot read sdk_major and sdk_minor from $version_header"
baseline="$baseline_dir/sdk-$major.abi"
baseline_minor_file="$baseline_dir/sdk-$major.minor"
[[ -f $baseline ]] || fail "no ABI baseline for SDK $major ($baseline): store one with" \
  "scripts/abi-baseline.sh after a MAJOR bump"
baseline_minor=$(grep -v '^#' "$baseline_minor_file" 2>/dev/null | tr -d '[:space:]' || true)
[[ $baseline_minor =~ ^[0-9]+$ ]] || fail "no MINOR recorded for the baseline ($baseline_minor_file)"

work=$(mktemp -d "${TMPDIR:-/tmp}/perf-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT
current="$work/current.abi"
"$root/scripts/abi-dump.sh" "$surface" "$current" 2>"$work/abidw.err" ||
  fail "abidw could not read $surface: $(head -n 1 "$work/abidw.err")"

# One line from a report: the non-zero summaries, then the first changes and the SDK type each
# is in (what was inserted, deleted or moved before the size changes that follow from it).
summarize() {
  local counts details
  counts=$(grep -E 'changes summary: .*[1-9]' "$1" | sed 's/ changes summary//' | paste -sd ';' -)
  details=$(awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    function keep(list, item) { if (!(item in seen)) { seen[item] = 1; list[++list[0]] = item } }
    heading != "" {
      if (indent($0) > heading_indent) {
        item = $0; sub(/^ +/, "", item); keep(causes, type ": " heading " " item)
      }
      heading = ""
    }
    match($0, /type \x27(const |struct |class |enum |union )*perf::[A-Za-z0-9_:]+\x27/) ||
    match($0, /type of \x27(const )?perf::[A-Za-z0-9_:]+ /) {
      t = substr($0, RSTART, RLENGTH); sub(/^type (of )?\x27/, "", t)
      gsub(/\x27|^ +| +$|(const|struct|class|enum|union) /, "", t); type = t
    }
    /(insertion|deletion):$/ {
      heading = $0; sub(/^ *[0-9]+ /, "", heading); sub(/:$/, "", heading)
      heading_indent = indent($0)
    }
    /vtable offset of/ { item = $0; sub(/^ +/, "", item); keep(causes, type ": " item) }
    /type size changed/ { item = $0; sub(/^ +/, "", item); keep(sizes, type ": " item) }
    END {
      n = 0
      for (i = 1; i <= causes[0] && n < 3; i++) out[++n] = causes[i]
      for (i = 1; i <= sizes[0] && n < 3; i++) out[++n] = sizes[i]
      line = ""
      for (i = 1; i <= n; i++) line = line (i > 1 ? "; " : "") out[i]
      more = causes[0] + sizes[0] - n
      if (more > 0) line = line " (+" more " more)"
      print line
    }' "$1")
  [[ -n $counts ]] || counts=$(grep -m 1 . "$1")  # e.g. "ELF SONAME changed"
  echo "${counts}${details:+; $details}"
}

report="$work/abidiff.txt"
status=0
abidiff --no-default-suppression "$baseline" "$current" >"$report" 2>&1 || status=$?
what=default
if ((status == 0)); then
  abidiff --no-default-suppression --harmless "$baseline" "$current" >"$report" 2>&1 || status=$?
  what=harmless
fi
if ((status & 3)); then
  fail "abidiff could not compare (exit $status): $(head -n 1 "$report")"
fi
if ((status == 0)); then
  echo "ABI check passed: the SDK surface matches the SDK $major baseline (taken at $major.$baseline_minor;" \
    "sources say $major.$minor)"
  exit 0
fi
summary=$(summarize "$report")
[[ $what == harmless ]] && summary="(a change libabigail calls harmless) $summary"
changed=$(grep -E 'changes summary: ' "$report" | grep -cE '[1-9][0-9]* (Removed|Changed)|[1-9][0-9]* filtered out' || true)
added=$(grep -E 'changes summary: ' "$report" | grep -cE '[1-9][0-9]* Added' || true)
if ((status & 8)) || [[ $what == harmless ]] || ((changed > 0)) || ((added == 0)); then
  fail "incompatible SDK change without a MAJOR bump: $summary"
fi
if ((minor <= baseline_minor)); then
  fail "additions to SDK $major.$baseline_minor but sdk_minor was not raised above $baseline_minor: $summary"
fi
echo "ABI check passed: only additions since $major.$baseline_minor and sdk_minor is $minor" \
  "(take a new baseline with scripts/abi-baseline.sh when $major.$minor is released): $summary"
