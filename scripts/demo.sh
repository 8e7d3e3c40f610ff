#!/usr/bin/env bash
# demo.sh PATH/TO/refundsync: the demo of the current state on a private Redis, with nothing else running.
# Starts redis-server and refundsync on free loopback ports, shows the effective direction table, health,
# readiness (also while Redis is down) and a few metrics, then stops everything it started.
set -euo pipefail
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for URL EXPECTED_STATUS: poll until the URL answers with that status (at most 10 s)
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "demo: $1 never answered $2" >&2
  return 1
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

redis_port=$(free_port)
port=$(free_port)
mkdir -p "$work/secrets" "$work/redis"
s() { printf '%s\n' "$2" > "$work/secrets/$1"; echo "$work/secrets/$1"; }
openssl ecparam -name prime256v1 -genkey -noout -out "$work/secrets/netsuite-m2m.pem" 2>/dev/null
cat > "$work/config.yaml" <<YAML
listen: "127.0.0.1:$port"
public_url: "http://127.0.0.1:$port"
redis:
  url: "redis://127.0.0.1:$redis_port/0"
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "http://127.0.0.1:9"
  client_id_file: "$(s netsuite-client-id demo-client-id)"
  certificate_id: "DEMO"
  private_key_file: "$work/secrets/netsuite-m2m.pem"
  webhook:
    algorithm: "HS256"
    key_file: "$(s netsuite-webhook.key "demo-netsuite-webhook-secret")"
    issuer: "1234567_SB1"
    audience: "refundsync"
accounts:
  - id: "ebay-us"
    channel: "ebay"
    ebay:
      api_base_url: "http://127.0.0.1:9"
      verification_token_file: "$(s ebay-vt demo-verification-token-0123456789-abcdefgh)"
      refresh_token_file: "$(s ebay-rt "v^1.1#demo")"
      client_id_file: "$(s ebay-cid demo)"
      client_secret_file: "$(s ebay-cs demo)"
  - id: "shopify-main"
    channel: "shopify"
    shopify:
      shop_domain: "demo.myshopify.com"
      admin_base_url: "http://127.0.0.1:9"
      api_version: "2026-10"
      access_token_file: "$(s shopify-token shpat_demo)"
      webhook_secret_files: ["$(s shopify-secret demo-shopify-secret)"]
  - id: "shopify-eu"
    channel: "shopify"
    refund_direction: "to_netsuite"
    shopify:
      shop_domain: "demo-eu.myshopify.com"
      admin_base_url: "http://127.0.0.1:9"
      api_version: "2026-10"
      access_token_file: "$work/secrets/shopify-token"
      webhook_secret_files: ["$work/secrets/shopify-secret"]
shutdown:
  drain_delay: "500ms"
YAML

step "Effective refund direction per account (refundsync check-config)"
"$binary" check-config --config "$work/config.yaml"

step "A private redis-server on 127.0.0.1:$redis_port and refundsync serve on 127.0.0.1:$port"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --loglevel warning >/dev/null &
redis_pid=$!
pids+=("$redis_pid")
"$binary" serve --config "$work/config.yaml" > "$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
wait_for "http://127.0.0.1:$port/readyz" 200
echo "GET /healthz -> $(curl -s "http://127.0.0.1:$port/healthz")"
echo "GET /readyz  -> $(curl -s "http://127.0.0.1:$port/readyz")"

step "Redis stops: readiness fails, liveness holds"
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
wait_for "http://127.0.0.1:$port/readyz" 503
echo "GET /readyz  -> $(curl -s -w ' (%{http_code})' "http://127.0.0.1:$port/readyz")"
echo "GET /healthz -> $(curl -s -w ' (%{http_code})' "http://127.0.0.1:$port/healthz")"

step "Redis is back: ready again"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --loglevel warning >/dev/null &
pids+=("$!")
wait_for "http://127.0.0.1:$port/readyz" 200
echo "GET /readyz  -> $(curl -s "http://127.0.0.1:$port/readyz")"

step "GET /metrics (excerpt)"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^refundsync_(redis_up|http_requests_total|build_info)' || true

step "SIGTERM: readiness fails for shutdown.drain_delay, then a clean exit"
kill -TERM "$serve_pid"
wait "$serve_pid" && echo "refundsync exited with status 0"
step "Service log"
cat "$work/serve.log"
