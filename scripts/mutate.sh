#!/usr/bin/env bash
# The mutation check: plants small bugs in the code one at a time (verdicts, metrics, analyses,
# plugins, reporters, the engine), rebuilds, runs the test suite, and prints the share of bugs
# the suite caught. A suite that lets a planted bug pass asserts less than it seems to.
#
#   scripts/mutate.sh            every mutation, the whole suite each time (stops at the first
#                                failing test: one is enough to call the bug caught)
#   scripts/mutate.sh --focus    each mutation against the suites named for it only (faster)
#   scripts/mutate.sh --list     the mutations, without running anything
#   scripts/mutate.sh N...       only mutations N... (1-based)
#
# Needs a configured build/ (scripts/build.sh). The source tree is restored after each mutation,
# and on exit or interrupt.
set -euo pipefail
cd "$(dirname "$0")/.."

# file | the line as it is (exact, must occur once) | the planted bug | suites that should catch it
mutations=(
  'core/src/verdict/threshold.cpp|  if (op == "<") return a < b;|  if (op == "<") return a <= b;|unit_analysis'
  'core/src/verdict/threshold.cpp|  if (op == ">") return a > b;|  if (op == ">") return a >= b;|unit_analysis'
  'plugin-api/src/latency_histogram.cpp|    if (seen >= wanted) return|    if (seen > wanted) return|unit_metrics'
  'plugin-api/src/metrics.cpp|  successful_requests += later.successful_requests;|  successful_requests += 0;|unit_metrics'
  'plugins/pagination/pagination.cpp|.second) ++duplicates;|.second) duplicates += 0;|data_behaviours'
  'reporters/junit/junit_reporter.cpp|      failures += f;|      failures += 0;|reports'
  'plugins/caching/caching.cpp|        etag_304 = e.status == 304;|        etag_304 = e.status == 304 \|\| e.status == 200;|nginx_behaviours'
  'core/src/engine/load_engine.cpp|open_request(connection, intended),|open_request(connection, Clock::now()),|engine_truth'
  'plugins/stress/stress.cpp|    if (errors > settings.error_threshold_percent)|    if (errors > 100 * settings.error_threshold_percent)|load_shapes|unit_analysis_plugins'
  'plugins/spike/spike.cpp|    } else if (spike_error_rate > s.error_threshold_percent) {|    } else if (spike_error_rate > 100) {|load_shapes|unit_analysis_plugins'
  'plugins/memory_leak/memory_leak.cpp|fit && fit->slope > limit && growth_mb|fit \&\& fit->slope < limit \&\& growth_mb|data_behaviours|unit_analysis_plugins'
  'plugins/database/database.cpp|    const bool suspected = fit->slope > limit && good_fit;|    const bool suspected = fit->slope > limit \|\| good_fit;|data_behaviours|unit_analysis_plugins'
  'plugins/scalability/scalability.cpp|efficiency >= options.number(c, "min_efficiency", s)|efficiency >= 2 * options.number(c, "min_efficiency", s)|load_shapes|unit_analysis_plugins'
  'plugins/rate_limit/rate_limit.cpp|double(m.total_requests) > 0.1)|double(m.total_requests) > 0.9)|nginx_behaviours'
  'core/src/verdict/run_thresholds.cpp|      if (!v \|\| compare(*v, t.op, t.value)) continue;|      if (!v \|\| !compare(*v, t.op, t.value)) continue;|reports'
  'core/src/run/runner.cpp|  summary.interrupted = stop_.requested() && !aborted_by;|  summary.interrupted = stop_.requested();|reports'
  'core/src/http/connection.cpp|      if (parser.status() / 100 != 1 \|\| parser.status() == 101) return ParseProgress::complete;|      return ParseProgress::complete;|unit_connection'
  'core/src/http/fast_exchange.cpp|  const bool retry = closed_while_idle(out);|  const bool retry = false;|unit_connection'
  'core/src/http/response_parser.cpp|  return sampling_->wants(status) ? \&full_settings : \&lean_settings;|  return \&lean_settings;|unit_connection|response_samples'
  'plugin-api/src/options.cpp|given \&\& same_shape(*given, fallback) ? *given : std::move(fallback);|std::move(fallback);|unit_sdk_options'
  'plugin-api/src/options.cpp|  if (v \&\& v->is_number()) return v->to_number<double>();|  if (false) return 0;|unit_sdk_options'
  'plugin-api/src/markup.cpp|        out += "&amp;";|        out += "\&";|unit_documents|reports'
  'plugin-api/src/metrics.cpp|    if (s.key == sample.key) return;|    (void)s;|unit_metrics|response_samples'
  'core/include/perf/engine/recorder.hpp|      error_latency.record(latency_us);|      latency.record(latency_us);|response_samples'
  'core/src/openapi/request_builder.cpp|      if (!place \&\& !out.find_pointer(key, ec)) continue;|      if (false) continue;|unit_openapi|real_servers'
  'core/src/openapi/spec_loader.cpp|    run_deletes_last(model.operations);|    (void)0;|real_servers'
)

