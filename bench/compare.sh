#!/usr/bin/env bash
# Side-by-side benchmark of perf-agent and wrk on this machine, in one run.
#
# nginx (one worker) is pinned to CPU 0; wrk and perf-agent take turns on CPU 1 with the same
# connections, one thread, and the same duration; three pairs. Printed per run: requests/s,
# CPU microseconds per request ((user+sys)/requests), peak RSS; then the perf-agent/wrk ratios
# and perf-agent's peak RSS with 1,000 and 10,000 users. Traffic stays on 127.0.0.1.
#
# Then HTTP/2: h2load and perf-agent --http2 take turns the same way against the same nginx over
# h2c (prior knowledge), the same connections with --streams streams each (h2load -m; perf-agent
# runs connections x streams users, so as many requests are in flight), and the
# perf-agent/h2load ratios. --only http1 or --only http2 runs one of the two.
#
#   bench/compare.sh [--duration S] [--connections N] [--pairs N] [--streams N] [--only http1|http2]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10 connections=50 pairs=3 streams=10 only=""
usage="usage: bench/compare.sh [--duration S] [--connections N] [--pairs N] [--streams N] [--only http1|http2]"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case "$only" in "" | http1 | http2) ;; *) echo "$usage" >&2; exit 2 ;; esac
scripts/setup.sh
scripts/build.sh >/dev/null
[ "$(nproc)" -ge 2 ] || { echo "compare: needs 2 CPUs (server and client pinned apart)" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/perf-agent-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
h2port=$((port + 1))
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
worker_rlimit_nofile 65536;
pid $work/nginx.pid;
error_log $work/error.log warn;
daemon off;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  client_body_temp_path $work;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "hello from nginx\n"; }
  }
  server {
    listen 127.0.0.1:$h2port http2;
    location / { return 200 "hello from nginx\n"; }
  }
}
NGINX
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/"

# run_wrk / run_agent print: requests_per_s cpu_us_per_request peak_rss_mb
run_wrk() {
  /usr/bin/time -f "%U %S %M" -o "$work/time" taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "$url" >"$work/wrk.out"
  local requests rps
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  read -r user sys rss <"$work/time"
  awk -v r="$rps" -v n="$requests" -v u="$user" -v s="$sys" -v m="$rss" \
    'BEGIN { printf "%.0f %.2f %.1f\n", r, (u + s) * 1e6 / n, m / 1024 }'
}
run_agent() {
  local users=$1 seconds=$2
  /usr/bin/time -f "%U %S %M" -o "$work/time" taskset -c 1 build/bin/perf-agent run --target "$url" \
    --users "$users" --duration "$seconds" --threads 1 --think-time 0 --quiet --report "json:$work/agent.json" >/dev/null
  read -r user sys rss <"$work/time"
  python3 - "$work/agent.json" "$user" "$sys" "$rss" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["test_cases"][0]["metrics"]
user, sys_, rss = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f'{m["throughput"]:.0f} {(user + sys_) * 1e6 / max(1, m["total_requests"]):.2f} {rss / 1024:.1f}')
PY
}

