#!/usr/bin/env python3
"""bench/worker.py PATH/TO/refundsync RESULTS_JSON SIZE...: the worker benchmark, in one sitting.
bench/worker.py --realistic PATH/TO/refundsync RESULTS_JSON: the same at a production-like NetSuite latency.

Sizes: for each size N, a fresh private redis-server and sandbox (NetSuite latency 50 ms, concurrency limit 5: a
ceiling of 100 NetSuite calls/s), N NetSuite orders billed as cash sales, and N signed Shopify refunds queued through
an ingress-only refundsync. Then one worker-only refundsync starts and the clock runs until every queue is empty and
nothing waits for a retry. Reports refunds/s, NetSuite calls per refund, calls/s against the ceiling, 429s and
duplicates (cash refunds per Shopify refund, read back from the sandbox), and how drain time grows with N.

Realistic: every NetSuite call takes 250 ms +- 100 ms (uniform), at concurrency limits 5 and 15. A drain of 1 000
refunds over 200 orders (round robin, five per order: each order's first refund meets a new order, the four
others a known one),
and a steady 5 refunds/s for 60 s through one refundsync serving both roles. Reports calls per refund (p50, max:
the NetSuite calls naming an order, divided by its refunds), refunds/s, the share of the ceiling (limit / latency /
calls per refund), p50/p99 received -> posted at the steady rate, and duplicates.
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LATENCY_MS = int(os.environ.get("BENCH_NETSUITE_LATENCY_MS", "50"))
LIMIT = 5
SECRET = "bench-secret"
SHARDS = 8


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"127.0.0.1:{port}{path} never answered 200")


def redis(port, *args):
    return subprocess.check_output(["redis-cli", "-p", str(port), *args], text=True).strip()


def redis_pipe(port, commands):
    """Many commands through one redis-cli (one reply per line; our keys and JSON values have no spaces or
    newlines that need quoting)."""
    if not commands:
        return []
    out = subprocess.run(["redis-cli", "-p", str(port)], input="\n".join(commands) + "\n", text=True,
                         capture_output=True, check=True).stdout
    return out.splitlines()


def cash_refunds(records):
    return [r for r in records if "/cashRefund/" in r["links"][0]["href"]]


def duplicates(refunds):
    """Cash refunds beyond one per source refund: our marker is the memo's first word (a transform may not keep
    externalId)."""
    per_source = {}
    for r in refunds:
        marker = (r.get("memo") or "").split(" ")[0]
        per_source[marker] = per_source.get(marker, 0) + 1
    return sum(n - 1 for n in per_source.values() if n > 1)


class Run:
    """One size: its own Redis, sandbox and refundsync processes, all stopped by close()."""

    def __init__(self, binary, size, limit=LIMIT, refunds_per_order=1, worker_concurrency=8):
        self.binary, self.size, self.limit = binary, size, limit
        self.refunds_per_order, self.worker_concurrency = refunds_per_order, worker_concurrency
        self.dir = tempfile.mkdtemp(prefix="rs-bench-worker-")
        self.procs = []
        self.redis_port, self.port = free_port(), free_port()
        self.procs.append(subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")]))
        key = os.path.join(self.dir, "m2m.pem")
        subprocess.check_call(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key],
                              stderr=subprocess.DEVNULL)
        subprocess.check_call(["openssl", "ec", "-in", key, "-pubout", "-out", key + ".pub"], stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.dir, "sandbox.port")
        self.procs.append(subprocess.Popen(
            [sys.executable, os.path.join(REPO, "sandbox", "refundsync-sandbox"), "--port-file", port_file,
             "--netsuite-public-key", key + ".pub", "--netsuite-concurrency", str(limit)],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "sandbox.log"), "w")))
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        self.sandbox = int(open(port_file).read())
        self.config = self.write_config(key)

    def write_config(self, key):
        def secret(name, value):
            path = os.path.join(self.dir, name)
            open(path, "w").write(value + "\n")
            return path
        sb = f"http://127.0.0.1:{self.sandbox}"
        path = os.path.join(self.dir, "config.yaml")
        open(path, "w").write(f"""listen: "127.0.0.1:{self.port}"
public_url: "http://127.0.0.1:{self.port}"
redis: {{url: "redis://127.0.0.1:{self.redis_port}/0"}}
netsuite:
  account_id: "1234567_SB1"
  rest_base_url: "{sb}"
  client_id_file: "{secret('cid', 'client-id')}"
  certificate_id: "CERT1"
  private_key_file: "{key}"
  max_concurrency: {self.limit}
  webhook: {{algorithm: HS256, key_file: "{secret('wh', 'x')}", issuer: "1234567_SB1", audience: refundsync}}
