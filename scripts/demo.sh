#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the bundled demo API on a free loopback
# port, runs perf-agent against its spec with every test type (time-scaled to stay short),
# prints the console report and writes out/results.json and out/report.html (plus out/junit.xml
# when the junit reporter is present). Exits 0 when the run completed: the demo API has flaws on
# purpose, so failed verdicts are expected.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
mkdir -p out

log=out/demo-api.log
build/bin/perf-demo-api --port 0 --max-connections 300 >"$log" 2>&1 &
demo_pid=$!
trap 'kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$log" && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$log" | head -n 1)
[ -n "$url" ] || { echo "demo: the demo API did not start: $(cat "$log")" >&2; exit 1; }
echo "demo: demo API listening on $url"

reports=(--report console --report json:out/results.json --report html:out/report.html)
if build/bin/perf-agent plugins --json | grep -q '"id":"junit"'; then reports+=(--report junit:out/junit.xml); fi

set +e
build/bin/perf-agent run --spec examples/demo-api/openapi.yaml --target "$url" \
  --tests all --config examples/demo-api/perf-agent.yaml --allow-unsafe-methods \
  --bearer-token demo-token --data examples/demo-api/items.csv \
  --time-scale "${PERF_AGENT_DEMO_TIME_SCALE:-0.01}" --target-pid "$demo_pid" \
  "${reports[@]}" "$@"
status=$?
set -e
echo "demo: wrote out/results.json, out/junit.xml and out/report.html (perf-agent exit code $status)"
# 0 passed, 1 some verdict failed (expected here): both mean the run completed.
[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
