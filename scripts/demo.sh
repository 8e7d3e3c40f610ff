#!/usr/bin/env bash
# demo.sh PATH/TO/refundsync: the whole product on a private Redis and the sandbox, nothing else running.
# Plays the scenarios of contract section 10, prints the transactions table and stops everything it started.
# DEMO_KEEP=1 keeps the service and the sandbox running (Ctrl-C stops them) to explore with the CLI and curl.
set -euo pipefail
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
python=$("$repo/scripts/find-python.sh")
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

. "$repo/scripts/ports.sh"
wait_for() {  # wait_for URL STATUS: poll until the URL answers with that status (at most 10 s)
  for _ in $(seq 200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "demo: $1 never answered $2" >&2
  return 1
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }

redis_port=$(free_port); port=$(free_port)
mkdir -p "$work/s" "$work/redis"
secret() { printf '%s\n' "$2" > "$work/s/$1"; echo "$work/s/$1"; }
openssl ecparam -name prime256v1 -genkey -noout -out "$work/s/m2m.pem" 2>/dev/null
openssl ec -in "$work/s/m2m.pem" -pubout -out "$work/s/m2m.pub" 2>/dev/null
secret admin-token demo-operator-token >/dev/null
export REFUNDSYNC_TOKEN=demo-operator-token

step "The sandbox (NetSuite, eBay and Shopify stand-ins) and a private redis-server"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly no \
  --loglevel warning >/dev/null &
pids+=("$!")
"$python" "$repo/sandbox/refundsync-sandbox" --port-file "$work/sandbox.port" --netsuite-public-key "$work/s/m2m.pub" \
  --netsuite-webhook-url "http://127.0.0.1:$port/webhooks/netsuite" --netsuite-webhook-secret demo-netsuite-secret \
  --shopify-webhook-url "http://127.0.0.1:$port/webhooks/shopify" --shopify-webhook-secret demo-shopify-secret \
  --shopify-access-token shpat_demo > "$work/sandbox.log" 2>&1 &
pids+=("$!")
for _ in $(seq 200); do [ -s "$work/sandbox.port" ] && break; sleep 0.05; done
sb="http://127.0.0.1:$(cat "$work/sandbox.port")"
say "sandbox at $sb, redis at 127.0.0.1:$redis_port"

cat > "$work/config.yaml" <<YAML
listen: "127.0.0.1:$port"
public_url: "http://127.0.0.1:$port"
redis:
  url: "redis://127.0.0.1:$redis_port/0"
admin:
  tokens: [{name: demo, role: operator, token_file: "$work/s/admin-token"}]
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "$sb"
  client_id_file: "$(secret ns-client-id client-id)"
  certificate_id: "CERT1"
  private_key_file: "$work/s/m2m.pem"
  generic_items: {shipping: "900", adjustment: "901"}
  webhook:
    algorithm: "HS256"
    key_file: "$(secret ns-webhook demo-netsuite-secret)"
    issuer: "1234567_SB1"
    audience: "refundsync"
accounts:
  - id: "ebay-us"            # a marketplace: refunds go to NetSuite
    channel: "ebay"
    sync_since: "2020-01-01"
    ebay:
      api_base_url: "$sb"
      verification_token_file: "$(secret ebay-vt demo-verification-token-0123456789-abcdefgh)"
      refresh_token_file: "$(secret ebay-rt "v^1.1#refresh")"
      client_id_file: "$(secret ebay-cid client-id)"
      client_secret_file: "$(secret ebay-cs client-secret)"
  - id: "shopify-main"       # a cart: refunds come from NetSuite
    channel: "shopify"
    shopify:
      shop_domain: "demo.myshopify.com"
      admin_base_url: "$sb"
      api_version: "2026-10"
      access_token_file: "$(secret shop-token shpat_demo)"
      webhook_secret_files: ["$(secret shop-secret demo-shopify-secret)"]
  - id: "shopify-eu"         # a cart set to send its refunds to NetSuite
    channel: "shopify"
    refund_direction: "to_netsuite"
    shopify:
      shop_domain: "demo-eu.myshopify.com"
      admin_base_url: "$sb"
      api_version: "2026-10"
      access_token_file: "$work/s/shop-token"
      webhook_secret_files: ["$work/s/shop-secret"]
worker: {backoff_initial: 200ms, backoff_max: 2s}
reconcile: {interval: 1h}
shutdown: {drain_delay: 200ms}
YAML

step "Configuration: each account's channel, kind and effective direction"
"$binary" check-config --config "$work/config.yaml"

step "refundsync serve (ingress + workers) on 127.0.0.1:$port"
"$binary" serve --config "$work/config.yaml" > "$work/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
wait_for "http://127.0.0.1:$port/readyz" 200
say "ready: $(curl -s "http://127.0.0.1:$port/readyz")"

control() { curl -s -X "$1" "$sb$2" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
shopify_webhook() {  # shopify_webhook ACCOUNT EVENT_ID BODY [SECRET]: a signed refunds/create delivery
  local sig
  sig=$(printf '%s' "$3" | openssl dgst -sha256 -hmac "${4:-demo-shopify-secret}" -binary | base64)
  curl -s -w ' (HTTP %{http_code})' -X POST "http://127.0.0.1:$port/webhooks/shopify/$1" \
    -H "X-Shopify-Hmac-Sha256: $sig" -H 'X-Shopify-Topic: refunds/create' -H "X-Shopify-Event-Id: $2" \
    -H "X-Shopify-Webhook-Id: delivery-$RANDOM" -H 'Content-Type: application/json' --data-binary "$3"
}
settled() {  # settled SOURCE_RECORD...: wait until each transaction left `imported` (at most 15 s)
  for source in "$@"; do
    for _ in $(seq 300); do
      "$binary" transactions list --server "http://127.0.0.1:$port" --output json --limit 500 |
        "$python" -c 'import json,sys; s=sys.argv[1]; sys.exit(0 if any(t["source_record"]==s and t["status"]!="imported" for t in json.load(sys.stdin)["items"]) else 1)' "$source" && break
      sleep 0.05
    done
  done
}

notes() {  # notes SOURCE_RECORD: the history notes of its transaction, one per line
  "$binary" transactions list --server "http://127.0.0.1:$port" --output json --limit 500 |
    "$python" -c 'import json,sys; s=sys.argv[1]; [print(h["note"]) for t in json.load(sys.stdin)["items"] if t["source_record"]==s for h in t["history"]]' "$1"
}
came_back() {  # came_back SOURCE_RECORD: wait until our own write's echo is in its history (at most 5 s)
  for _ in $(seq 100); do notes "$1" | grep -q '^came back as ' && return; sleep 0.05; done
  echo "demo: our own write never came back to $1" >&2
  return 1
}

step "1+2. eBay refunds: a paid order (cash sale) and an order on terms (invoice)"
sale_ebay=$(control POST /_control/netsuite/orders '{"external_id":"ebay-us-12-34567-89012","billing":"cash_sale","lines":[{"sku":"CAMERA-STRAP","quantity":2,"rate":"24.95"}]}' |
  "$python" -c 'import json,sys; print(json.load(sys.stdin)["billed"]["id"])')
control POST /_control/netsuite/orders '{"external_id":"ebay-us-23-45678-90123","billing":"invoice","lines":[{"sku":"LENS-CAP","quantity":1,"rate":"41.94"}]}' >/dev/null
control POST /_control/ebay/orders '{"order_id":"12-34567-89012","line_items":[{"line_item_id":"10001","sku":"CAMERA-STRAP","quantity":2,"price":"24.95"}]}' >/dev/null
control POST /_control/ebay/orders '{"order_id":"23-45678-90123","line_items":[{"line_item_id":"10002","sku":"LENS-CAP","quantity":1,"price":"41.94"}]}' >/dev/null
control POST /_control/ebay/orders/12-34567-89012/refunds '{"amount":"24.95","line_item_id":"10001","refund_id":"5EBAY0001"}' >/dev/null
control POST /_control/ebay/orders/23-45678-90123/refunds '{"amount":"41.94","line_item_id":"10002","refund_id":"5EBAY0002"}' >/dev/null
say "eBay has no refund notification: reconciliation finds them"
"$binary" reconcile --config "$work/config.yaml" --account ebay-us --once 2>/dev/null
settled ebay:refund:5EBAY0001 ebay:refund:5EBAY0002

step "3. A credit memo entered in NetSuite becomes a Shopify refund"
control POST /_control/shopify/orders '{"account":"shopify-main","order_id":"450789469","line_items":[{"sku":"MUG-BLUE","quantity":2,"price":"15.00"}],"paid":"30.00"}' >/dev/null
invoice=$(control POST /_control/netsuite/orders '{"external_id":"shopify-main-450789469","billing":"invoice","lines":[{"sku":"MUG-BLUE","quantity":2,"rate":"15.00"}]}' |
  "$python" -c 'import json,sys; print(json.load(sys.stdin)["billed"]["id"])')
memo=$(control POST /_control/netsuite/refunds "{\"billed_type\":\"invoice\",\"billed_id\":\"$invoice\",\"lines\":[{\"sku\":\"MUG-BLUE\",\"quantity\":1,\"amount\":\"15.00\"}]}" |
  "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
say "NetSuite credit memo $memo created; NetSuite's event was sent to refundsync"
settled "netsuite:creditmemo:$memo"
say "Shopify order 450789469 now shows: $(control GET /_control/shopify/orders/450789469 | "$python" -c 'import json,sys; o=json.load(sys.stdin); print(o["totalRefundedSet"]["shopMoney"]["amount"], "refunded in", len(o["refunds"]), "refund(s)")')"
came_back "netsuite:creditmemo:$memo"
say "Shopify's refunds/create for our own refund is noted in the credit memo's history (not a row of its own): $(notes "netsuite:creditmemo:$memo" | grep '^came back as ' | tail -1)"

step "4. The same webhook delivered twice is deduplicated"
control POST /_control/netsuite/orders '{"external_id":"shopify-eu-820982911","billing":"cash_sale","lines":[{"sku":"TEE-M","quantity":1,"rate":"19.99"}]}' >/dev/null
# The refund exists in Shopify (the service reads it there: a webhook is only its trigger); we deliver its webhook by hand.
control POST /_control/shopify/orders '{"account":"shopify-eu","order_id":"820982911","line_items":[{"sku":"TEE-M","quantity":1,"price":"19.99"}]}' >/dev/null
control POST /_control/shopify/orders/820982911/refunds '{"refund_id":"509562969","created_at":"2030-01-01T10:00:00Z","lines":[{"sku":"TEE-M","quantity":1}],"send_webhook":false}' >/dev/null
refund='{"id":509562969,"order_id":820982911,"created_at":"2030-01-01T10:00:00Z","refund_line_items":[{"line_item_id":1,"quantity":1,"subtotal":"19.99","total_tax":"0.00","line_item":{"sku":"TEE-M"}}],"transactions":[{"kind":"refund","status":"success","amount":"19.99","currency":"USD"}],"order_adjustments":[]}'
say "first delivery:  $(shopify_webhook shopify-eu evt-509562969 "$refund")"
say "second delivery: $(shopify_webhook shopify-eu evt-509562969 "$refund")"
settled shopify:refund:509562969

step "5. A bad signature is rejected"
say "forged delivery: $(shopify_webhook shopify-eu evt-forged "$refund" not-the-secret)"

step "6. A refund for an order never synced to NetSuite"
unsynced='{"id":509562970,"order_id":999999999,"created_at":"2030-01-01T10:00:00Z","refund_line_items":[],"transactions":[{"kind":"refund","status":"success","amount":"5.00","currency":"USD"}],"order_adjustments":[]}'
control POST /_control/shopify/orders/999999999/refunds '{"create_order":true,"account":"shopify-eu","refund_id":"509562970","created_at":"2030-01-01T10:00:00Z","lines":[],"total":"5.00","send_webhook":false}' >/dev/null
say "delivery: $(shopify_webhook shopify-eu evt-509562970 "$unsynced")"
settled shopify:refund:509562970

step "7. A NetSuite event that was lost is caught up by reconciliation"
memo2=$(control POST /_control/netsuite/refunds "{\"billed_type\":\"invoice\",\"billed_id\":\"$invoice\",\"lines\":[{\"sku\":\"MUG-BLUE\",\"quantity\":1,\"amount\":\"15.00\"}],\"send_webhook\":false}" |
  "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
say "NetSuite credit memo $memo2 created, its event dropped"
"$binary" reconcile --config "$work/config.yaml" --account shopify-main --once 2>/dev/null
settled "netsuite:creditmemo:$memo2"

step "The transactions list (refundsync transactions list)"
"$binary" transactions list --server "http://127.0.0.1:$port"
say "the same list on the operator page: http://127.0.0.1:$port/ui/ (token: demo-operator-token; DEMO_KEEP=1 keeps it up)"

step "8. Month-end: the refund audit compares both sides per order"
control POST /_control/netsuite/refunds "{\"billed_type\":\"cashSale\",\"billed_id\":\"$sale_ebay\",\"lines\":[{\"sku\":\"CAMERA-STRAP\",\"amount\":\"5.00\"}],\"memo\":\"goodwill\",\"send_webhook\":false}" >/dev/null
control POST /_control/shopify/settings '{"scopes":["write_orders","read_all_orders"]}' >/dev/null
say "on purpose: a 5.00 goodwill cash refund booked by hand in NetSuite for eBay order 12-34567-89012, beyond what eBay refunded"
since=$(date -u -d yesterday +%Y-%m-%d)  # NetSuite dates its records in the user's zone, maybe still yesterday
for account in ebay-us shopify-main; do
  "$binary" audit --config "$work/config.yaml" --account "$account" --from "$since" 2>/dev/null &&
    say "audit $account: exit 0, both sides agree" || say "audit $account: exit 1, a discrepancy to look at"
done
"$binary" audit ack --config "$work/config.yaml" --account ebay-us --order-id 12-34567-89012 --note "goodwill, booked by hand" 2>/dev/null
if "$binary" audit --config "$work/config.yaml" --account ebay-us --from "$since" >/dev/null 2>&1; then
  say "after the acknowledgement, audit ebay-us exits 0 (the page's Audit tab shows the same)"
else
  echo "demo: audit ebay-us still lists a discrepancy after the acknowledgement" >&2
  exit 1
fi

if [ "${DEMO_KEEP:-}" = "1" ]; then
  step "Still running (DEMO_KEEP=1): Ctrl-C stops everything"
  say "refundsync: http://127.0.0.1:$port  (admin token: demo-operator-token, exported as REFUNDSYNC_TOKEN)"
  say "page:       http://127.0.0.1:$port/ui/"
  say "sandbox:    $sb"
  say "config:     $work/config.yaml"
  wait "$serve_pid"
fi

step "SIGTERM: readiness fails, the listener closes, exit 0"
kill -TERM "$serve_pid"
wait "$serve_pid" && say "refundsync exited with status 0"
