/**
 * Token entries in Redis, over the shared `Redis` connection. One string per entry
 * (`<prefix>token:<key>`), a set per app listing its open_ids (written in the same MULTI; a
 * listing reads the set, then each entry),
 * and a lease per key: `SET NX PX` with a random owner, released only by its owner (a Lua
 * compare-and-delete), ending by itself after its TTL when the holder crashed.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ChainableCommander, Redis as IORedis } from "ioredis"
import * as Crypto from "node:crypto"
import type * as Redis from "../Redis.js"
import { type Backend, type Key, type Listed, StoreFailure, withPolledLease } from "./storeBackend.js"

const releaseScript = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`

const id = (key: Key) => JSON.stringify([key.clientKey, key.openId])

export const make = (redis: Redis.Service): Backend => {
  const entryKey = (key: Key) => `${redis.prefix}token:${id(key)}`
  const indexKey = (clientKey: string) => `${redis.prefix}tokens:${JSON.stringify(clientKey)}`
  const leaseKey = (key: Key) => `${redis.prefix}token-lease:${id(key)}`
  const run = <A>(operation: string, f: (client: IORedis) => Promise<A>) =>
    Effect.mapError(redis.use(f, `token store ${operation}`), (e) => new StoreFailure({ operation, description: e.description }))
  // A MULTI reports a failed command in its results instead of rejecting.
  const transaction = (operation: string, f: (multi: ChainableCommander) => ChainableCommander) =>
    Effect.asVoid(run(operation, async (c) => {
      const results = await f(c.multi()).exec()
      const failed = results?.find(([error]) => error !== null)
      if (results === null || failed !== undefined) throw failed?.[0] ?? new Error("transaction aborted")
    }))

  const withLease = <A, E, R>(key: Key, ttl: Duration.Duration, effect: Effect.Effect<A, E, R>) => {
    const owner = Crypto.randomUUID()
    const lease = leaseKey(key)
    const release = Effect.ignore(run("lease", (c) => c.eval(releaseScript, 1, lease, owner)))
    const tryAcquire = Effect.map(
      run("lease", (c) => c.set(lease, owner, "PX", Math.max(1, Duration.toMillis(ttl)), "NX")),
      (reply) => (reply === "OK" ? Option.some(release) : Option.none())
    )
    return withPolledLease({ ttl, tryAcquire, effect })
  }

  return {
    name: "redis",
    read: (key) => Effect.map(run<string | null>("read", (c) => c.get(entryKey(key))), Option.fromNullable),
    write: (key, text) => transaction("write", (m) => m.set(entryKey(key), text).sadd(indexKey(key.clientKey), key.openId)),
    remove: (key) => transaction("remove", (m) => m.del(entryKey(key)).srem(indexKey(key.clientKey), key.openId)),
    entries: (clientKey) =>
      run("list", async (c): Promise<ReadonlyArray<Listed>> => {
        const openIds = await c.smembers(indexKey(clientKey))
        const texts = await Promise.all(openIds.map((openId) => c.get(entryKey({ clientKey, openId }))))
        return openIds.flatMap((openId, i): Array<Listed> => {
          const text = texts[i]
          return text === null || text === undefined ? [] : [{ _tag: "Stored", entry: openId, openId, text }]
        })
      }),
    withLease
  }
}
