import type * as ConfigError from "effect/ConfigError"
import { describe, expect, it } from "@effect/vitest"
import type { Layer } from "effect"
import { Clock, Deferred, type Duration, Effect, Either, Fiber, Redacted, TestClock } from "effect"
import type { DouyinConfig } from "../src/index.js"
import { DouyinClient, DouyinTest, Endpoint, RateLimit, Retry } from "../src/index.js"
import { fakeClient } from "./support/fakeClient.js"
import { Count, Send } from "./support/descriptors.js"

interface Seen {
  readonly at: number
  readonly openId: string
  readonly path: string
}

/**
 * A client over the fake server that records the TestClock time, open_id and path of every
 * request. `gate` (optional) holds every response until it is opened.
 */
const setup = (
  rateLimit: Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError>,
  options: {
    /** Default: no retry. */
    readonly retry?: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig>
    readonly config?: DouyinConfig.Options
    readonly reply?: (n: number) => DouyinTest.Reply
    readonly gate?: Deferred.Deferred<void>
  } = {}
) => {
  const seen: Array<Seen> = []
  let inFlight = 0
  let maxInFlight = 0
  const responder = (request: DouyinTest.RecordedRequest) =>
    Effect.gen(function*() {
      const at = yield* Clock.currentTimeMillis
      seen.push({ at, openId: request.query.open_id, path: request.path })
      const n = seen.length - 1
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      if (options.gate !== undefined) yield* Deferred.await(options.gate)
      inFlight--
      return options.reply?.(n) ??
        (request.method === "POST" ? DouyinTest.successA({ msg_id: "@m==" }) : DouyinTest.successA({ left_count: 2 }))
    })
  const layer = fakeClient(responder, { rateLimit, retry: options.retry, config: options.config })
  return { seen, layer, maxInFlight: () => maxInFlight }
}

const second = { limit: 1, interval: "1 second" } as const

/** Forks all `effects`, moves the clock by `by`, joins them. */
const runAll = <A, E, R>(effects: ReadonlyArray<Effect.Effect<A, E, R>>, by: Duration.DurationInput) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.all(effects.map(Effect.either), { concurrency: "unbounded" }))
    yield* TestClock.adjust(by)
    return yield* Fiber.join(fiber)
  })

