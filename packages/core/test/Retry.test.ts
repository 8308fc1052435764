import type * as ConfigError from "effect/ConfigError"
import { describe, expect, it } from "@effect/vitest"
import type { Layer } from "effect"
import { Clock, type Duration, Effect, Fiber, Schedule, Supervisor, TestClock } from "effect"
import type { DouyinConfig } from "../src/index.js"
import { DouyinTest, Endpoint, Retry } from "../src/index.js"
import { fakeClient } from "./support/fakeClient.js"
import { Count, Send } from "./support/descriptors.js"
import { recordingTracer } from "./tokenFixtures.js"

const busy = DouyinTest.errorA(2100004, "system busy")
const countOk = DouyinTest.successA({ left_count: 2 })
const sendOk = DouyinTest.successA({ msg_id: "@m==" })

/**
 * A client over the fake server whose `reply(n)` answers the n-th request (0-based) and which
 * records the TestClock time of every request.
 */
const setup = (
  reply: (n: number) => DouyinTest.Reply,
  retry: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig>,
  config: DouyinConfig.Options = {}
) => {
  const times: Array<number> = []
  const responder = () =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      times.push(now)
      return reply(times.length - 1)
    })
  return { times, layer: fakeClient(responder, { retry, config }) }
}

const sequence = (...replies: ReadonlyArray<DouyinTest.Reply>) => (n: number) => replies[Math.min(n, replies.length - 1)]

/** Runs `effect` in a fiber and moves the TestClock far enough for every backoff. */
const runClock = <A, E, R>(effect: Effect.Effect<A, E, R>, by: Duration.DurationInput = "1 minute") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.either(effect))
    yield* TestClock.adjust(by)
    return yield* Fiber.join(fiber)
  })

const fixed = { jitter: false, budget: false } as const

/** The retry attributes of the last call span (the endpoint's span, not an HTTP attempt's). */
const retryAttributesOf = (spans: ReturnType<typeof recordingTracer>["spans"]) =>
  Object.fromEntries(
    [...spans.filter((s) => s.name === Count.id).at(-1)!.attributes]
      .filter(([k]) => k.startsWith("douyin.retry") || k === "douyin.attempts")
  )

