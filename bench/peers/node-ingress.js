// The Node.js peer for the ingress benchmark: what a good Node engineer would write for the same work as
// refundsync's webhook path — HMAC-SHA256 verification of the raw body (constant time), JSON.parse, and the same
// atomic dedupe + capture + enqueue Lua script on Redis (ioredis, script by SHA with a NOSCRIPT fallback).
// Usage: node node-ingress.js PORT REDIS_PORT SECRET
'use strict';
const http = require('http');
const crypto = require('crypto');
const Redis = require('ioredis');

const [port, redisPort, secret] = process.argv.slice(2);
const redis = new Redis({ port: Number(redisPort), host: '127.0.0.1', enableAutoPipelining: true });
redis.defineCommand('ingest', {
  numberOfKeys: 3,
  lua: `
local original = redis.call('GET', KEYS[1])
if original then
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'verdict', 'duplicate', 'body', ARGV[3], 'headers', ARGV[4])
  return {'duplicate', id, original}
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'verdict', 'accepted', 'body', ARGV[3], 'headers', ARGV[4])
redis.call('SET', KEYS[1], id, 'PX', ARGV[2])
redis.call('XADD', KEYS[3], '*', 'event_id', id, 'event', ARGV[5])
return {'accepted', id, ''}`,
});

function shard(id) {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) { h ^= id.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  return h % 8;
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
      const refund = JSON.parse(body);
      event = JSON.stringify({ source: 'shopify', kind: 'storefront_refund', order_id: String(refund.order_id),
                               refund_id: String(refund.id) });
    } catch (e) {
      event = null;
    }
    const id = 'shopify:shop:' + String(req.headers['x-shopify-event-id'] || '');
    const s = shard(id);
    try {
      const [verdict, eventId, original] = await redis.ingest(`rs:{s${s}}:dedupe:${id}`, `rs:{s${s}}:captures`,
        `rs:{s${s}}:events`, 12500, 259200000, body, JSON.stringify(req.headers), event || '{}');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(verdict === 'duplicate' ? { status: verdict, event_id: eventId, original_event_id: original }
                                                     : { status: verdict, event_id: eventId }));
    } catch (e) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"store_unavailable"}}');
    }
  });
}).listen(Number(port), '127.0.0.1');
