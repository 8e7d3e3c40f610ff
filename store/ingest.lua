-- The ingest script: records one verified webhook atomically (capture, dedupe claim, queue entry: all or none).
-- Compiled into refundsync (store/redis_ingest_store.cpp, through the generated ingest_script.h) and loaded as
-- is by the benchmark's Node peer (bench/peers), so both do exactly the same Redis work.
--
-- KEYS[1] dedupe key, KEYS[2] capture stream, KEYS[3] event stream, KEYS[4] the capture stream's byte count
-- (all of one shard: one hash tag).
-- ARGV[1] dedupe window ms, ARGV[2] capture cap (entries), ARGV[3] oldest capture time (ms) to keep, or "" to skip
-- the age check this time (run at most once a second per shard), ARGV[4] verdict when new, ARGV[5] "1" to enqueue,
-- ARGV[6] event JSON, ARGV[7] event id prefix, ARGV[8] capture byte budget, ARGV[9..] capture field/value pairs.
-- Returns {verdict, event_id, original_event_id}.
--
-- A capture's bytes are the lengths of its field names and values; KEYS[4] holds the sum over the stream. After
-- the append, the oldest captures are removed while the stream holds more than ARGV[2] entries or ARGV[8] bytes,
-- or while they are older than ARGV[3]; never the capture just appended. Every removal from a capture stream
-- (this script, the privacy purge) subtracts what it removes, so the count stays exact.

local function bytes_of(fields)
  local n = 0
  for i = 1, #fields do n = n + #fields[i] end
  return n
end

local function capture(fields)
  for i = 9, #ARGV do fields[#fields + 1] = ARGV[i] end
  local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
  local size = bytes_of(fields)
  local bytes = redis.call('INCRBY', KEYS[4], size)
  if bytes == size and redis.call('XLEN', KEYS[2]) > 1 then
    -- No count yet beside older captures (a stream written before byte counting): count them all, once.
    bytes = 0
    for _, entry in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do bytes = bytes + bytes_of(entry[2]) end
    redis.call('SET', KEYS[4], bytes)
  end
  local cap, budget, min_ms = tonumber(ARGV[2]), tonumber(ARGV[8]), tonumber(ARGV[3])
  while true do
    local over = bytes > budget or redis.call('XLEN', KEYS[2]) > cap
    if not over and not min_ms then break end
    local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1]
    if not oldest or oldest[1] == id then break end
    if not over and tonumber(string.match(oldest[1], '^%d+')) >= min_ms then break end
    redis.call('XDEL', KEYS[2], oldest[1])
    bytes = redis.call('DECRBY', KEYS[4], bytes_of(oldest[2]))
  end
  return id
end

local original = redis.call('GET', KEYS[1])
if original then
  local id = capture({'verdict', 'duplicate', 'original_event_id', original})
  return {'duplicate', ARGV[7] .. id, original}
end
local event_id = ARGV[7] .. capture({'verdict', ARGV[4]})
redis.call('SET', KEYS[1], event_id, 'PX', ARGV[1])
if ARGV[5] == '1' then
  redis.call('XADD', KEYS[3], '*', 'event_id', event_id, 'event', ARGV[6])
end
return {ARGV[4], event_id, ''}
