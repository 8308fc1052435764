/**
 * The call timeout is carried to what waits (a permit, a backoff, a token, the attempt in
 * flight) instead of racing the whole call: a call that goes at once forks no fiber, and one
 * that waits is still bounded, and gives back what it waited for.
 */
import type * as ConfigError from "effect/ConfigError"
import { describe, expect, it } from "@effect/vitest"
import { HttpClient } from "@effect/platform"
import { Clock, Deferred, Duration, Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { MockAgent } from "undici"
import * as DouyinHttpClient from "../src/DouyinHttpClient.js"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, Endpoint, OAuth, RateLimit, Retry, TokenStore } from "../src/index.js"
import { Count } from "./support/descriptors.js"
import { FiberCounter } from "./support/fiberCounter.js"
import { fakeClient } from "./support/fakeClient.js"
import { credentials, key, stored } from "./tokenFixtures.js"

const production = {
  retry: Retry.layerDefault,
  rateLimit: RateLimit.layer({
    global: { limit: 1_000, interval: "1 second" },
    perOpenId: { limit: 1_000, interval: "1 second" },
    maxConcurrent: 100
  })
}

/** A responder that records the TestClock time of each request and answers after `gate`, if given. */
const recording = (gate?: Deferred.Deferred<void>) => {
  const seen: Array<number> = []
  const responder = (_: DouyinTest.RecordedRequest) =>
    Effect.gen(function*() {
      seen.push(yield* Clock.currentTimeMillis)
      if (gate !== undefined) yield* Deferred.await(gate)
      return DouyinTest.successA({ left_count: 2 })
    })
  return { seen, responder }
}

const origin = "http://douyin.test"

type TokenLayer = Layer.Layer<AccessToken.AccessToken, ConfigError.ConfigError, HttpClient.HttpClient | DouyinConfig.DouyinConfig>

const staticToken: TokenLayer = AccessToken.layerStatic(Redacted.make(DouyinTest.testToken))

/** The client over the fast client (`DouyinHttpClient`) and an undici `MockAgent`: no socket. */
const fastClient = (policies: typeof production, tokens: TokenLayer = staticToken) => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  agent.get(origin).intercept({ path: (p) => p.startsWith("/im/group/count/") })
    .reply(200, DouyinTest.successA({ left_count: 2 }).body as string).persist()
  return DouyinClient.layer.pipe(
    Layer.provide(policies.retry),
    Layer.provide(policies.rateLimit),
    Layer.provide(tokens),
    Layer.provide(Layer.effect(HttpClient.HttpClient, DouyinHttpClient.fromDispatcher(agent))),
    Layer.provideMerge(DouyinConfig.layer({ baseUrl: origin }))
  )
}

/** Tokens from a (memory) `TokenStore`: a token source that can block, so calls have a deadline. */
const storeTokens = (options: AccessToken.StoreOptions) =>
  AccessToken.layerStore(options).pipe(
    Layer.provide(OAuth.layer(credentials)),
    Layer.provide(TokenStore.layerMemory([[key("op-1"), stored(DouyinTest.testToken, "rft.op-1")]]))
  )

/** Forked fibers of 20 calls after a warm-up call. */
const forkedBy20Calls = Effect.gen(function*() {
  const count = yield* Endpoint.handler(Count)
  yield* count({ openId: "op-1" }) // warm: layers and keys built, the token read once
  const counter = new FiberCounter()
  for (let i = 0; i < 20; i++) {
    const result = yield* Effect.supervised(count({ openId: "op-1" }), counter)
    expect(result).toEqual({ leftCount: 2 })
  }
  return counter.started
})