describe("Retry", () => {
  it.effect("backoff delays follow the schedule: base × factor^n", () => {
    const { layer, times } = setup(sequence(busy), Retry.layer({ ...fixed, maxAttempts: 4, base: "100 millis", factor: 2 }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag).toBe("Left")
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinBusyError")
      expect(times).toEqual([0, 100, 300, 700])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the cap bounds every delay", () => {
    const { layer, times } = setup(
      sequence(busy),
      Retry.layer({ ...fixed, maxAttempts: 4, base: "1 second", factor: 10, cap: "3 seconds" })
    )
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runClock(count({ openId: "op-1" }))
      expect(times).toEqual([0, 1000, 4000, 7000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("jitter keeps each delay within 0.8–1.2 of the schedule and under the cap", () => {
    const { layer, times } = setup(
      sequence(busy),
      Retry.layer({ maxAttempts: 7, base: "100 millis", factor: 2, cap: "1 second", jitter: true, budget: false })
    )
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runClock(count({ openId: "op-1" }))
      expect(times).toHaveLength(7)
      const delays = times.slice(1).map((t, i) => t - times[i])
      delays.forEach((d, i) => {
        const nominal = 100 * 2 ** i
        expect(d).toBeGreaterThanOrEqual(Math.min(Math.floor(0.8 * nominal), 1000))
        expect(d).toBeLessThanOrEqual(Math.min(Math.ceil(1.2 * nominal), 1000))
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("an unsafe send rejected as busy is retried until it succeeds", () => {
    const { layer, times } = setup(sequence(busy, busy, sendOk), Retry.layer({ ...fixed, base: "100 millis" }))
    return Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const result = yield* runClock(send({ openId: "op-1", groupId: "@g", text: "hi" }))
      expect(result._tag === "Right" && result.right).toEqual({ msgId: "@m==" })
      expect(times).toEqual([0, 100, 300])
    }).pipe(Effect.provide(layer))
  })

  it.effect("an unsafe send is never retried after an ambiguous failure (502): DouyinOutcomeUnknown", () => {
    const { layer, times } = setup(sequence(DouyinTest.text(502, "<html>bad gateway</html>"), sendOk), Retry.layer(fixed))
    return Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const result = yield* runClock(send({ openId: "op-1", groupId: "@g", text: "hi" }))
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinOutcomeUnknown")
      expect(times).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a read is retried after an ambiguous failure (502)", () => {
    const { layer, times } = setup(sequence(DouyinTest.text(502, "<html>bad gateway</html>"), countOk), Retry.layer(fixed))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag).toBe("Right")
      expect(times).toEqual([0, 200])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a definitive error is not retried", () => {
    const { layer, times } = setup(sequence(DouyinTest.errorA(2190004, "no permission")), Retry.layer(fixed))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinPermissionError")
      expect(times).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a Retry-After header longer than the backoff is honoured", () => {
    const tooMany: DouyinTest.Reply = {
      status: 429,
      headers: { "content-type": "text/plain", "retry-after": "3" },
      body: "slow down"
    }
    const { layer, times } = setup(sequence(tooMany, countOk), Retry.layer({ ...fixed, base: "100 millis" }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag).toBe("Right")
      expect(times).toEqual([0, 3000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("no retry starts past the deadline; the call fails with the real error", () => {
    const { layer, times } = setup(sequence(busy), Retry.layer({ ...fixed, maxAttempts: 10, base: "1 second", deadline: "2500 millis" }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinBusyError")
      expect(times).toEqual([0, 1000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the deadline defaults to the call timeout, so a send ends with its real error, not an unknown outcome", () => {
    const { layer, times } = setup(sequence(busy), Retry.layer({ ...fixed, maxAttempts: 10, base: "1 second" }), {
      callTimeout: "2500 millis"
    })
    return Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const result = yield* runClock(send({ openId: "op-1", groupId: "@g", text: "hi" }))
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinBusyError")
      expect(times).toEqual([0, 1000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the shared budget: retries spend it, an exhausted budget fails at once and says so, successes refill it", () => {
    let failing = true
    const { layer, times } = setup(
      () => (failing ? busy : countOk),
      Retry.layer({
        maxAttempts: 5,
        base: "100 millis",
        jitter: false,
        budget: { capacity: 10, retryCost: 5, successRefund: 1 }
      })
    )
    return Effect.gen(function*() {
      const retry = yield* Retry.Retry
      const count = yield* Endpoint.handler(Count)

      // An outage: two retries spend the 10 tokens, the third retry cannot be paid.
      const first = yield* runClock(count({ openId: "op-1" }))
      expect(times).toEqual([0, 100, 300])
      expect(yield* retry.remainingBudget).toBe(0)
      if (first._tag !== "Left" || first.left._tag !== "DouyinBusyError") throw new Error("expected a busy error")
      expect(first.left.retryBudgetExhausted).toBe(true)
      expect(first.left.message).toContain("retry budget exhausted")

      // Later failures are not retried at all.
      times.length = 0
      const second = yield* runClock(count({ openId: "op-1" }))
      expect(times).toHaveLength(1)
      expect(second._tag === "Left" && second.left._tag === "DouyinBusyError" && second.left.retryBudgetExhausted).toBe(true)

      // Five successes refund five tokens: one retry fits again.
      failing = false
      yield* Effect.repeatN(count({ openId: "op-1" }), 4)
      expect(yield* retry.remainingBudget).toBe(5)
      failing = true
      times.length = 0
      yield* runClock(count({ openId: "op-1" }))
      expect(times).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("per-call override: Retry.with and Retry.disable change one call, not the layer", () => {
    const { layer, times } = setup(sequence(busy), Retry.layer({ ...fixed, maxAttempts: 4, base: "100 millis" }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* runClock(count({ openId: "op-1" }).pipe(Retry.with({ maxAttempts: 2 })))
      expect(times).toEqual([0, 100])

      times.length = 0
      const start = yield* Clock.currentTimeMillis
      yield* runClock(count({ openId: "op-1" }).pipe(Retry.disable))
      expect(times).toEqual([start])

      times.length = 0
      const t0 = yield* Clock.currentTimeMillis
      yield* runClock(count({ openId: "op-1" }).pipe(Retry.with({ base: "1 second" })))
      expect(times.map((t) => t - t0)).toEqual([0, 1000, 3000, 7000])

      times.length = 0
      const t1 = yield* Clock.currentTimeMillis
      yield* runClock(count({ openId: "op-1" }))
      expect(times.map((t) => t - t1)).toEqual([0, 100, 300, 700])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the call's span says how many attempts were made and why retrying stopped", () => {
    const { layer } = setup(
      (n) => (n === 2 ? countOk : busy),
      Retry.layer({ ...fixed, maxAttempts: 3, base: "100 millis" })
    )
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const { spans, tracer } = recordingTracer()
      const traced = <A, E>(effect: Effect.Effect<A, E>) => runClock(Effect.withTracer(effect, tracer))
      const retryAttributes = () => retryAttributesOf(spans)
      // requests 0, 1 busy, 2 ok: success on the third attempt
      yield* traced(count({ openId: "op-1" }))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 3, "douyin.retry_count": 2 })
      // busy from here on
      yield* traced(count({ openId: "op-1" }).pipe(Retry.with({ maxAttempts: 1 })))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 1, "douyin.retry_count": 0, "douyin.retry.stopped": "max attempts" })
      yield* traced(count({ openId: "op-1" }).pipe(Retry.with({ maxAttempts: 2 })))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 2, "douyin.retry_count": 1, "douyin.retry.stopped": "max attempts" })
      yield* traced(count({ openId: "op-1" }).pipe(Retry.with({ schedule: Schedule.recurs(1) })))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 2, "douyin.retry_count": 1, "douyin.retry.stopped": "schedule done" })
      yield* traced(count({ openId: "op-1" }).pipe(Retry.with({ deadline: "150 millis" })))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 2, "douyin.retry_count": 1, "douyin.retry.stopped": "deadline" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("the span says when a definitive error stopped retrying, and when the budget did", () => {
    let reply = countOk
    const { layer } = setup(
      () => reply,
      Retry.layer({ maxAttempts: 5, base: "100 millis", jitter: false, budget: { capacity: 5, retryCost: 5 } })
    )
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const { spans, tracer } = recordingTracer()
      const retryAttributes = () => retryAttributesOf(spans)
      // a success on the first attempt says nothing of retries (the client counts its one attempt)
      yield* runClock(Effect.withTracer(count({ openId: "op-1" }), tracer))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 1 })
      reply = DouyinTest.errorA(2190004, "no permission")
      yield* runClock(Effect.withTracer(count({ openId: "op-1" }), tracer))
      expect(retryAttributes()).toEqual({ "douyin.attempts": 1, "douyin.retry_count": 0, "douyin.retry.stopped": "not retryable" })
      reply = busy
      const result = yield* runClock(Effect.withTracer(count({ openId: "op-1" }), tracer))
      expect(retryAttributes()).toEqual({
        "douyin.attempts": 2,
        "douyin.retry_count": 1,
        "douyin.retry.stopped": "budget",
        "douyin.retry_budget_exhausted": true
      })
      expect(result._tag === "Left" && result.left._tag === "DouyinBusyError" && result.left.retryBudgetExhausted).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a call that succeeds at once forks no fiber", () => {
    const { layer } = setup(sequence(countOk), Retry.layer({ ...fixed, maxAttempts: 3 }))
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const supervisor = yield* Supervisor.track
      yield* Effect.supervised(count({ openId: "op-1" }), supervisor)
      expect(yield* supervisor.value).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("Retry.layerDisabled: one attempt", () => {
    const { layer, times } = setup(sequence(busy, countOk), Retry.layerDisabled)
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* runClock(count({ openId: "op-1" }))
      expect(result._tag === "Left" && result.left._tag).toBe("DouyinBusyError")
      expect(times).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("Retry.layerDefault: 3 attempts with jittered backoff from 200 ms", () => {
    const { layer, times } = setup(sequence(busy), Retry.layerDefault)
    return Effect.gen(function*() {
      const retry = yield* Retry.Retry
      expect(retry.settings.maxAttempts).toBe(3)
      expect(yield* retry.remainingBudget).toBe(500)
      const count = yield* Endpoint.handler(Count)
      yield* runClock(count({ openId: "op-1" }))
      expect(times).toHaveLength(3)
      expect(times[1]).toBeGreaterThanOrEqual(160)
      expect(times[1]).toBeLessThanOrEqual(240)
      expect(yield* retry.remainingBudget).toBe(490)
    }).pipe(Effect.provide(layer))
  })
})
