-- The ingest script: records one verified webhook atomically (capture, dedupe claim, queue entry: all or none).
-- Compiled into refundsync (store/redis_ingest_store.cpp, through the generated ingest_script.h) and loaded as
-- is by the benchmark's Node peer (bench/peers), so both do exactly the same Redis work.
--
-- KEYS[1] dedupe key, KEYS[2] capture stream, KEYS[3] event stream (all of one shard: one hash tag).
-- ARGV[1] dedupe window ms, ARGV[2] capture cap (approximate: MAXLEN ~ trims whole stream nodes, cheaply),
-- ARGV[3] oldest capture id to keep, or "" to skip the age trim this time (exact when run: age is a promise to
-- users; run at most once a second per shard, as it costs about a tenth of the script), ARGV[4] verdict when new,
-- ARGV[5] "1" to enqueue, ARGV[6] event JSON, ARGV[7] event id prefix, ARGV[8..] capture field/value pairs.
-- Returns {verdict, event_id, original_event_id}.
local original = redis.call('GET', KEYS[1])
if original then
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
                        'verdict', 'duplicate', 'original_event_id', original, unpack(ARGV, 8))
  if ARGV[3] ~= '' then redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3]) end
  return {'duplicate', ARGV[7] .. id, original}
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'verdict', ARGV[4], unpack(ARGV, 8))
local event_id = ARGV[7] .. id
redis.call('SET', KEYS[1], event_id, 'PX', ARGV[1])
if ARGV[5] == '1' then
  redis.call('XADD', KEYS[3], '*', 'event_id', event_id, 'event', ARGV[6])
end
if ARGV[3] ~= '' then redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3]) end
return {ARGV[4], event_id, ''}
