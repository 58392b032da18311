#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, PERF_AGENT_FUZZ=ON) with clang into build-fuzz/ and runs
# them one after the other (docs/hardening.md).
#   scripts/fuzz.sh [SECONDS] [TARGET...]   fuzz each target for SECONDS (default 60)
#   scripts/fuzz.sh --replay [TARGET...]    run each target once over its seed corpus (for CI)
#   scripts/fuzz.sh --merge [TARGET...]     minimize build-fuzz/corpus/TARGET (what fuzzing kept)
#                                           into fuzz/corpus/TARGET, files up to 32 KB, to commit
#   HTTP_PARSER_SOURCE=DIR scripts/fuzz.sh  also instrument http-parser from a checkout in DIR
# TARGET: response_parser threshold spec_loader plan agent_task example_generator data_rows
# settings http2 result_file server_request (default: all). New corpus entries
# go to build-fuzz/corpus/TARGET (outside git, seeded from fuzz/corpus/TARGET and the sample
# specs); crashes to build-fuzz/artifacts/TARGET/. Exits non-zero on a crash, naming the input.
set -euo pipefail
cd "$(dirname "$0")/.."
all_targets=(response_parser threshold spec_loader plan agent_task example_generator data_rows settings
  http2 result_file server_request)

replay=0
merge=0
seconds=60
if [[ ${1:-} == --replay ]]; then
  replay=1
  shift
elif [[ ${1:-} == --merge ]]; then
  merge=1
  shift
elif [[ ${1:-} =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (one of: ${all_targets[*]})" >&2; exit 2; }
done

command -v clang++ >/dev/null 2>&1 || {
  echo "fuzz: needs clang++ and libFuzzer (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# HTTP_PARSER_SOURCE: a nodejs/http-parser 2.9.x checkout to fuzz instrumented (docs/hardening.md);
# once given, build-fuzz keeps it.
parser_source=()
[[ -n ${HTTP_PARSER_SOURCE:-} ]] &&
  parser_source=(-DPERF_AGENT_FUZZ_HTTP_PARSER_SOURCE="$(realpath "$HTTP_PARSER_SOURCE")")
cmake -S . -B build-fuzz -DPERF_AGENT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "${parser_source[@]}" >/dev/null
nice cmake --build build-fuzz -j"${FUZZ_JOBS:-1}" --target "${targets[@]/%/_fuzz}" >/dev/null

# Where each target's seeds come from besides fuzz/corpus/TARGET: the sample specs (small
# single-file ones of ../shared/specs/MANIFEST.tsv, when that checkout is there) and the test
# fixtures' specs.
extra_seeds() {
  case $1 in
    spec_loader)
      local specs=../shared/specs
      if [[ -f $specs/MANIFEST.tsv ]]; then
        awk -F'\t' 'NR > 1 && $12 == 1 && $6 <= 100000 { print $1 }' "$specs/MANIFEST.tsv" |
          while read -r f; do echo "$specs/$f"; done
      fi
      ls tests/fixtures/*.yaml 2>/dev/null || true
      ;;
    result_file) ls tests/fixtures/compare/*.json ;;  # recorded runs, 20 cases each
  esac
}

dict_of() {
  case $1 in
    response_parser) echo fuzz/dict/response_parser.dict ;;
    server_request) echo fuzz/dict/server_request.dict ;;
    threshold) echo fuzz/dict/threshold.dict ;;
    http2) echo fuzz/dict/http2.dict ;;
    settings)
      # libFuzzer takes one dictionary: the document tokens and the setting names together.
      cat fuzz/dict/document.dict fuzz/dict/settings.dict >build-fuzz/settings.dict
      echo build-fuzz/settings.dict
      ;;
    *) echo fuzz/dict/document.dict ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  bin=build-fuzz/bin/${t}_fuzz
  log=build-fuzz/logs/$t.log
  artifacts=build-fuzz/artifacts/$t/
  mkdir -p build-fuzz/logs "$artifacts"
  common=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts"
    -dict="$(dict_of "$t")")
  if ((merge)); then
    # libFuzzer's merge keeps the smallest set of inputs that reaches every feature of them all,
    # the committed seeds first. Named seeds stay as they are; a kept input is added under its
    # SHA-1 (libFuzzer's name for it) unless a seed already has its content or it is over 32 KB.
    merged=build-fuzz/merged/$t
    rm -rf "$merged"
    mkdir -p "$merged" "build-fuzz/corpus/$t"
    if nice "$bin" "${common[@]}" -merge=1 "$merged" "fuzz/corpus/$t" "build-fuzz/corpus/$t" >"$log" 2>&1; then rc=0; else rc=$?; fi
    declare -A have=()
    for f in "fuzz/corpus/$t"/*; do have[$(sha1sum <"$f" | cut -c1-40)]=1; done
    added=0
    for f in "$merged"/*; do
      [[ -f $f ]] || continue
      sum=$(sha1sum <"$f" | cut -c1-40)
      ((${have[$sum]:-0})) && continue
      (($(stat -c %s "$f") <= 32768)) || continue
      cp "$f" "fuzz/corpus/$t/$sum"
      added=$((added + 1))
    done
    unset have
    echo "$t: $(ls "$merged" | wc -l) inputs after merging, $added added to fuzz/corpus/$t"
    ((rc == 0)) || { echo "fuzz: $t merge FAILED (exit $rc); log $log" >&2; status=1; }
    continue
  fi
  if ((replay)); then
    # -runs=0: load (and so run) every seed once, then stop.
    if nice "$bin" "${common[@]}" -runs=0 "fuzz/corpus/$t" >"$log" 2>&1; then rc=0; else rc=$?; fi
  else
    corpus=build-fuzz/corpus/$t
    mkdir -p "$corpus"
    cp -n "fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
    while read -r seed; do
      [[ -n $seed && -f $seed ]] && cp -n "$seed" "$corpus/$(basename "$seed")"
    done < <(extra_seeds "$t")
    if nice "$bin" "${common[@]}" -max_total_time="$seconds" "$corpus" >"$log" 2>&1; then rc=0; else rc=$?; fi
  fi
  # libFuzzer's last status line ("#N DONE cov: C ft: F corp: U/SIZE ...") and final stats.
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  printf '%-16s %s executions (%s/s), coverage %s edges, %s features, corpus %s\n' \
    "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if ((rc != 0)); then
    status=1
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    # The most telling line: a sanitizer's summary, an uncaught exception, else libFuzzer's own.
    why=$(grep -m1 -E 'SUMMARY:|terminate called|runtime error' "$log" || grep -m1 'ERROR:' "$log" || echo 'see the log')
    echo "fuzz: $t FAILED (exit $rc): $why" >&2
    echo "fuzz: reproducer ${reproducer:-none written}; log $log" >&2
    [[ -n $reproducer ]] && echo "fuzz: replay with: $bin $reproducer" >&2
  fi
done
exit $status
