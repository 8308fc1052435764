/**
 * Policies are explicit (docs/architecture.md#policies-are-layers): `DouyinClient.layer` requires the
 * `Retry` and `RateLimit` services, so a composition that forgets or misplaces one does not
 * compile (checked by `pnpm typecheck` through the `@ts-expect-error` lines below), and a
 * correctly composed policy is the one the calls run under.
 */
import type * as ConfigError from "effect/ConfigError"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, Endpoint, RateLimit, Retry } from "../src/index.js"
import { Count } from "./support/descriptors.js"

const busy = DouyinTest.errorA(2100004, "system busy")
const countOk = DouyinTest.successA({ left_count: 2 })

/** Busy once, then success. */
const busyThenOk = () => DouyinTest.layer([busy, countOk])

const base = Layer.mergeAll(
  DouyinConfig.layer(),
  AccessToken.layerStatic(Redacted.make(DouyinTest.testToken))
)

/** Accepts only a layer that needs nothing more: what `Effect.provide` + `runPromise` demand. */
const complete = <A, E>(layer: Layer.Layer<A, E, never>) => layer

// A composition that used to compile and silently run without retry: merging the
// retry layer next to the client does not provide it to the client.
const merged = Layer.mergeAll(DouyinClient.layer, Retry.layerDefault).pipe(
  Layer.provide(RateLimit.layerDisabled),
  Layer.provideMerge(busyThenOk()),
  Layer.provide(base)
)
// @ts-expect-error Retry is still required: Layer.mergeAll does not provide it INTO the client
complete(merged)

// Forgetting the policies altogether does not compile either.
const forgotten = DouyinClient.layer.pipe(Layer.provideMerge(busyThenOk()), Layer.provide(base))
// @ts-expect-error Retry and RateLimit are required
complete(forgotten)
const forgotRateLimit = DouyinClient.layer.pipe(
  Layer.provide(Retry.layerDefault),
  Layer.provideMerge(busyThenOk()),
  Layer.provide(base)
)
// @ts-expect-error RateLimit is required ("no limit" is RateLimit.layerDisabled)
complete(forgotRateLimit)

/** The README's order: policies provided INTO the client. */
const composed = (retry: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig>) =>
  complete(DouyinClient.layer.pipe(
    Layer.provide(retry),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provideMerge(busyThenOk()),
    Layer.provide(base)
  ))

const countOnce = Effect.flatMap(Endpoint.handler(Count), (count) => count({ openId: "op-1" }))

/** Runs `effect` in a fiber and moves the TestClock past every backoff. */
const withClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.either(effect))
    yield* TestClock.adjust("1 minute")
    return yield* Fiber.join(fiber)
  })

describe("policies are explicit", () => {
  it.effect("a correctly composed retry is kept: busy once, then success, two requests", () =>
    Effect.gen(function*() {
      const result = yield* withClock(countOnce)
      expect(result._tag === "Right" && result.right).toEqual({ leftCount: 2 })
      expect(yield* DouyinTest.requests).toHaveLength(2)
    }).pipe(Effect.provide(composed(Retry.layerDefault))))

  it.effect("Retry.layerDisabled is the explicit 'no retry': one request, the busy error", () =>
    Effect.gen(function*() {
      const result = yield* withClock(countOnce)
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinBusyError")
      expect(yield* DouyinTest.requests).toHaveLength(1)
      const retry = yield* Retry.Retry
      expect(retry.settings.maxAttempts).toBe(1)
    }).pipe(Effect.provide(Layer.merge(composed(Retry.layerDisabled), Retry.layerDisabled))))

  it.effect("Retry.with is dual: data-last (pipe) and data-first give the same override", () => {
    const alwaysBusy = complete(DouyinClient.layer.pipe(
      Layer.provide(Retry.layer({ maxAttempts: 5, jitter: false, budget: false })),
      Layer.provide(RateLimit.layerDisabled),
      Layer.provideMerge(DouyinTest.layer([busy])),
      Layer.provide(base)
    ))
    return Effect.gen(function*() {
      const recorder = yield* DouyinTest.Recorder
      const sent = Effect.map(recorder.requests, (r) => r.length)
      yield* withClock(countOnce)
      expect(yield* sent).toBe(5)
      yield* recorder.clear
      const dataLast = yield* withClock(countOnce.pipe(Retry.with({ maxAttempts: 2 })))
      expect(dataLast._tag === "Left" && dataLast.left._tag).toBe("DouyinBusyError")
      expect(yield* sent).toBe(2)
      yield* recorder.clear
      const dataFirst = yield* withClock(Retry.with(countOnce, { maxAttempts: 2 }))
      expect(dataFirst._tag === "Left" && dataFirst.left._tag).toBe("DouyinBusyError")
      expect(yield* sent).toBe(2)
    }).pipe(Effect.provide(alwaysBusy))
  })
})
