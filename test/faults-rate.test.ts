/**
 * Fault matrix row 12 (reliability.md §5): 1 000 concurrent calls under a 50/s limit. The
 * requests travel over a real socket to a loopback server; the limiter runs on the TestClock,
 * which the test moves step by step, so 20 s of limited traffic take well under that in wall
 * time. Each request carries the TestClock time at which it left, and the server's record is
 * checked for every 1 s window (sliding, not only the average).
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, Endpoint, RateLimit, Retry } from "@effect-douyin/core"
import { Clock, Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { FanGroupQuota } from "@effect-douyin/group"
import * as Server from "./support/LoopbackServer.js"

const Count = FanGroupQuota.descriptor

const calls = 1000
const limit = 50
const windowMillis = 1000
// The clock moves in steps of half the window; after each step the sockets catch up.
const step = "500 millis"

/** Lets the event loop run (socket I/O) without waiting on any timer. */
const turn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

describe("fault matrix row 12 (rate under load)", () => {
  it.scoped("row 12: 1000 concurrent calls with a 50/s limit: never above the limit in any 1 s window; all complete", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => DouyinTest.successA({ left_count: 2 }))
      let started = 0
      let done = 0
      // Stamp each request with the TestClock time at which it leaves (after its permit).
      const http = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) =>
          client.pipe(
            HttpClient.mapRequestEffect((request) =>
              Effect.map(Clock.currentTimeMillis, (now) => {
                started++
                return HttpClientRequest.setHeader(request, "x-test-clock", String(now))
              })
            )
          ))
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const client = DouyinClient.layer.pipe(
        Layer.provide(RateLimit.layer({ global: { limit, interval: "1 second" } })),
        Layer.provide(Retry.layerDisabled),
        Layer.provide(http),
        Layer.provide(DouyinConfig.layer({ baseUrl: server.url, attemptTimeout: "1 hour", callTimeout: "1 hour" })),
        Layer.provide(AccessToken.layerStatic(Redacted.make(DouyinTest.testToken)))
      )

      const results = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const fiber = yield* Effect.fork(
          Effect.forEach(
            Array.from({ length: calls }, (_, i) => `op-${i % 7}`),
            (openId) => Effect.ensuring(count({ openId }), Effect.sync(() => done++)),
            { concurrency: "unbounded" }
          )
        )
        // Step the clock; after each step let every request that left reach the server and
        // its call complete, so the clock never runs ahead of the sockets.
        for (let steps = 0; done < calls && steps < 400; steps++) {
          for (let spins = 0; (server.count() < started || done < started) && spins < 100_000; spins++) yield* turn
          if (done < calls) yield* TestClock.adjust(step)
        }
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(client))

      expect(results).toHaveLength(calls)
      expect(results.every((r) => r.leftCount === 2)).toBe(true)
      expect(server.count("GET")).toBe(calls)

      const stamps = server.received.map((r) => Number(r.headers["x-test-clock"])).sort((a, b) => a - b)
      expect(stamps.every(Number.isFinite)).toBe(true)
      // Every sliding window [t, t + 1 s) starting at a request holds at most 50 requests.
      let busiest = 0
      for (let i = 0, j = 0; i < stamps.length; i++) {
        while (j < stamps.length && stamps[j] < stamps[i] + windowMillis) j++
        busiest = Math.max(busiest, j - i)
      }
      expect(busiest).toBeLessThanOrEqual(limit)
      expect(busiest).toBe(limit) // the limit was reached, so it was what shaped the traffic
      // And every aligned second, for the record.
      const perSecond = new Map<number, number>()
      for (const t of stamps) perSecond.set(Math.floor(t / windowMillis), (perSecond.get(Math.floor(t / windowMillis)) ?? 0) + 1)
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(limit)
      // Not slower than the limit allows: 1000 at 50/s start within 19 s (+ one step).
      expect(stamps[stamps.length - 1]).toBeGreaterThanOrEqual(19_000)
      expect(stamps[stamps.length - 1]).toBeLessThanOrEqual(19_500)
    }), 60_000)
})
