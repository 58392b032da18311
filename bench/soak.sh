#!/usr/bin/env bash
# Memory over a long run: perf-agent loads a loopback nginx (open model, --rate) for --duration
# seconds while its RSS is sampled every --every seconds. Prints the samples and the growth
# between the end of the first minute and the end of the run.
#   bench/soak.sh [--duration 1800] [--rate 2000] [--users-connections 200] [--every 30]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=1800 rate=2000 connections=200 every=30
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --every) every=$2; shift 2 ;;
    *) echo "usage: bench/soak.sh [--duration S] [--rate R] [--connections N] [--every S]" >&2; exit 2 ;;
  esac
done
scripts/build.sh >/dev/null
work=$(mktemp -d /tmp/perf-agent-soak.XXXXXX)
port=$((20000 + RANDOM % 20000))
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
daemon off;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $work;
  server { listen 127.0.0.1:$port; location / { return 200 "soak\n"; } } }
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5
build/bin/perf-agent run --target "http://127.0.0.1:$port/" --rate "$rate" --connections "$connections" \
  --duration "$duration" --threads 1 --quiet --report "json:$work/soak.json" &
agent=$!
echo "soak: $rate req/s for ${duration}s, perf-agent RSS every ${every}s (MB)"
start=$(date +%s)
while kill -0 "$agent" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2 / 1024}' "/proc/$agent/status" 2>/dev/null || true)
  [ -n "$rss" ] && printf "%6d s  %8.2f\n" "$(( $(date +%s) - start ))" "$rss"
  sleep "$every"
done
wait "$agent" || true
python3 - "$work/soak.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["test_cases"][0]["metrics"]
print(f'requests {m["total_requests"]}, throughput {m["throughput"]:.0f} req/s, errors {m["failed_requests"]}, '
      f'p99 {m["p99_response_time"]:.2f} ms, peak RSS {m["peak_memory_mb"]:.1f} MB')
PY
