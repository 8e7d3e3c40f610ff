#!/usr/bin/env bash
# ingress.sh PATH/TO/refundsync [SECONDS] [CONNECTIONS...]: the ingress benchmark, in one sitting, on this machine.
# Loads three servers with wrk (-t2, 2 KB Shopify refunds/create bodies, valid HMAC, a unique event id per
# request): refundsync's ingress, the Node.js peer (bench/peers: same work) and nginx answering a fixed 200 (the
# HTTP ceiling here). Prints req/s, p50, p99, errors and ratios; writes bench/results/ingress-<date>.json.
#
# Every target is first warmed up (BENCH_WARMUP seconds at 64 connections, not recorded: the Node peer's JIT and
# heap, refundsync's allocator and Redis's tables). At BENCH_ROUNDS_AT connections (64, the budget's point) the
# targets run BENCH_ROUNDS times (3), in an order rotated each round, and the ratios use each target's median:
# single runs on this shared machine move by 10-20%. BENCH_BASELINE=PATH/TO/other/refundsync adds the target
# "baseline" (the same config on its own port, interleaved with refundsync), to compare a change in one sitting.
set -euo pipefail
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=${2:-10}
shift 2 || shift $#
connections=("${@:-64}")
[ ${#connections[@]} -eq 0 ] && connections=(64)
repo=$(cd "$(dirname "$0")/.." && pwd)
python=$("$repo/scripts/find-python.sh")
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. "$repo/scripts/ports.sh"

for tool in wrk nginx; do command -v $tool >/dev/null || { echo "bench: $tool missing (apt-get install $tool)" >&2; exit 1; }; done
peers="$repo/build/bench-peers"
mkdir -p "$peers"
cp "$repo/bench/peers/package.json" "$repo/bench/peers/package-lock.json" "$peers/"
[ -d "$peers/node_modules/ioredis" ] || (cd "$peers" && npm ci --no-audit --no-fund --silent >/dev/null)

secret=bench-secret
redis_port=$(free_port); rs_port=$(free_port); node_port=$(free_port); nginx_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!; pids+=("$redis_pid"); wait_port "$redis_port"

# refundsync, ingress role, the contract's minimal config plus bounded capture retention, and one HTTP thread:
# on 2 cores shared with Redis and wrk a second thread only adds context switches (docs/performance.md).
"$python" - "$work" "$rs_port" "$redis_port" "$secret" <<'PY'
import sys, os, subprocess
work, port, redis_port, secret = sys.argv[1:]
s = os.path.join(work, "s"); os.makedirs(s)
def w(name, value):
    p = os.path.join(s, name); open(p, "w").write(value + "\n"); return p
subprocess.check_call(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", os.path.join(s, "m2m.pem")],
                      stderr=subprocess.DEVNULL)
open(os.path.join(work, "config.yaml"), "w").write(f"""listen: "127.0.0.1:{port}"
public_url: "http://127.0.0.1:{port}"
redis: {{url: "redis://127.0.0.1:{redis_port}/0"}}
netsuite:
  account_id: "1"
  rest_base_url: "http://127.0.0.1:9"
  client_id_file: "{w('cid', 'x')}"
  certificate_id: "C"
  private_key_file: "{os.path.join(s, 'm2m.pem')}"
  webhook: {{algorithm: HS256, key_file: "{w('wh', 'x')}", issuer: "1", audience: "refundsync"}}
accounts:
  - id: shop
    channel: shopify
    refund_direction: to_netsuite
    shopify: {{shop_domain: s.myshopify.com, admin_base_url: "http://127.0.0.1:9", api_version: "2026-10", access_token_file: "{w('tok', 'x')}", webhook_secret_files: ["{w('sec', secret)}"]}}
captures: {{max_entries: 100000, max_age: 1h}}
http: {{threads: 1}}
log: {{level: warn}}
shutdown: {{drain_delay: 0s}}
""")
PY
"$binary" serve --config "$work/config.yaml" --role ingress > "$work/refundsync.log" 2>&1 &
rs_pid=$!; pids+=("$rs_pid"); wait_port "$rs_port"
baseline_pid=""
if [ -n "${BENCH_BASELINE:-}" ]; then
  baseline_port=$(free_port)
  sed "s/127.0.0.1:$rs_port/127.0.0.1:$baseline_port/g" "$work/config.yaml" > "$work/baseline.yaml"
  "$BENCH_BASELINE" serve --config "$work/baseline.yaml" --role ingress > "$work/baseline.log" 2>&1 &
  baseline_pid=$!; pids+=("$baseline_pid"); wait_port "$baseline_port"
fi
NODE_PATH="$peers/node_modules" node "$repo/bench/peers/node-ingress.js" "$node_port" "$redis_port" "$secret" \
  > "$work/node.log" 2>&1 &
node_pid=$!; pids+=("$node_pid"); wait_port "$node_port"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  # nginx closes a keep-alive connection after 1 000 requests by default, so wrk would reconnect all the time and
  # understate nginx's ceiling; the other targets keep their connections for the whole run.
  # BENCH_NGINX_KEEPALIVE_REQUESTS=1000 shows the default's effect.
  keepalive_requests ${BENCH_NGINX_KEEPALIVE_REQUESTS:-1000000000};
  client_body_temp_path $work;
  server { listen 127.0.0.1:$nginx_port; location / { return 200 '{"status":"accepted"}'; } }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!; pids+=("$nginx_pid"); wait_port "$nginx_port"

# wrk script: a 2 KB refunds/create body signed once (the HMAC covers only the body); a unique event id each time.
"$python" - "$work" "$secret" <<'PY'
import sys, json, hmac, hashlib, base64
work, secret = sys.argv[1:]
body = json.dumps({"id": 929361472, "order_id": 450789469, "created_at": "2026-11-27T11:38:34-05:00", "note": "x" * 1500,
                   "refund_line_items": [{"id": 1, "line_item_id": 2, "quantity": 1, "subtotal": 19.99, "line_item": {"sku": "A"}}],
                   "transactions": [{"id": 3, "kind": "refund", "status": "success", "amount": "19.99", "currency": "USD"}]})
sig = base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()
# The same request to /healthz (answered 405 at once: no Redis, HMAC or JSON) is the "pistache-floor" target.
for name, path in (("shopify", "/webhooks/shopify/shop"), ("floor", "/healthz")):
    open(f"{work}/{name}.lua", "w").write(f"""
local counter = 0
local body = {json.dumps(body)}
local thread_id = 0
setup = function(thread) thread:set("id", thread_id); thread_id = thread_id + 1 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "{path}", {{
    ["X-Shopify-Hmac-Sha256"] = "{sig}", ["X-Shopify-Topic"] = "refunds/create",
    ["X-Shopify-Event-Id"] = "ev-" .. tostring(id) .. "-" .. counter .. "-" .. math.random(1, 2147483647),
    ["Content-Type"] = "application/json"}}, body)
end
""")
PY

results="[]"
ticks_per_s=$(getconf CLK_TCK)
cpu_ticks() {  # cpu_ticks PID...: user+system CPU ticks of the processes (all their threads)
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat") ))
  done
  echo "$total"
}
nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid"); }
run() {  # run NAME URL CONNECTIONS SERVER_PIDS...: also the CPU of server, Redis and wrk, in % of one core
  local out rps p50 p99 errors non2xx server_before redis_before server_cpu redis_cpu wrk_cpu
  local name=$1 url=$2 c=$3
  shift 3
  server_before=$(cpu_ticks "$@"); redis_before=$(cpu_ticks "$redis_pid")
  out=$( { /usr/bin/time -f 'wrk-cpu %U %S' wrk -t2 -c"$c" -d"${seconds}s" -s "${RUN_SCRIPT:-$work/shopify.lua}" --latency "$url"; } 2>&1)
  server_cpu=$(( ( $(cpu_ticks "$@") - server_before ) * 100 / ticks_per_s / seconds ))
  redis_cpu=$(( ( $(cpu_ticks "$redis_pid") - redis_before ) * 100 / ticks_per_s / seconds ))
  wrk_cpu=$(awk '/^wrk-cpu/ {printf "%d", ($2 + $3) * 100 / '"$seconds"'}' <<<"$out")
  set -- "$name" "$url" "$c"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  results=$("$python" -c 'import json,sys; r=json.loads(sys.argv[1]); r.append(dict(target=sys.argv[2], connections=int(sys.argv[3]), rps=float(sys.argv[4]), p50=sys.argv[5], p99=sys.argv[6], socket_errors=int(sys.argv[7]), non_2xx=int(sys.argv[8]), cpu_percent=dict(server=int(sys.argv[9]), redis=int(sys.argv[10]), wrk=int(sys.argv[11] or 0)))); print(json.dumps(r))' \
    "$results" "$1" "$3" "$rps" "$p50" "$p99" "$errors" "$non2xx" "$server_cpu" "$redis_cpu" "$wrk_cpu")
  printf '%-11s c=%-4s %10s req/s  p50 %-8s p99 %-8s errors %s non-2xx %s  cpu%% server %s redis %s wrk %s\n' \
    "$1" "$3" "$rps" "$p50" "$p99" "$errors" "$non2xx" "$server_cpu" "$redis_cpu" "$wrk_cpu"
}
# BENCH_TARGETS narrows the sitting (e.g. "refundsync" while trying a change) or adds "pistache-floor" (the same
# requests to refundsync's /healthz: what the HTTP layer alone costs, not in the default sitting); BENCH_PERF=FILE also records a
# CPU profile of refundsync during its runs (perf record; BENCH_PERF_ARGS="--call-graph dwarf -F 999" sees
# through libc; read it with `perf report -i FILE`).
targets="${BENCH_TARGETS:-nginx node-peer refundsync}"
[ -n "$baseline_pid" ] && targets="$targets baseline"
read -r -a targets <<<"$targets"
run_target() {  # run_target NAME CONNECTIONS
  local c=$2 perf_pid=""
  case $1 in
    nginx) run nginx "http://127.0.0.1:$nginx_port/webhooks/shopify/shop" "$c" $(nginx_pids) ;;
    node-peer) run node-peer "http://127.0.0.1:$node_port/webhooks/shopify/shop" "$c" "$node_pid" ;;
    pistache-floor) RUN_SCRIPT="$work/floor.lua" run pistache-floor "http://127.0.0.1:$rs_port/healthz" "$c" "$rs_pid" ;;
    baseline) run baseline "http://127.0.0.1:$baseline_port/webhooks/shopify/shop" "$c" "$baseline_pid" ;;
    refundsync)
      if [ -n "${BENCH_PERF:-}" ]; then
        perf record -e cpu-clock ${BENCH_PERF_ARGS:--g} -o "$BENCH_PERF" -p "$rs_pid" -- sleep "$seconds" >/dev/null 2>&1 &
        perf_pid=$!
      fi
      run refundsync "http://127.0.0.1:$rs_port/webhooks/shopify/shop" "$c" "$rs_pid"
      if [ -n "$perf_pid" ]; then wait "$perf_pid"; fi
      ;;
  esac
}
warmup=${BENCH_WARMUP:-5}
if [ "$warmup" -gt 0 ]; then
  echo "warm-up: ${warmup} s per target at 64 connections (not recorded)"
  for target in "${targets[@]}"; do
    saved=$results; seconds_saved=$seconds; seconds=$warmup
    run_target "$target" 64 >/dev/null
    results=$saved; seconds=$seconds_saved
  done
