-- One token bucket of the rate limits, changed atomically inside Redis: a hash holding the
-- tokens left (fractional, refilled smoothly) and when they were counted. The same rules as the
-- buckets a node keeps in memory (BucketRules), in one round trip whatever the contention.
--
-- KEYS[1]  the bucket
-- ARGV[1]  permits: tokens a full bucket holds, and how many refill over the period
-- ARGV[2]  period, in milliseconds
-- ARGV[3]  now, in milliseconds (the node's clock)
-- ARGV[4]  'attempt': take one; without one, take it on credit down to one period of debt
--          'take':    take ARGV[5] (at most a full bucket) only when all are there
--          'give':    put ARGV[5] back, never above a full bucket
-- ARGV[5]  amount, for take and give
-- Returns the milliseconds until the refused request would pass, as a string; '-1' when it passed.
local permits = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local mode = ARGV[4]
local amount = math.min(tonumber(ARGV[5]), permits)

local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = permits
  at = now
end
if now > at then
  tokens = math.min(permits, tokens + (now - at) * permits / period)
  at = now
end

local wait = -1
if mode == 'attempt' then
  if tokens >= 1 then
    tokens = tokens - 1
  else
    -- Whole tokens, as the buckets in memory count them: a refusal owes one more, unless a
    -- period's worth is owed already, and waits until a whole token is there again.
    if math.floor(tokens) > -permits then
      tokens = tokens - 1
    end
    wait = (1 - math.floor(tokens)) * period / permits
  end
elseif mode == 'take' then
  if tokens >= amount then
    tokens = tokens - amount
  else
    wait = (amount - tokens) * period / permits
  end
else
  tokens = math.min(permits, tokens + amount)
end

redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
-- Gone once it would be full again, and 10 s more: a full bucket says nothing.
redis.call('PEXPIRE', KEYS[1], math.ceil((permits - tokens) * period / permits) + 10000)
return tostring(wait)
