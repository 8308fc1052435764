/**
 * The Redis journal backend, on the shared `Redis` connection. Per broadcast, under the
 * connection's prefix: `broadcast:{id}:plan` (string), `broadcast:{id}:entries` (hash: target
 * index → entry) and `broadcast:{id}:lease` (owner, with a TTL). Creation, compare-and-set and
 * the lease checks are Lua scripts, atomic on the server, so instances never both claim a target.
 */
import type * as Redis from "@effect-douyin/core/Redis"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { BroadcastJournalError, type RawStore } from "./store.js"

// KEYS: plan, entries. ARGV: plan, retention ms, entry 0, entry 1, …
const createScript = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 3, #ARGV do redis.call('HSET', KEYS[2], tostring(i - 3), ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return false`

// KEYS: entries. ARGV: target, expected, next.
const compareAndSetScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0`

// KEYS: lease. ARGV: owner, ttl ms. Takes a free lease or extends our own.
const acquireScript = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`

export const makeRedisStore = (
  redis: Redis.Service,
  options: { readonly retention?: Duration.DurationInput | undefined }
): Effect.Effect<RawStore> =>
  Effect.sync(() => {
    const retention = String(Duration.toMillis(Duration.decode(options.retention ?? "30 days")))
    // Hash tag `{id}`: a broadcast's keys stay on one slot of a Redis Cluster.
    const key = (id: string, part: "plan" | "entries" | "lease") => `${redis.prefix}broadcast:{${id}}:${part}`
    const run = <A>(operation: string, f: (client: Redis.Service["client"]) => Promise<A>) =>
      Effect.mapError(
        redis.use(f, `broadcast ${operation}`),
        (e) => new BroadcastJournalError({ operation, description: e.message })
      )
    const script = (operation: string, source: string, keys: ReadonlyArray<string>, args: ReadonlyArray<string>) =>
      run(operation, (client) => client.eval(source, keys.length, ...keys, ...args))

    return {
      create: (id, plan, entries) =>
        Effect.map(
          script("create", createScript, [key(id, "plan"), key(id, "entries")], [plan, retention, ...entries]),
          (existing) => (typeof existing === "string" ? Option.some(existing) : Option.none())
        ),
      plan: (id) => Effect.map(run("read plan", (client) => client.get(key(id, "plan"))), Option.fromNullable),
      entries: (id) =>
        Effect.map(
          run("read entries", (client) => client.hgetall(key(id, "entries"))),
          (hash) => Object.entries(hash).map(([target, entry]) => [Number(target), entry] as const).sort(([a], [b]) => a - b)
        ),
      compareAndSet: (id, target, expected, next) =>
        Effect.map(
          script("compare-and-set", compareAndSetScript, [key(id, "entries")], [String(target), expected, next]),
          (changed) => changed === 1
        ),
      acquireLease: (id, owner, ttlMillis) =>
        Effect.map(
          script("acquire lease", acquireScript, [key(id, "lease")], [owner, String(Math.max(1, Math.ceil(ttlMillis)))]),
          (taken) => taken === 1
        ),
      renewLease: (id, owner, ttlMillis) =>
        Effect.map(
          script("renew lease", renewScript, [key(id, "lease")], [owner, String(Math.max(1, Math.ceil(ttlMillis)))]),
          (renewed) => renewed === 1
        ),
      releaseLease: (id, owner) => Effect.asVoid(script("release lease", releaseScript, [key(id, "lease")], [owner]))
    } satisfies RawStore
  })
