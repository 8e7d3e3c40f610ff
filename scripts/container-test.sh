#!/usr/bin/env bash
# container-test.sh PATH/TO/refundsync: builds an image FROM SCRATCH out of the project's own build (the binary
# and the shared libraries ldd lists, a passwd entry for the non-root user, CA certificates) with buildah, runs it
# with podman on the host network against a private redis-server, and checks /readyz and one signed Shopify
# webhook. No registry is needed (deploy/Dockerfile is the registry-based recipe; this one proves the binary
# and its libraries are a complete image). Needs root, buildah and podman (Debian packages).
set -euo pipefail
binary=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
skip() {  # outside CI a machine without the tools skips (77); in CI the check must run
  echo "container-test: $1"
  [ "${CI:-}" = true ] && exit 1
  exit 77
}
for tool in buildah podman runc; do
  command -v "$tool" >/dev/null || skip "skipped: $tool is not installed (make deps installs it)"
done
[ "$(id -u)" -eq 0 ] || skip "skipped: needs root (rootless podman needs subuid ranges this script does not set up)"
repo=$(cd "$(dirname "$0")/.." && pwd)
python=$("$repo/scripts/find-python.sh")
image=localhost/refundsync:container-test
name=refundsync-container-test-$$
work=$(mktemp -d)
# vfs: works without overlay support in the kernel or a fuse helper, at the cost of copying layers (small here).
storage=(--storage-driver vfs --root "$work/storage" --runroot "$work/run")
redis_pid=""
cleanup() {
  podman "${storage[@]}" rm -f "$name" >/dev/null 2>&1 || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  buildah "${storage[@]}" rm --all >/dev/null 2>&1 || true
  podman "${storage[@]}" rmi -f "$image" >/dev/null 2>&1 || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s.%N)
elapsed() { "$python" -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.1f}s')" "$started"; }

# --- The root filesystem: the binary, every shared library it loads (and the loader), nothing else ------------
root="$work/rootfs"
mkdir -p "$root/usr/local/bin" "$root/etc/refundsync" "$root/tmp" "$root/etc/ssl/certs"
cp "$binary" "$root/usr/local/bin/refundsync"
strip "$root/usr/local/bin/refundsync" 2>/dev/null || true
ldd "$binary" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0::/:/nonexistent\nrefundsync:x:10001:10001::/:/nonexistent\n' > "$root/etc/passwd"
printf 'root:x:0:\nrefundsync:x:10001:\n' > "$root/etc/group"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
chmod 1777 "$root/tmp"
echo "container-test: rootfs $(du -sh "$root" | cut -f1) ($(find "$root" -name '*.so*' | wc -l) shared libraries)"

# --- The image -------------------------------------------------------------------------------------------------
container=$(buildah "${storage[@]}" from scratch)
buildah "${storage[@]}" copy "$container" "$root" / >/dev/null
buildah "${storage[@]}" config --user 10001:10001 --port 8080 \
  --entrypoint '["/usr/local/bin/refundsync","serve"]' --cmd '--config /etc/refundsync/config.yaml' \
  --label org.opencontainers.image.title=refundsync "$container"
buildah "${storage[@]}" commit --quiet "$container" "$image" >/dev/null
echo "container-test: image $image built from scratch in $(elapsed)"