describe("RateLimit", () => {
  it.effect("global limit: permits are spaced so that no window holds more than the limit", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: { limit: 2, interval: "1 second" } }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const results = yield* runAll(Array.from({ length: 5 }, () => count({ openId: "op-1" })), "10 seconds")
      expect(results.every((r) => r._tag === "Right")).toBe(true)
      expect(seen.map((s) => s.at)).toEqual([0, 0, 1000, 1000, 2000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the window slides: a permit frees exactly one interval after it was taken", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: { limit: 3, interval: "1 second" } }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" }) // t = 0
      yield* TestClock.adjust("600 millis")
      // Two fit at 600 ms; the next frees when the t = 0 permit leaves the window (1000),
      // the two after that when the 600 ms ones leave (1600).
      yield* runAll(Array.from({ length: 5 }, () => count({ openId: "op-1" })), "10 seconds")
      const times = seen.map((s) => s.at)
      expect(times).toEqual([0, 600, 600, 1000, 1600, 1600])
      for (const t of times) {
        expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(3)
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("per open_id limits are independent of each other", () => {
    const { layer, seen } = setup(RateLimit.layer({ perOpenId: second }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runAll([count({ openId: "A" }), count({ openId: "A" }), count({ openId: "B" })], "5 seconds")
      expect(seen.filter((s) => s.openId === "A").map((s) => s.at)).toEqual([0, 1000])
      expect(seen.filter((s) => s.openId === "B").map((s) => s.at)).toEqual([0])
    }).pipe(Effect.provide(layer))
  })

  it.effect("per open_id: calls with the app's client token (no open_id) share one window, apart from every operator's", () => {
    const { layer, seen } = setup(RateLimit.layer({ perOpenId: second }))
    // A call as an endpoint with `token: "client"` makes it: the app's token, no open_id.
    const clientCall = Effect.flatMap(DouyinClient.DouyinClient, (client) =>
      client.execute({
        endpoint: "test/ClientCount",
        method: "GET",
        path: "/im/client/count/",
        openId: "",
        query: {},
        body: undefined,
        envelope: "A",
        idempotency: "read",
        decode: Either.right,
        token: { get: Effect.succeed(Redacted.make("clt.app")), refresh: () => Effect.succeedNone }
      }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runAll([clientCall, clientCall, Effect.asVoid(count({ openId: "A" }))], "5 seconds")
      expect(seen.filter((s) => s.path === "/im/client/count/").map((s) => s.at)).toEqual([0, 1000])
      expect(seen.filter((s) => s.openId === "A").map((s) => s.at)).toEqual([0])
    }).pipe(Effect.provide(layer))
  })

  it.effect("per endpoint limits, with a named endpoint's own limit", () => {
    const { layer, seen } = setup(
      RateLimit.layer({ perEndpoint: second, endpoints: { "test/Send": { limit: 1, interval: "3 seconds" } } })
    )
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const send = yield* Endpoint.handler(Send)
      yield* runAll([
        Effect.asVoid(count({ openId: "A" })),
        Effect.asVoid(count({ openId: "B" })),
        Effect.asVoid(send({ openId: "A", groupId: "@g", text: "1" })),
        Effect.asVoid(send({ openId: "B", groupId: "@g", text: "2" }))
      ], "10 seconds")
      expect(seen.filter((s) => s.path === "/im/group/count/").map((s) => s.at)).toEqual([0, 1000])
      expect(seen.filter((s) => s.path === "/im/send/msg/group/").map((s) => s.at)).toEqual([0, 3000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("maxConcurrent caps the requests in flight", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { layer, seen, maxInFlight } = setup(RateLimit.layer({ maxConcurrent: 2 }), { gate })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const fiber = yield* Effect.fork(
          Effect.all(Array.from({ length: 5 }, () => count({ openId: "op-1" })), { concurrency: "unbounded" })
        )
        yield* TestClock.adjust("1 millis") // let every fiber reach the limiter
        expect(seen).toHaveLength(2)
        yield* Deferred.succeed(gate, void 0)
        const results = yield* Fiber.join(fiber)
        expect(results).toHaveLength(5)
        expect(seen).toHaveLength(5)
        expect(maxInFlight()).toBe(2)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("queued calls are served in arrival order, and an interrupted waiter leaves the line", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { layer, seen } = setup(RateLimit.layer({ maxConcurrent: 1 }), { gate })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const first = yield* Effect.fork(count({ openId: "first" }))
        yield* TestClock.adjust("1 millis")
        const second = yield* Effect.fork(count({ openId: "second" }))
        yield* TestClock.adjust("1 millis")
        const third = yield* Effect.fork(count({ openId: "third" }))
        yield* TestClock.adjust("1 millis")
        const fourth = yield* Effect.fork(count({ openId: "fourth" }))
        yield* TestClock.adjust("1 millis")
        yield* Fiber.interrupt(second)
        yield* Deferred.succeed(gate, void 0)
        yield* Fiber.join(first)
        yield* Fiber.join(third)
        yield* Fiber.join(fourth)
        expect(seen.map((s) => s.openId)).toEqual(["first", "third", "fourth"])
      }).pipe(Effect.provide(layer))
    }))

  it.effect("fail mode: a refused call fails at once with DouyinRateLimited and retryAfterMillis; nothing is sent", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: second, mode: "fail" }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" })
      yield* TestClock.adjust("250 millis")
      const refused = yield* Effect.flip(count({ openId: "op-1" }))
      expect(refused._tag).toBe("DouyinRateLimited")
      expect(refused._tag === "DouyinRateLimited" && refused.retryAfterMillis).toBe(750)
      expect(refused.message).toContain("global 1 per 1s")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("750 millis")
      yield* count({ openId: "op-1" })
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("per-call override: RateLimit.with({ mode: 'fail' }) fails fast under a waiting layer", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: second }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" })
      const refused = yield* Effect.flip(count({ openId: "op-1" }).pipe(RateLimit.with({ mode: "fail" })))
      expect(refused._tag === "DouyinRateLimited" && refused.retryAfterMillis).toBe(1000)
      // The same call without the override waits for its permit.
      const waiting = yield* Effect.fork(count({ openId: "op-1" }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(waiting)
      expect(seen.map((s) => s.at)).toEqual([0, 1000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("fail mode also refuses when the in-flight cap is reached", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { layer, seen } = setup(RateLimit.layer({ maxConcurrent: 1, mode: "fail" }), { gate })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const first = yield* Effect.fork(count({ openId: "op-1" }))
        yield* TestClock.adjust("1 millis")
        const refused = yield* Effect.flip(count({ openId: "op-1" }))
        expect(refused._tag === "DouyinRateLimited" && refused.limit).toBe("in flight 1")
        yield* Deferred.succeed(gate, void 0)
        yield* Fiber.join(first)
        expect(seen).toHaveLength(1)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("a cost above the limit fails at once, in wait mode too; a cost within it takes that many units", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: { limit: 2, interval: "1 second" } }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const refused = yield* Effect.flip(count({ openId: "op-1" }).pipe(RateLimit.with({ cost: 3 })))
      expect(refused._tag === "DouyinRateLimited" && refused.retryAfterMillis).toBe(Number.POSITIVE_INFINITY)
      expect(refused.message).toContain("above the limit")
      expect(seen).toHaveLength(0)
      yield* runAll([0, 1].map(() => count({ openId: "op-1" }).pipe(RateLimit.with({ cost: 2 }))), "5 seconds")
      expect(seen.map((s) => s.at)).toEqual([0, 1000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("idle keys are evicted, so memory stays bounded", () => {
    const { layer } = setup(RateLimit.layer({
      perOpenId: second,
      perEndpoint: { limit: 10, interval: "1 second" },
      idleTimeToLive: "5 seconds"
    }))
    return Effect.gen(function*() {
      const limits = yield* RateLimit.RateLimit
      const count = yield* Endpoint.handler(Count)
      yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => `op-${i}`), (openId) => count({ openId }), {
        concurrency: "unbounded"
      }).pipe(Effect.fork, Effect.tap(() => TestClock.adjust("4 seconds")), Effect.flatMap(Fiber.join))
      const before = yield* limits.trackedKeys
      expect(before.endpoints).toEqual(["test/Count"])
      expect(before.openIds).toHaveLength(50)
      // The endpoint key was last used at 4 s, the open_id keys at 0–4 s: all idle by 10 s.
      yield* TestClock.adjust("10 seconds")
      const after = yield* limits.trackedKeys
      expect(after).toEqual({ openIds: [], endpoints: [] })
    }).pipe(Effect.provide(layer))
  })

  it.effect("every retry takes a new permit", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: second }), {
      retry: Retry.layer({ base: "10 millis", jitter: false }),
      reply: (n) => (n === 0 ? DouyinTest.errorA(2100004, "busy") : DouyinTest.successA({ left_count: 1 }))
    })
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const [result] = yield* runAll([count({ openId: "op-1" })], "5 seconds")
      expect(result._tag).toBe("Right")
      // The backoff is 10 ms, but the retry waits for the next permit.
      expect(seen.map((s) => s.at)).toEqual([0, 1000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a call timeout while queued for a permit is not an unknown outcome: nothing was sent", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: { limit: 1, interval: "10 seconds" } }), {
      config: { callTimeout: "2 seconds" }
    })
    return Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const [first, queued] = yield* runAll([
        send({ openId: "op-1", groupId: "@g", text: "1" }),
        send({ openId: "op-1", groupId: "@g", text: "2" })
      ], "5 seconds")
      expect(first._tag).toBe("Right")
      expect(queued._tag === "Left" && queued.left._tag).toBe("DouyinTransportError")
      expect(queued._tag === "Left" && queued.left._tag === "DouyinTransportError" && queued.left.sent).toBe(false)
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("layerDefault: 10 per second per open_id", () => {
    const { layer, seen } = setup(RateLimit.layerDefault)
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runAll(Array.from({ length: 11 }, () => count({ openId: "op-1" })), "5 seconds")
      expect(seen.filter((s) => s.at === 0)).toHaveLength(10)
      expect(seen[10].at).toBe(1000)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a permit is held until its attempt ends: the slot frees one interval after the response, not after the permit", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      // The first response is held for 3 s (the request may reach the server any time in them).
      const slow = setup(RateLimit.layer({ global: { limit: 1, interval: "1 second" } }), { gate })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const first = yield* Effect.fork(count({ openId: "op-1" }))
        yield* TestClock.adjust("1 millis")
        const second = yield* Effect.fork(count({ openId: "op-1" }))
        yield* TestClock.adjust("3 seconds")
        expect(slow.seen.map((s) => s.at)).toEqual([0]) // still pending: the second waits
        yield* Deferred.succeed(gate, void 0) // the first ends at 3001 ms
        yield* Fiber.join(first)
        yield* TestClock.adjust("999 millis")
        expect(slow.seen).toHaveLength(1)
        yield* TestClock.adjust("1 millis")
        yield* Fiber.join(second)
        expect(slow.seen.map((s) => s.at)).toEqual([0, 4001])
      }).pipe(Effect.provide(slow.layer))
    }))

  it.effect("fail mode while the room is held by a request in flight: retryAfterMillis is at least one interval", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { layer } = setup(RateLimit.layer({ global: second, mode: "fail" }), { gate })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const first = yield* Effect.fork(count({ openId: "op-1" }))
        yield* TestClock.adjust("5 seconds")
        const refused = yield* Effect.flip(count({ openId: "op-1" }))
        expect(refused._tag === "DouyinRateLimited" && refused.retryAfterMillis).toBe(1000)
        yield* Deferred.succeed(gate, void 0)
        yield* Fiber.join(first)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("an interrupted waiter takes nothing: the next caller gets the room", () => {
    const { layer, seen } = setup(RateLimit.layer({ global: second }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" }) // t = 0
      const waiting = yield* Effect.fork(count({ openId: "op-2" }))
      yield* TestClock.adjust("500 millis")
      yield* Fiber.interrupt(waiting)
      const next = yield* Effect.fork(count({ openId: "op-3" }))
      yield* TestClock.adjust("500 millis")
      yield* Fiber.join(next)
      expect(seen.map((s) => [s.at, s.openId])).toEqual([[0, "op-1"], [1000, "op-3"]])
    }).pipe(Effect.provide(layer))
  })

  it.effect("RateLimit.with is dual: data-last and data-first set the same override", () => {
    const { layer } = setup(RateLimit.layer({ global: { limit: 2, interval: "1 second" } }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const dataLast = yield* Effect.flip(count({ openId: "op-1" }).pipe(RateLimit.with({ cost: 3 })))
      const dataFirst = yield* Effect.flip(RateLimit.with(count({ openId: "op-1" }), { cost: 3 }))
      expect(dataLast.message).toContain("above the limit")
      expect(dataFirst.message).toEqual(dataLast.message)
      const seenOverride = yield* RateLimit.with(RateLimit.CurrentOverride, { mode: "fail" })
      expect(seenOverride).toEqual({ mode: "fail" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("layerDisabled provides the RateLimit service too, and sends at once", () => {
    const { layer, seen } = setup(RateLimit.layerDisabled)
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const limits = yield* RateLimit.RateLimit
      yield* Effect.all(Array.from({ length: 20 }, () => count({ openId: "op-1" })), { concurrency: "unbounded" })
      expect(seen.filter((s) => s.at === 0)).toHaveLength(20)
      expect(yield* limits.trackedKeys).toEqual({ openIds: [], endpoints: [] })
    }).pipe(Effect.provide(layer))
  })
})
