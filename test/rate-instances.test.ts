/**
 * Rate limits across instances (docs/reliability.md#rate-limiting, row 17 of #fault-matrix): `RateLimitRedis.layer`
 * keeps the same sliding-window promise in total across processes, measured on the wire.
 * Each instance is a separate OS process (`test/support/rateLimitWorker.ts`); the server is
 * a loopback HTTP server in this process that records every arrival on the wall clock; Redis
 * is a real `redis-server` (test/support/RedisServer.ts: missing means failed, never skipped).
 *
 * Tolerance: 1 ms, the tick of the clocks involved. A permit is held until its response (the
 * server has the request by then) and its slot is granted again one interval after that, in
 * Redis time on this machine's clock; millisecond timestamps can bring two such arrivals to
 * 999 ms apart on paper, so windows are checked at 999 ms. No tolerance in counts.
 */
import { describe, expect, it } from "@effect/vitest"
import { DouyinTest, Endpoint } from "@effect-douyin/core"
import * as RateLimitRedis from "@effect-douyin/core/RateLimitRedis"
import * as Redis from "@effect-douyin/core/Redis"
import { FanGroupQuota } from "@effect-douyin/group"
import { Effect, Either, Layer, Schedule } from "effect"
import * as Instances from "./support/Instances.js"
import * as Server from "./support/LoopbackServer.js"
import { busiest } from "./support/windows.js"
import { clientOver } from "./support/loopbackClient.js"
import * as RedisServer from "./support/RedisServer.js"

const worker = "test/support/rateLimitWorker.ts"

/**
 * An instance with `env` added to this process's environment, killed (SIGKILL) after 180 s; it
 * prints READY once loaded, starts on GO, and its result is its one JSON line.
 */
const startInstance = (env: Record<string, string>) => {
  const instance = Instances.startScript(worker, [], { env: { ...process.env, ...env }, timeoutMs: 180_000 })
  return {
    child: instance.child,
    ready: instance.log((l) => l === "READY"),
    result: Effect.runPromise(Instances.finished(instance, "instance")).then((lines) => {
      if (lines[0] === undefined) throw new Error(`instance printed no result: ${JSON.stringify(instance.logs)}`)
      return lines[0] as { readonly ok: number; readonly failed: ReadonlyArray<string> }
    })
  }
}

describe("rate limits across instances (Redis)", () => {
  it.scopedLive(
    "row 17: 3 processes under one shared global 50/s, 1000 calls in total: never above 50 in any sliding second at the server; all complete",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const arrivals: Array<number> = []
        const server = yield* Server.make(() => {
          arrivals.push(Date.now())
          return DouyinTest.successA({ left_count: 2 })
        })
        const shares = [334, 333, 333]
        const instances = yield* Effect.acquireRelease(
          Effect.sync(() =>
            shares.map((calls) =>
              startInstance({
                BASE_URL: server.url,
                REDIS_URL: redis.url,
                REDIS_PREFIX: "row17:",
                CALLS: String(calls),
                LIMIT: "50"
              })
            )
          ),
          (instances) => Effect.sync(() => instances.forEach((i) => i.child.kill("SIGKILL")))
        )
        yield* Effect.promise(() => Promise.all(instances.map((i) => i.ready)))
        const started = Date.now()
        for (const i of instances) i.child.stdin!.write("GO\n")
        const results = yield* Effect.promise(() => Promise.all(instances.map((i) => i.result)))
        const elapsed = Date.now() - started

        expect(results.map((r) => r.failed)).toEqual([[], [], []])
        expect(results.map((r) => r.ok)).toEqual(shares)
        expect(arrivals).toHaveLength(1000)
        const max = busiest(arrivals, 999)
        console.log(`row 17: ${arrivals.length} arrivals in ${elapsed} ms; max in any sliding second ${max}`)
        expect(max).toBeLessThanOrEqual(50)
        // 1000 at 50/s in total: 20 batches, at least 19 s; a limit per process would take 7 s.
        expect(elapsed).toBeGreaterThanOrEqual(19_000)
        expect(elapsed).toBeLessThan(75_000)
        // (The test's budget also covers starting three tsx processes on a loaded machine.)
      }),
    200_000
  )

  it.scopedLive(
    "Redis down: a typed DouyinStoreError within the command timeout, nothing sent; back up: calls succeed without a restart",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const server = yield* Server.make(() => DouyinTest.successA({ left_count: 2 }))
        const client = clientOver(server.url, {
          rateLimit: RateLimitRedis.layer({ global: { limit: 50, interval: "1 second" } }).pipe(
            Layer.provide(Redis.layer({ url: redis.url, prefix: "outage:", commandTimeout: "500 millis" }))
          ),
          config: { callTimeout: "5 seconds" }
        })
        yield* Effect.gen(function*() {
          const count = yield* Endpoint.handler(FanGroupQuota.descriptor)
          expect((yield* count({ openId: "op-1" })).leftCount).toBe(2)
          yield* Effect.promise(redis.stop)
          const before = Date.now()
          const down = yield* Effect.either(count({ openId: "op-1" }))
          const took = Date.now() - before
          expect(Either.isLeft(down) && down.left._tag).toBe("DouyinStoreError")
          expect(Either.isLeft(down) && down.left.message).toContain("redis rate-limit store")
          console.log(`Redis down: DouyinStoreError after ${took} ms`)
          expect(took).toBeLessThan(5_000) // within the call timeout (command timeout 500 ms)
          expect(server.count()).toBe(1)
          yield* Effect.promise(redis.start)
          // The connection reconnects by itself (at most every second).
          const back = yield* count({ openId: "op-1" }).pipe(
            Effect.retry({ times: 40, schedule: Schedule.spaced("100 millis"), while: (e) => e._tag === "DouyinStoreError" }),
            Effect.either
          )
          expect(Either.isRight(back)).toBe(true)
          expect(server.count()).toBe(2)
        }).pipe(Effect.provide(client))
      }),
    30_000
  )

  it.scopedLive(
    "fail mode over Redis: refused with retryAfterMillis when the shared window is full; nothing sent",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const server = yield* Server.make(() => DouyinTest.successA({ left_count: 2 }))
        const layerFor = (prefix: string) =>
          clientOver(server.url, {
            rateLimit: RateLimitRedis.layer({ global: { limit: 2, interval: "10 seconds" }, mode: "fail" }).pipe(
              Layer.provide(Redis.layer({ url: redis.url, prefix }))
            )
          })
        const countOnce = (prefix: string) =>
          Effect.flatMap(Endpoint.handler(FanGroupQuota.descriptor), (count) => Effect.either(count({ openId: "op-1" }))).pipe(
            Effect.provide(layerFor(prefix))
          )
        // Two clients (two connections, as two instances would have) share one window.
        const first = Date.now()
        expect(Either.isRight(yield* countOnce("shared:"))).toBe(true)
        expect(Either.isRight(yield* countOnce("shared:"))).toBe(true)
        const refused = yield* countOnce("shared:")
        expect(Either.isLeft(refused) && refused.left._tag).toBe("DouyinRateLimited")
        const retryAfter = Either.isLeft(refused) && refused.left._tag === "DouyinRateLimited" ? refused.left.retryAfterMillis : 0
        // The first permit frees 10 s after its call ended (each call here builds its own client).
        expect(retryAfter).toBeGreaterThanOrEqual(10_000 - (Date.now() - first) - 5)
        expect(retryAfter).toBeLessThanOrEqual(10_000)
        expect(server.count()).toBe(2)
        // Another prefix is another app: its own window.
        expect(Either.isRight(yield* countOnce("other:"))).toBe(true)
      }),
    30_000
  )
})