# --- Run it against a private Redis ----------------------------------------------------------------------------
. "$repo/scripts/ports.sh"
redis_port=$(free_port); port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >/dev/null &
redis_pid=$!
config="$work/config"
mkdir -p "$config/secrets"
printf 'container-shopify-secret\n' > "$config/secrets/shopify-webhook"
printf 'shpat_container\n' > "$config/secrets/shopify-token"
printf 'client-id\n' > "$config/secrets/ns-client-id"
printf 'container-netsuite-secret\n' > "$config/secrets/ns-webhook"
openssl ecparam -name prime256v1 -genkey -noout -out "$config/secrets/m2m.pem" 2>/dev/null
chmod -R a+rX "$config"
cat > "$config/config.yaml" <<YAML
listen: "127.0.0.1:$port"
public_url: "http://127.0.0.1:$port"
redis: {url: "redis://127.0.0.1:$redis_port/0"}
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "http://127.0.0.1:9"
  client_id_file: /etc/refundsync/secrets/ns-client-id
  certificate_id: CERT1
  private_key_file: /etc/refundsync/secrets/m2m.pem
  webhook: {algorithm: HS256, key_file: /etc/refundsync/secrets/ns-webhook, issuer: "1234567_SB1", audience: refundsync}
accounts:
  - id: shop-eu
    channel: shopify
    refund_direction: to_netsuite
    shopify:
      shop_domain: eu.myshopify.com
      admin_base_url: "http://127.0.0.1:9"
      api_version: "2026-10"
      access_token_file: /etc/refundsync/secrets/shopify-token
      webhook_secret_files: [/etc/refundsync/secrets/shopify-webhook]
shutdown: {drain_delay: 0s}
YAML
# The pod's restrictions, as in deploy/k8s: non-root, read-only root, no capabilities, no new privileges.
# This machine's podman needs runc and explicit limits (its defaults are above what the host allows).
podman "${storage[@]}" run -d --name "$name" --runtime runc --network host \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --read-only --cap-drop ALL \
  --security-opt no-new-privileges -v "$config:/etc/refundsync:ro" "$image" >/dev/null

ready=""
for _ in $(seq 200); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then ready=1; break; fi
  if [ "$(podman "${storage[@]}" inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then break; fi
  sleep 0.05
done
if [ -z "$ready" ]; then
  echo "container-test: FAILED: /readyz never answered 200; the container's output:" >&2
  podman "${storage[@]}" logs "$name" >&2 || true
  exit 1
fi
echo "container-test: /readyz 200 after $(elapsed)"

body='{"id":7001,"order_id":7001,"created_at":"2030-01-01T10:00:00Z","refund_line_items":[],"transactions":[{"kind":"refund","status":"success","amount":"1.00","currency":"USD"}],"order_adjustments":[]}'
sign() { printf '%s' "$body" | openssl dgst -sha256 -hmac "$1" -binary | base64; }
post() {
  curl -s -o "$work/answer" -w '%{http_code}' -X POST "http://127.0.0.1:$port/webhooks/shopify/shop-eu" \
    -H "X-Shopify-Hmac-Sha256: $1" -H 'X-Shopify-Topic: refunds/create' -H 'X-Shopify-Event-Id: container-1' \
    -H 'Content-Type: application/json' --data-binary "$body"
}
status=$(post "$(sign container-shopify-secret)")
answer=$(cat "$work/answer")
if [ "$status" != 200 ] || [[ "$answer" != *'"status":"accepted"'* ]]; then
  echo "container-test: FAILED: the signed webhook got $status $answer" >&2
  exit 1
fi
forged=$(post "$(sign wrong-secret)")
if [ "$forged" != 401 ]; then
  echo "container-test: FAILED: a forged webhook got $forged" >&2
  exit 1
fi
user=$(podman "${storage[@]}" top "$name" user 2>/dev/null | tail -1 | tr -d ' ')
if [ "$user" != refundsync ]; then
  echo "container-test: FAILED: the service runs as '${user:-?}', not as the non-root user refundsync" >&2
  exit 1
fi
echo "container-test: signed webhook accepted, forged one 401; runs as $user; total $(elapsed)"
podman "${storage[@]}" stop -t 5 "$name" >/dev/null
code=$(podman "${storage[@]}" inspect -f '{{.State.ExitCode}}' "$name")
[ "$code" = 0 ] || { echo "container-test: FAILED: exit code $code after SIGTERM" >&2; exit 1; }
echo "container-test: SIGTERM -> exit 0. PASSED"
