/**
 * The sliding windows of `window.ts`, shared by every process of an app through Redis
 * (docs/reliability.md#rate-limiting and row 17 of #fault-matrix): the same promise (at most `limit` units reach the server in
 * any window of `interval`, a permit held until its attempt ends) in total across processes.
 *
 * Why not `@effect/experimental`'s `RateLimiter`: its two algorithms break that promise. Its
 * token bucket lets a full bucket plus the refill through in one interval (up to
 * `2 × limit − 1`); its "fixed-window" counter resets only when its key expires, so half a
 * limit late in one epoch and a full limit at the start of the next land in one window
 * (1.5 × limit). Neither can hold a permit until the request has ended.
 *
 * One sorted set per window; each unit of a permit is a member whose score is the instant it
 * ended (in Redis time, `TIME`, so the processes' clocks do not matter), or, while its attempt
 * is in flight, a deadline `now + hold` in the future: a pending member counts and cannot
 * expire, and if its process dies it counts as ended at the deadline. One Lua script checks
 * and reserves in every window of a call atomically; a second one stamps the end. Members
 * older than one interval are trimmed on every permit, and each key expires when idle.
 */
import * as Effect from "effect/Effect"
import type * as Redis from "../Redis.js"

/** One window in Redis: its key (already prefixed) and its limit. */
export interface Spec {
  readonly key: string
  readonly limit: number
  readonly intervalMillis: number
}

// KEYS: the windows. ARGV: member, cost, hold ms, then limit and interval ms per window.
// Returns { 0 } when granted, else { index (1-based) of the window that refused, wait ms }
// where wait is -1 when the room needed is still held by attempts in flight.
// Time is in milliseconds with their microseconds (`TIME`): in whole milliseconds an end
// stamped at .999 would expire up to 1 ms early, and a 1 s window at the wire hold limit + 1.
const acquireScript = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local member = ARGV[1]
local cost = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i])
  local interval = tonumber(ARGV[3 + 2 * i])
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - interval)
  local used = redis.call("ZCARD", key)
  local excess = used + cost - limit
  if excess > 0 then
    local e = redis.call("ZRANGE", key, excess - 1, excess - 1, "WITHSCORES")
    local at = tonumber(e[2])
    if at > now then return { i, -1 } end
    return { i, math.ceil(at + interval - now) }
  end
end
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[3 + 2 * i])
  for u = 1, cost do redis.call("ZADD", key, now + hold, member .. ":" .. u) end
  redis.call("PEXPIRE", key, hold + 2 * interval)
end
return { 0 }
`

// KEYS: the windows. ARGV: member, cost. Members already trimmed stay gone (XX).
const releaseScript = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
for _, key in ipairs(KEYS) do
  for u = 1, tonumber(ARGV[2]) do redis.call("ZADD", key, "XX", now, ARGV[1] .. ":" .. u) end
end
return 0
`

export type Answer =
  | { readonly _tag: "Granted" }
  | { readonly _tag: "Refused"; readonly spec: Spec; readonly waitMillis: number | undefined }

export interface Windows {
  /** Reserves `cost` units in every window at once, or says which refused and for how long. */
  readonly acquire: (specs: ReadonlyArray<Spec>, member: string, cost: number) => Effect.Effect<Answer, Redis.RedisError>
  /** The attempt holding `member` ended now. */
  readonly release: (specs: ReadonlyArray<Spec>, member: string, cost: number) => Effect.Effect<void, Redis.RedisError>
}

export const make = (redis: Redis.Service, holdMillis: number): Windows => {
  // EVALSHA with a fallback to EVAL (ioredis's defineCommand does this) on the shared connection.
  redis.client.defineCommand("effectDouyinRateAcquire", { lua: acquireScript })
  redis.client.defineCommand("effectDouyinRateRelease", { lua: releaseScript })
  type Commands = {
    effectDouyinRateAcquire: (n: number, ...args: Array<string | number>) => Promise<Array<number>>
    effectDouyinRateRelease: (n: number, ...args: Array<string | number>) => Promise<number>
  }
  const client = redis.client as unknown as Commands
  return {
    acquire: (specs, member, cost) =>
      Effect.map(
        redis.use(() =>
          client.effectDouyinRateAcquire(
            specs.length,
            ...specs.map((s) => s.key),
            member,
            cost,
            holdMillis,
            ...specs.flatMap((s) => [s.limit, s.intervalMillis])
          ), "permit"),
        ([index, wait]): Answer =>
          index === 0
            ? { _tag: "Granted" }
            : { _tag: "Refused", spec: specs[index! - 1]!, waitMillis: wait === -1 ? undefined : wait }
      ),
    release: (specs, member, cost) =>
      Effect.asVoid(
        redis.use(() => client.effectDouyinRateRelease(specs.length, ...specs.map((s) => s.key), member, cost), "release")
      )
  }
}