fi
rounds_at=${BENCH_ROUNDS_AT:-64}
for c in "${connections[@]}"; do
  rounds=1
  [ "$c" = "$rounds_at" ] && rounds=${BENCH_ROUNDS:-3}
  for ((round = 0; round < rounds; round++)); do
    for ((k = 0; k < ${#targets[@]}; k++)); do  # rotated: no target always runs first or right after nginx
      run_target "${targets[(k + round) % ${#targets[@]}]}" "$c"
    done
  done
done
rss_kb=$(ps -o rss= -p "$rs_pid" | tr -d ' ')
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
out="$repo/bench/results/ingress-$(date -u +%Y%m%d-%H%M%S).json"
"$python" - "$results" "$rss_kb" "$date" "$seconds" "$out" <<'PY'
import json, sys, os, platform, statistics
results, rss, date, seconds, out = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
summary = {"date": date, "machine": f"{os.cpu_count()} cores, {platform.machine()}", "seconds": int(seconds),
           "refundsync_rss_mb": round(rss / 1024, 1), "runs": results}
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float("nan")
# Per target and connection count: the median of its rounds (and their range), which the ratios and the plot use.
points = {}
for r in results:
    points.setdefault(r["target"], {}).setdefault(str(r["connections"]), []).append(r)
for target, by_c in points.items():
    for c, runs in by_c.items():
        rps = sorted(r["rps"] for r in runs)
        by_c[c] = {"rounds": len(runs), "rps_median": statistics.median(rps), "rps_min": rps[0], "rps_max": rps[-1],
                   "p99_ms_median": round(statistics.median(ms(r["p99"]) for r in runs), 3)}
summary["points"] = points
for c in sorted({r["connections"] for r in results}):
    by = {t: points[t][str(c)]["rps_median"] for t in points if str(c) in points[t]}
    ratios = {}
    for other in ("nginx", "node-peer", "baseline"):
        if by.get(other) and by.get("refundsync"):
            ratios["refundsync_vs_" + {"node-peer": "node"}.get(other, other)] = round(by["refundsync"] / by[other], 3)
    if ratios:
        summary.setdefault("ratios", {})[str(c)] = ratios
json.dump(summary, open(out, "w"), indent=2)
print(json.dumps({"refundsync_rss_mb": summary["refundsync_rss_mb"], "ratios": summary.get("ratios")}))
print("written", out)
PY
"$repo/bench/plot.sh" "$out" "${out%.json}.svg"