mode=full
only=()
for arg in "$@"; do
  case "$arg" in
    --focus) mode=focus ;;
    --list) mode=list ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) only+=("$arg") ;;
  esac
done

field() { # field N "a|b|c" -> the Nth field; a literal | inside a field is written \|
  python3 -c 'import sys,re; f=re.split(r"(?<!\\)\|", sys.argv[2]); print(f[int(sys.argv[1])].replace("\\|","|").replace("\\&","&") if int(sys.argv[1]) < len(f) else "")' "$1" "$2"
}
focus_of() { # suites after the third field, as a ctest regex
  python3 -c 'import sys,re; f=re.split(r"(?<!\\)\|", sys.argv[1]); print("^(" + "|".join(f[3:]) + ")$")' "$1"
}

if [ "$mode" = list ]; then
  for i in "${!mutations[@]}"; do
    m=${mutations[$i]}
    printf '%2d  %s\n      - %s\n      + %s\n' $((i + 1)) "$(field 0 "$m")" "$(field 1 "$m")" "$(field 2 "$m")"
  done
  exit 0
fi

[ -d build ] || { echo "mutate: no build/ here; run scripts/build.sh first" >&2; exit 2; }
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

planted=""
restore() {
  if [ -n "$planted" ] && [ -f "$planted.mutate-orig" ]; then
    mv "$planted.mutate-orig" "$planted"
    touch "$planted"  # newer than the mutant's object file, so the next build compiles it again
  fi
  planted=""
}
trap 'restore' EXIT
trap 'restore; exit 130' INT TERM

plant() { # file original mutated: exact, single occurrence, else exit 2 (the list is stale)
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"mutate: {path}: the line to mutate occurs {text.count(old)} times: {old!r}")
open(path, "w").write(text.replace(old, new, 1))
EOF
}

caught=0
missed=0
invalid=0
missed_list=()
for i in "${!mutations[@]}"; do
  n=$((i + 1))
  if ((${#only[@]})) && [[ ! " ${only[*]} " =~ " $n " ]]; then continue; fi
  m=${mutations[$i]}
  file=$(field 0 "$m")
  cp "$file" "$file.mutate-orig"
  planted=$file
  if ! plant "$file" "$(field 1 "$m")" "$(field 2 "$m")"; then restore; exit 2; fi
  printf 'mutate: %2d %s ... ' "$n" "$file"
  started=$(date +%s)
  if ! cmake --build build -j2 >"build/mutate-$n-build.log" 2>&1; then
    echo "does not compile (not counted; see build/mutate-$n-build.log)"
    invalid=$((invalid + 1))
    restore
    continue
  fi
  args=(--timeout 600 -j2 --stop-on-failure)
  [ "$mode" = focus ] && args+=(-R "$(focus_of "$m")")
  if (cd build && ctest "${args[@]}" >"mutate-$n-test.log" 2>&1); then
    echo "MISSED ($(($(date +%s) - started)) s)"
    missed=$((missed + 1))
    missed_list+=("$n $file: $(field 2 "$m")")
  else
    failed=$(grep -m1 -oE '[0-9]+ - [a-z_]+ \((Failed|Timeout)\)' "build/mutate-$n-test.log" || true)
    echo "caught by ${failed:-the suite} ($(($(date +%s) - started)) s)"
    caught=$((caught + 1))
  fi
  restore
done

echo "mutate: rebuilding the unmutated tree"
cmake --build build -j2 >/dev/null
total=$((caught + missed))
if ((total == 0)); then echo "mutate: nothing ran"; exit 2; fi
share=$((100 * caught / total))
for line in "${missed_list[@]}"; do echo "mutate: missed $line"; done
echo "mutate: caught $caught of $total planted bugs (${share} %), $invalid did not compile ($mode suite)"
[ "$share" -ge 90 ]
