// The Node.js peer for the ingress benchmark: what a good Node engineer would write for the same work as
// refundsync's webhook path — HMAC-SHA256 verification of the raw body (constant time), JSON.parse, and the same
// atomic dedupe + capture + enqueue Lua script on Redis (store/ingest.lua itself, with the same arguments; ioredis
// sends it by SHA with a NOSCRIPT fallback).
// Usage: node node-ingress.js PORT REDIS_PORT SECRET
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const Redis = require('ioredis');

const [port, redisPort, secret] = process.argv.slice(2);
const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1', enableAutoPipelining: true });
// refundsync's own ingest script, file for file: the same keys, arguments and Redis work per webhook.
redis.defineCommand('ingest', {
  numberOfKeys: 4, lua: fs.readFileSync(path.join(__dirname, '..', '..', 'store', 'ingest.lua'), 'utf8'),
});
const DEDUPE_WINDOW_MS = 259200000;              // 72 h, refundsync's default dedupe.window
const CAPTURE_CAP_PER_SHARD = Math.floor(90000 / 8);  // nine tenths of captures.max_entries over 8 shards
const CAPTURE_BYTES_PER_SHARD = Math.floor((256 * 1048576 - Math.floor(256 * 1048576 / 10)) / 8);  // of 256MiB
const CAPTURE_MAX_AGE_MS = 3600000;              // the benchmark's captures.max_age
const lastAgeTrim = new Array(8).fill(0);        // the age trim runs at most once a second per shard, as ours

function shard(id) {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) { h ^= id.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  return h % 8;
}

// Amounts in integer minor units, as refundsync's parser reads them ("19.99" -> 1999).
function minor(amount) { return Math.round(Number(amount) * 100); }

// The queue entry refundsync writes for a Shopify refund: the refunded amount (successful refund transactions),
// and the lines by SKU.
function refundEvent(refund, topic) {
  if (refund.id === undefined || refund.order_id === undefined) throw new Error('not a refund');
  const refunded = (refund.transactions || []).filter((t) => t.kind === 'refund' && t.status === 'success');
  return {
    source: 'shopify', account: 'shop', topic, kind: 'storefront_refund', order_id: String(refund.order_id),
    refund_id: String(refund.id), created_at: refund.created_at,
    amount: { minor: refunded.reduce((sum, t) => sum + minor(t.amount), 0), currency: refunded.length ? refunded[0].currency : '' },
    lines: (refund.refund_line_items || []).map((line) => ({
      line_item_id: String(line.line_item_id), sku: (line.line_item && line.line_item.sku) || '', quantity: line.quantity,
      subtotal: { minor: minor(line.subtotal), currency: refunded.length ? refunded[0].currency : '' },
    })),
  };
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers['x-shopify-hmac-sha256'] || ''), 'base64');
    const expected = crypto.createHmac('sha256', secret).update(body).digest();
    if (body.length === 0 || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      return res.end('{"error":{"code":"unauthorized"}}');
    }
    let event;
    try {
      event = JSON.stringify(refundEvent(JSON.parse(body), String(req.headers['x-shopify-topic'] || '')));
    } catch (e) {
      event = null;
    }
    const id = 'shopify:shop:' + String(req.headers['x-shopify-event-id'] || '');
    const s = shard(id);
    const now = Date.now();
    let oldestKept = '';
    if (now - lastAgeTrim[s] >= 1000) { lastAgeTrim[s] = now; oldestKept = String(now - CAPTURE_MAX_AGE_MS); }
    const queryAt = req.url.indexOf('?');
    try {
      const [verdict, eventId, original] = await redis.ingest(
        `rs:{s${s}}:dedupe:${id}`, `rs:{s${s}}:captures`, `rs:{s${s}}:events`, `rs:{s${s}}:capture-bytes`,
        DEDUPE_WINDOW_MS, CAPTURE_CAP_PER_SHARD, oldestKept, event ? 'accepted' : 'ignored', event ? '1' : '0',
        event || '', `${s}-`, CAPTURE_BYTES_PER_SHARD,
        'received_at', now, 'source', 'shopify', 'account', 'shop', 'method', req.method,
        'path', queryAt < 0 ? req.url : req.url.slice(0, queryAt), 'query', queryAt < 0 ? '' : req.url.slice(queryAt + 1),
        'headers', JSON.stringify(req.headers), 'body', body, 'redacted', '0', 'reason', event ? '' : 'not a refund');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(verdict === 'duplicate' ? { status: verdict, event_id: eventId, original_event_id: original }
                                                     : { status: verdict, event_id: eventId }));
    } catch (e) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"store_unavailable"}}');
    }
  });
}).listen(Number(port), '127.0.0.1');
