#!/usr/bin/env bash
# Times `perf-agent plan` on the largest real-world specs in ../shared/specs (best of 3 runs of
# each), planning every operation with unsafe methods allowed. Prints seconds and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
specs=../shared/specs
printf "%-44s %10s %10s %12s\n" spec operations "best s" "peak RSS MB"
for f in kubernetes-v1.8.4.swagger.json box-platform.openapi.json twilio-api-v2010.openapi.yaml \
         discord-api.openapi.json slack-web-api.swagger.json digitalocean/DigitalOcean-public.v2.yaml \
         opensearch/namespaces/indices.yaml; do
  best=999 rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/plan_specs.time build/bin/perf-agent plan --spec "$specs/$f" \
      --allow-unsafe-methods --tests response_time -o /tmp/plan_specs.json --quiet
    read -r s m </tmp/plan_specs.time
    best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (b < a) ? b : a }')
    rss=$m
  done
  ops=$(python3 -c "import json; print(len(json.load(open('/tmp/plan_specs.json'))['test_cases']))")
  printf "%-44s %10s %10s %12.1f\n" "$f" "$ops" "$best" "$(awk -v m="$rss" 'BEGIN { print m / 1024 }')"
done