accounts:
  - id: shop
    channel: shopify
    refund_direction: to_netsuite
    shopify: {{shop_domain: s.myshopify.com, admin_base_url: "{sb}", api_version: "2026-10", access_token_file: "{secret('tok', 'shpat_x')}", webhook_secret_files: ["{secret('sec', SECRET)}"]}}
worker: {{concurrency: {self.worker_concurrency}}}
reconcile: {{interval: 24h}}
log: {{level: warn}}
shutdown: {{drain_delay: 0s}}
""")
        return path

    def control(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.sandbox, timeout=600)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"sandbox {path}: {r.status} {data[:200]}")
        return json.loads(data)

    def serve(self, role):
        log = open(os.path.join(self.dir, f"serve-{role}.log"), "w")
        proc = subprocess.Popen([self.binary, "serve", "--config", self.config, "--role", role], stdout=log, stderr=log)
        self.procs.append(proc)
        return proc

    def seed_and_queue(self):
        # A refunds/create webhook is only a trigger: the worker reads each refund from Shopify, so the refunds
        # exist there too, and the app's cost bucket is a Shopify Plus one (1000 points a second).
        self.seed()
        ingress = self.serve("ingress")
        wait_http(self.port, "/readyz")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for i in range(self.size):
            self.send_webhook(conn, i)
        ingress.terminate()
        ingress.wait()

    def order_of(self, i):
        """Refund i's order, round robin: the first refund of each order meets a new order, the later ones a known
        order with refunds already in NetSuite."""
        return 100000 + i % max(1, self.size // self.refunds_per_order)

    def seed(self):
        # A refunds/create webhook is only a trigger: the worker reads each refund from Shopify, so the refunds
        # exist there too, and the app's cost bucket is a Shopify Plus one (1000 points a second).
        self.control("POST", "/_control/shopify/settings", {"maximum_available": 10000, "restore_rate": 1000})
        self.control("POST", "/_control/netsuite/settings", {"suitescript_deployed": False})  # no echoes counted
        for order in sorted({self.order_of(i) for i in range(self.size)}):
            self.control("POST", "/_control/netsuite/orders",
                         {"external_id": f"shop-{order}", "billing": "cash_sale",
                          "lines": [{"sku": "SKU-1", "quantity": self.refunds_per_order, "rate": "10.00"}]})
        for i in range(self.size):
            self.control("POST", f"/_control/shopify/orders/{self.order_of(i)}/refunds",
                         {"create_order": True, "account": "shop", "refund_id": str(900000 + i),
                          "created_at": "2030-01-01T10:00:00Z", "lines": [{"sku": "SKU-1", "quantity": 1, "subtotal": "10.00"}],
                          "send_webhook": False})

    def send_webhook(self, conn, i):
        body = json.dumps({"id": 900000 + i, "order_id": self.order_of(i), "created_at": "2030-01-01T10:00:00Z",
                           "refund_line_items": [{"line_item_id": 1, "quantity": 1, "subtotal": "10.00",
                                                  "total_tax": "0.00", "line_item": {"sku": "SKU-1"}}],
                           "order_adjustments": [],
                           "transactions": [{"kind": "refund", "status": "success", "amount": "10.00",
                                             "currency": "USD"}]}).encode()
        sig = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
        conn.request("POST", "/webhooks/shopify/shop", body=body,
                     headers={"X-Shopify-Hmac-Sha256": sig, "X-Shopify-Topic": "refunds/create",
                              "X-Shopify-Event-Id": f"bench-{i}", "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"webhook {i}: {r.status}")

    def backlog(self):
        total = 0
        for shard in range(SHARDS):
            total += int(redis(self.redis_port, "XLEN", f"rs:{{s{shard}}}:events") or 0)
        total += int(redis(self.redis_port, "ZCARD", "rs:{work}:retry") or 0)
        return total

    def transactions(self):
        """Every stored transaction, read through the transactions index."""
        tx_ids = redis(self.redis_port, "ZRANGE", "rs:{txindex}:updated", "0", "-1").split()
        tx_keys = redis_pipe(self.redis_port, [f"GET rs:{{tx:{tx_id}}}:key" for tx_id in tx_ids])
        return [json.loads(line) for line in redis_pipe(self.redis_port, [f"GET {key}" for key in tx_keys])]

    def drain(self, latency_ms=LATENCY_MS, jitter_ms=0):
        calls_before = len(self.control("GET", "/_control/netsuite/calls")["calls"])
        self.control("POST", "/_control/netsuite/settings", {"latency_ms": latency_ms, "latency_jitter_ms": jitter_ms})
        start = time.monotonic()
        self.serve("worker")
        while self.backlog() > 0:
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        calls = self.control("GET", "/_control/netsuite/calls")
        records = self.control("GET", "/_control/netsuite/records")["records"]
        refunds = cash_refunds(records)
        netsuite_calls = len(calls["calls"]) - calls_before
        statuses = {}
        for tx in self.transactions():
            name = tx["status"] + (f" ({tx['error']['code']})" if tx.get("error") else "")
            statuses[name] = statuses.get(name, 0) + 1
        if os.environ.get("BENCH_DEBUG"):
            print(f"worker bench: statuses {statuses}; first calls {calls['calls'][calls_before:calls_before + 8]}",
                  file=sys.stderr)
        return {
            "refunds": self.size, "drain_s": round(elapsed, 2), "refunds_per_s": round(self.size / elapsed, 1),
            "netsuite_calls": netsuite_calls, "calls_per_refund": round(netsuite_calls / self.size, 2),
            "calls_per_s": round(netsuite_calls / elapsed, 1),
            "ratio_to_ceiling": round(netsuite_calls / elapsed / (1000 / latency_ms * self.limit), 3),
            "over_limit_429": calls["over_limit"], "cash_refunds": len(refunds),
            "duplicates": duplicates(refunds), "statuses": statuses,
            "calls_per_refund_by_order": self.calls_per_refund_by_order(calls["calls"][calls_before:], records),
        }

    def calls_per_refund_by_order(self, calls, records):
        """p50 and max over orders of (NetSuite calls naming the order) / (its refunds). A call names an order by
        its external id, or by the internal id of its sales order, billed record or one of its refunds (in the
        path, or as a number in a SuiteQL query): this counts the calls of any version of the service."""
        order_of_id = {}
        for r in records:
            if "/salesOrder/" in r["links"][0]["href"]:
                order_of_id[r["id"]] = r.get("externalId")
        for _ in range(2):  # billed records from sales orders, then refunds from billed records
            for r in records:
                origin = r.get("createdFrom", {}).get("id")
                if origin in order_of_id and r["id"] not in order_of_id:
                    order_of_id[r["id"]] = order_of_id[origin]
        per_order = {}
        for call in calls:
            path, query = call["path"], call.get("query", "")
            order = None
            m = re.search(r"externalid = '([^']+)'", query) or re.search(r"/eid:([^/?]+)", path)
            if m:
                order = m.group(1)
            else:
                for token in re.findall(r"\b\d+\b", query or path):
                    if token in order_of_id:
                        order = order_of_id[token]
                        break
            if order:
                per_order[order] = per_order.get(order, 0) + 1
        ratios = sorted(n / self.refunds_per_order for n in per_order.values())
        if not ratios:
            return {"p50": None, "max": None}
        return {"p50": ratios[len(ratios) // 2], "max": ratios[-1]}

    def steady(self, rate, seconds, latency_ms, jitter_ms):
        """One refundsync serving both roles; refunds sent at `rate` a second for `seconds`; received -> posted
        from each send to the posted entry of its transaction."""
        self.seed()
        self.control("POST", "/_control/netsuite/settings", {"latency_ms": latency_ms, "latency_jitter_ms": jitter_ms})
        self.serve("all")
        wait_http(self.port, "/readyz")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {}
        start = time.monotonic()
        for i in range(self.size):
            due = start + i / rate
            if due > time.monotonic():
                time.sleep(due - time.monotonic())
            sent[str(900000 + i)] = time.time() * 1000
            self.send_webhook(conn, i)
        deadline = time.monotonic() + 120
        latencies, statuses = [], {}
        while time.monotonic() < deadline:
            txs = self.transactions()
            if len(txs) == self.size and all(tx["status"] == "posted" for tx in txs):
                break
            time.sleep(0.5)
        for tx in txs:
            statuses[tx["status"]] = statuses.get(tx["status"], 0) + 1
            posted = [h["at_ms"] for h in tx["history"] if h["status"] == "posted"]
            refund_id = tx["source_record"].rsplit(":", 1)[1]
            if posted and refund_id in sent:
                latencies.append(posted[-1] - sent[refund_id])
        latencies.sort()
        refunds = cash_refunds(self.control("GET", "/_control/netsuite/records")["records"])
        pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1000, 2) if latencies else None
        return {"refunds": self.size, "rate_per_s": rate, "posted": len(latencies), "statuses": statuses,
                "received_to_posted_p50_s": pick(0.5), "received_to_posted_p99_s": pick(0.99),
                "duplicates": duplicates(refunds)}

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        subprocess.call(["rm", "-rf", self.dir])


def realistic(binary, results_path):
    latency, jitter, rows = 250, 100, []
    refunds = int(os.environ.get("BENCH_REALISTIC_REFUNDS", "1000"))  # smaller for a quick check of the script
    seconds = int(os.environ.get("BENCH_REALISTIC_SECONDS", "60"))
    for limit in (5, 15):
        concurrency = 4 * limit  # threads waiting on NetSuite cost nothing; the gate keeps the limit
        run = Run(binary, refunds, limit=limit, refunds_per_order=5, worker_concurrency=concurrency)
        try:
            run.seed_and_queue()
            drained = run.drain(latency, jitter)
        finally:
            run.close()
        run = Run(binary, 5 * seconds, limit=limit, refunds_per_order=5, worker_concurrency=concurrency)
        try:
            steady = run.steady(5, seconds, latency, jitter)
        finally:
            run.close()
        calls = drained["calls_per_refund_by_order"]
        row = {"limit": limit, "worker_concurrency": concurrency, "refunds_per_s": drained["refunds_per_s"],
               "calls_per_refund_p50": calls["p50"], "calls_per_refund_max": calls["max"],
               "calls_per_refund_all": drained["calls_per_refund"],
               "ceiling_refunds_per_s": round(limit / (latency / 1000) / drained["calls_per_refund"], 2),
               "share_of_ceiling": round(drained["refunds_per_s"] / (limit / (latency / 1000) / drained["calls_per_refund"]), 3),
               "target_refunds_per_s": round(0.9 * limit / (latency / 1000) / 3, 2),
               "duplicates": drained["duplicates"] + steady["duplicates"], "drain_statuses": drained["statuses"],
               "steady": steady}
        rows.append(row)
        print(f"worker bench (realistic): {json.dumps(row)}", file=sys.stderr)
    print(f"\n{'limit':>5} {'refunds/s':>10} {'target':>7} {'calls/refund p50':>17} {'max':>5} {'of ceiling':>11} "
          f"{'p50 s':>6} {'p99 s':>6} {'dupes':>6}")
    for r in rows:
        print(f"{r['limit']:>5} {r['refunds_per_s']:>10} {r['target_refunds_per_s']:>7} {r['calls_per_refund_p50']:>17} "
              f"{r['calls_per_refund_max']:>5} {r['share_of_ceiling']:>11} {r['steady']['received_to_posted_p50_s']:>6} "
              f"{r['steady']['received_to_posted_p99_s']:>6} {r['duplicates']:>6}")
    json.dump({"benchmark": "worker-realistic", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": f"{os.cpu_count()} cores, {os.uname().machine}", "netsuite_latency_ms": f"{latency} +- {jitter}",
               "runs": rows}, open(results_path, "w"), indent=2)
    print(f"written {results_path}")


def main():
    if sys.argv[1] == "--realistic":
        return realistic(os.path.abspath(sys.argv[2]), sys.argv[3])
    binary, results_path, sizes = os.path.abspath(sys.argv[1]), sys.argv[2], [int(n) for n in sys.argv[3:]]
    rows = []
    for size in sizes:
        run = Run(binary, size)
        try:
            t0 = time.monotonic()
            run.seed_and_queue()
            print(f"worker bench: {size} refunds queued in {time.monotonic() - t0:.1f}s; draining", file=sys.stderr)
            row = run.drain()
        finally:
            run.close()
        rows.append(row)
        print(f"worker bench: {json.dumps(row)}", file=sys.stderr)
    base = rows[0]
    for row in rows:
        # Linear drain: time per refund stays what it was for the smallest size.
        row["drain_per_refund_ms"] = round(row["drain_s"] * 1000 / row["refunds"], 2)
        row["vs_smallest_per_refund"] = round(row["drain_per_refund_ms"] / base["drain_per_refund_ms"], 2)
    print(f"\n{'refunds':>8} {'drain s':>8} {'refunds/s':>10} {'calls/refund':>13} {'calls/s':>8} {'of ceiling':>11} "
          f"{'429s':>5} {'dupes':>6} {'ms/refund':>10}")
    for r in rows:
        print(f"{r['refunds']:>8} {r['drain_s']:>8} {r['refunds_per_s']:>10} {r['calls_per_refund']:>13} "
              f"{r['calls_per_s']:>8} {r['ratio_to_ceiling']:>11} {r['over_limit_429']:>5} {r['duplicates']:>6} "
              f"{r['drain_per_refund_ms']:>10}")
    json.dump({"benchmark": "worker", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": f"{os.cpu_count()} cores, {os.uname().machine}", "netsuite_latency_ms": LATENCY_MS, "netsuite_concurrency_limit": LIMIT,
               "ceiling_calls_per_s": 1000 / LATENCY_MS * LIMIT, "worker_concurrency": 8, "runs": rows},
              open(results_path, "w"), indent=2)
    print(f"written {results_path}")


if __name__ == "__main__":
    main()