describe("the call deadline", () => {
  it.effect("a call that goes at once forks no fiber, under the default retry, a rate limit and the call timeout", () =>
    Effect.gen(function*() {
      expect(yield* forkedBy20Calls).toBe(0)
    }).pipe(Effect.provide(fastClient(production))))

  it.effect("over AccessToken.layerStore with a warm cache, a call forks no fiber: the kept token is not bounded", () =>
    Effect.gen(function*() {
      expect(yield* forkedBy20Calls).toBe(0)
    }).pipe(Effect.provide(fastClient(production, storeTokens({})))))

  it.effect("over AccessToken.layerStore without the cache (cacheFor: 0), each store read is bounded by the call deadline", () =>
    Effect.gen(function*() {
      // The counter sees the bound's timer fibers (2 per call when this was written).
      expect(yield* forkedBy20Calls).toBeGreaterThanOrEqual(20)
    }).pipe(Effect.provide(fastClient(production, storeTokens({ cacheFor: 0 })))))

  it.effect("queued for a permit past the deadline: the call-timeout error, nothing sent, and the line moves on", () => {
    const { responder, seen } = recording()
    const layer = fakeClient(responder, {
      rateLimit: RateLimit.layer({ global: { limit: 1, interval: "10 seconds" } }),
      config: { callTimeout: "2 seconds" }
    })
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" })
      const queued = yield* Effect.fork(Effect.either(count({ openId: "op-1" })))
      yield* TestClock.adjust("2 seconds")
      const timedOut = yield* Fiber.join(queued)
      expect(timedOut._tag === "Left" && timedOut.left._tag).toBe("DouyinTransportError")
      expect(timedOut._tag === "Left" && timedOut.left.message).toContain("call timeout of 2s (no request in flight)")
      // It took nothing and left the line: once the window frees, the next call goes at once.
      yield* TestClock.adjust("8 seconds")
      expect(yield* count({ openId: "op-1" })).toEqual({ leftCount: 2 })
      expect(seen).toEqual([0, 10_000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("waiting for a place in flight past the deadline: the call-timeout error, and the place is not lost", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { responder, seen } = recording(gate)
      const layer = fakeClient(responder, {
        rateLimit: RateLimit.layer({ maxConcurrent: 1 }),
        // Longer than the call timeout: refused by DouyinConfig's checks, still bounded by the client.
        config: { callTimeout: "2 seconds" },
        unchecked: { attemptTimeout: Duration.hours(1) }
      })
      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const first = yield* Effect.fork(count({ openId: "op-1" }))
        yield* TestClock.adjust("1 millis")
        const second = yield* Effect.fork(Effect.either(count({ openId: "op-1" })))
        yield* TestClock.adjust("2 seconds")
        const timedOut = yield* Fiber.join(second)
        expect(timedOut._tag === "Left" && timedOut.left._tag).toBe("DouyinTransportError")
        yield* Deferred.succeed(gate, void 0)
        expect(yield* Fiber.join(first)).toEqual({ leftCount: 2 })
        expect(yield* count({ openId: "op-1" })).toEqual({ leftCount: 2 })
        expect(seen).toHaveLength(2)
      }).pipe(Effect.provide(layer))
    }))

  it.live("an attempt in flight is cut at the call deadline when that comes before the attempt timeout", () =>
    Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const start = Date.now()
      const error = yield* Effect.flip(count({ openId: "op-1" }))
      const took = Date.now() - start
      expect(error._tag).toBe("DouyinTransportError")
      expect(error._tag === "DouyinTransportError" && error.sent).toBe(true)
      expect(error.message).toContain("call not finished within the call timeout of 300ms")
      // Bounded by the call timeout (300 ms), far below the attempt timeout (1 hour); 5 s of slack for a loaded machine.
      expect(took).toBeGreaterThanOrEqual(290)
      expect(took).toBeLessThan(5_000)
    }).pipe(
      Effect.provide(
        fakeClient(() => Effect.never, {
          retry: Retry.layerDefault,
          config: { callTimeout: "300 millis" },
          unchecked: { attemptTimeout: Duration.hours(1) }
        })
      )
    ))
})