# HTTP/2: h2load and perf-agent --http2, same connections x streams, h2c on $h2port.
h2url="http://127.0.0.1:$h2port/"
run_h2load() {
  /usr/bin/time -f "%U %S %M" -o "$work/time" taskset -c 1 h2load -t1 -c"$connections" -m"$streams" \
    -D "$duration" "$h2url" >"$work/h2load.out"
  local requests rps
  requests=$(awk '/^requests:/ {print $8}' "$work/h2load.out")  # succeeded
  rps=$(awk '/^finished in/ {print $4}' "$work/h2load.out")
  read -r user sys rss <"$work/time"
  awk -v r="$rps" -v n="$requests" -v u="$user" -v s="$sys" -v m="$rss" \
    'BEGIN { printf "%.0f %.2f %.1f\n", r, (u + s) * 1e6 / n, m / 1024 }'
}
run_agent_h2() {
  /usr/bin/time -f "%U %S %M" -o "$work/time" taskset -c 1 build/bin/perf-agent run --target "$h2url" \
    --http2 --streams "$streams" --users $((connections * streams)) --duration "$duration" --threads 1 \
    --think-time 0 --quiet --report "json:$work/agent.json" >/dev/null
  read -r user sys rss <"$work/time"
  python3 - "$work/agent.json" "$user" "$sys" "$rss" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["test_cases"][0]["metrics"]
user, sys_, rss = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f'{m["throughput"]:.0f} {(user + sys_) * 1e6 / max(1, m["total_requests"]):.2f} {rss / 1024:.1f}')
PY
}
http2_section() {
  echo "perf-agent --http2 vs h2load: nginx 1 worker on CPU 0, client on CPU 1, $connections connections x $streams streams (h2c), 1 thread, ${duration}s, $pairs pairs"
  echo "machine: $(nproc) CPUs, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs), $(uname -r); $(date -u +%Y-%m-%d); $(h2load --version | head -1)"
  printf "%-5s %-11s %12s %14s %12s\n" pair tool "req/s" "CPU us/req" "peak RSS MB"
  local sum_rps=0 sum_cpu=0 sum_rss=0
  for i in $(seq "$pairs"); do
    read -r h_rps h_cpu h_rss < <(run_h2load)
    read -r a_rps a_cpu a_rss < <(run_agent_h2)
    printf "%-5s %-11s %12s %14s %12s\n" "$i" h2load "$h_rps" "$h_cpu" "$h_rss"
    printf "%-5s %-11s %12s %14s %12s\n" "$i" perf-agent "$a_rps" "$a_cpu" "$a_rss"
    sum_rps=$(awk -v s="$sum_rps" -v a="$a_rps" -v w="$h_rps" 'BEGIN { print s + a / w }')
    sum_cpu=$(awk -v s="$sum_cpu" -v a="$a_cpu" -v w="$h_cpu" 'BEGIN { print s + a / w }')
    sum_rss=$(awk -v s="$sum_rss" -v a="$a_rss" -v w="$h_rss" 'BEGIN { print s + a / w }')
  done
  awk -v r="$sum_rps" -v c="$sum_cpu" -v m="$sum_rss" -v n="$pairs" \
    'BEGIN { printf "ratios perf-agent/h2load (mean of %d pairs): req/s %.2f, CPU per request %.2f, peak RSS %.2f\n", n, r / n, c / n, m / n }'
}
if [ "$only" = http2 ]; then
  http2_section
  exit 0
fi

echo "perf-agent vs wrk: nginx 1 worker on CPU 0, client on CPU 1, $connections connections, 1 thread, ${duration}s, $pairs pairs"
echo "machine: $(nproc) CPUs, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs), $(uname -r); $(date -u +%Y-%m-%d)"
printf "%-5s %-11s %12s %14s %12s\n" pair tool "req/s" "CPU us/req" "peak RSS MB"
sum_rps=0 sum_cpu=0 sum_rss=0
for i in $(seq "$pairs"); do
  read -r w_rps w_cpu w_rss < <(run_wrk)
  read -r a_rps a_cpu a_rss < <(run_agent "$connections" "$duration")
  printf "%-5s %-11s %12s %14s %12s\n" "$i" wrk "$w_rps" "$w_cpu" "$w_rss"
  printf "%-5s %-11s %12s %14s %12s\n" "$i" perf-agent "$a_rps" "$a_cpu" "$a_rss"
  sum_rps=$(awk -v s="$sum_rps" -v a="$a_rps" -v w="$w_rps" 'BEGIN { print s + a / w }')
  sum_cpu=$(awk -v s="$sum_cpu" -v a="$a_cpu" -v w="$w_cpu" 'BEGIN { print s + a / w }')
  sum_rss=$(awk -v s="$sum_rss" -v a="$a_rss" -v w="$w_rss" 'BEGIN { print s + a / w }')
done
awk -v r="$sum_rps" -v c="$sum_cpu" -v m="$sum_rss" -v n="$pairs" \
  'BEGIN { printf "ratios perf-agent/wrk (mean of %d pairs): req/s %.2f, CPU per request %.2f, peak RSS %.2f\n", n, r / n, c / n, m / n }'
for users in 1000 10000; do
  read -r rps cpu rss < <(run_agent "$users" 5)
  echo "perf-agent with $users users (5 s): $rps req/s, $cpu CPU us/req, peak RSS $rss MB"
done
[ "$only" = http1 ] || { echo; http2_section; }
