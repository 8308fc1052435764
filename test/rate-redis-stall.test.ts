/**
 * A stalled Redis under the shared rate limit (`RateLimitRedis`): the server frozen with SIGSTOP,
 * so connections stay open and commands get no answer. Every caller waiting on a limit fails
 * with `DouyinStoreError` within the store's command timeout, measured from when it started
 * waiting (or, for callers already waiting on a full window, from the poll that met the stall),
 * never one command timeout after another in a line, never the call timeout.
 *
 * Wall clock: command timeout 1 s, call timeout 6 s, tolerance 1 s over the command timeout for
 * a loaded 2-core machine (the failure to tell apart is 2, 3, 4… s and 6 s).
 */
import { describe, expect, it } from "@effect/vitest"
import { DouyinTest, Endpoint } from "@effect-douyin/core"
import * as RateLimitRedis from "@effect-douyin/core/RateLimitRedis"
import * as Redis from "@effect-douyin/core/Redis"
import { FanGroupQuota } from "@effect-douyin/group"
import { Effect, Either, Layer } from "effect"
import * as Server from "./support/LoopbackServer.js"
import { clientOver } from "./support/loopbackClient.js"
import * as RedisServer from "./support/RedisServer.js"

const commandTimeoutMillis = 1000
const toleranceMillis = 1000

const clientWith = (serverUrl: string, redisUrl: string, prefix: string, limit: number) =>
  clientOver(serverUrl, {
    rateLimit: RateLimitRedis.layer({ global: { limit, interval: "1 second" } }).pipe(
      Layer.provide(Redis.layer({ url: redisUrl, prefix, commandTimeout: `${commandTimeoutMillis} millis` }))
    ),
    config: { callTimeout: "6 seconds" }
  })

/** Starts `n` calls at once; each ends with its result and how long it took from its own start. */
const callsAtOnce = (n: number) =>
  Effect.flatMap(Endpoint.handler(FanGroupQuota.descriptor), (count) =>
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) =>
        Effect.suspend(() => {
          const started = Date.now()
          return Effect.map(Effect.either(count({ openId: `op-${i}` })), (result) => ({ result, started, ended: Date.now() }))
        }),
      { concurrency: "unbounded" }
    ))

const tagOf = (result: Either.Either<unknown, { readonly _tag: string }>) => Either.isLeft(result) ? result.left._tag : "success"

describe("Redis rate limit: a stalled Redis (SIGSTOP)", () => {
  it.scopedLive(
    "15 callers start on one limit while Redis is stalled: each fails with DouyinStoreError within the command timeout of its start",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const server = yield* Server.make(() => DouyinTest.successA({ left_count: 2 }))
        yield* Effect.gen(function*() {
          const count = yield* Endpoint.handler(FanGroupQuota.descriptor)
          expect((yield* count({ openId: "warm-up" })).leftCount).toBe(2) // connected, scripts loaded
          redis.pause()
          const calls = yield* callsAtOnce(15)
          redis.resume()
          const times = calls.map((c) => c.ended - c.started).sort((a, b) => a - b)
          console.log(`stalled Redis, 15 callers: failed after ${times.join(", ")} ms (${calls.map((c) => tagOf(c.result)).join(", ")})`)
          expect(calls.map((c) => tagOf(c.result))).toEqual(calls.map(() => "DouyinStoreError"))
          expect(Math.max(...times)).toBeLessThan(commandTimeoutMillis + toleranceMillis)
          expect(server.count()).toBe(1)
        }).pipe(Effect.provide(clientWith(server.url, redis.url, "stall:", 100)))
      }),
    60_000
  )

  it.scopedLive(
    "callers waiting on a full window when Redis stalls all fail with DouyinStoreError within one poll and one command timeout",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const server = yield* Server.make(() => DouyinTest.successA({ left_count: 2 }))
        yield* Effect.gen(function*() {
          const count = yield* Endpoint.handler(FanGroupQuota.descriptor)
          yield* count({ openId: "warm-up" })
          // The window (2 a second) is full for about a second; 12 callers wait on it.
          yield* count({ openId: "warm-up" })
          const waiting = yield* Effect.fork(callsAtOnce(12))
          yield* Effect.sleep("300 millis")
          redis.pause()
          const paused = Date.now()
          const calls = yield* waiting.await.pipe(Effect.flatten)
          redis.resume()
          const failed = calls.filter((c) => Either.isLeft(c.result))
          const sinceStall = failed.map((c) => c.ended - paused).sort((a, b) => a - b)
          console.log(
            `stalled Redis under a full window, 12 waiting: ${calls.length - failed.length} granted before the stall; ` +
              `the others failed ${sinceStall.join(", ")} ms after it (${failed.map((c) => tagOf(c.result)).join(", ")})`
          )
          expect(failed.map((c) => tagOf(c.result))).toEqual(failed.map(() => "DouyinStoreError"))
          expect(failed.length).toBeGreaterThanOrEqual(10)
          // The head's next poll comes at most one window (1 s) after the stall, then one command timeout.
          expect(Math.max(...sinceStall)).toBeLessThan(1000 + commandTimeoutMillis + toleranceMillis)
          expect(server.count()).toBe(2 + calls.length - failed.length)
        }).pipe(Effect.provide(clientWith(server.url, redis.url, "stall-full:", 2)))
      }),
    60_000
  )

  it.scopedLive(
    "a call whose request is under way when Redis stalls ends with its answer, not one command timeout later",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const server = yield* Server.make((request) =>
          request.query["open_id"] === "slow"
            ? { _tag: "later", millis: 300, reply: DouyinTest.successA({ left_count: 2 }) }
            : DouyinTest.successA({ left_count: 2 })
        )
        const client = clientOver(server.url, {
          rateLimit: RateLimitRedis.layer({ global: { limit: 100, interval: "1 second" } }).pipe(
            Layer.provide(Redis.layer({ url: redis.url, prefix: "stall-release:", commandTimeout: "2 seconds" }))
          ),
          config: { callTimeout: "6 seconds" }
        })
        yield* Effect.gen(function*() {
          const count = yield* Endpoint.handler(FanGroupQuota.descriptor)
          yield* count({ openId: "warm-up" })
          const started = Date.now()
          const call = yield* Effect.fork(Effect.either(count({ openId: "slow" })))
          while (server.count() < 2) yield* Effect.sleep("5 millis")
          redis.pause() // the permit is granted, the request is at the server
          const result = yield* call.await.pipe(Effect.flatten)
          const took = Date.now() - started
          redis.resume()
          console.log(`stalled Redis while a request was under way (server answers after 300 ms): the call ended after ${took} ms`)
          expect(Either.isRight(result)).toBe(true)
          // The answer comes at 300 ms; the permit's release must not hold the call for the 2 s
          // command timeout (tolerance 1.2 s for a loaded machine).
          expect(took).toBeLessThan(1500)
        }).pipe(Effect.provide(client))
      }),
    60_000
  )
})
