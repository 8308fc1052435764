import { AccessToken, DouyinClient, DouyinConfig, DouyinMetrics, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import {
  CreateFanGroup,
  FanGroupApi,
  FanGroupQuota,
  MessageContent,
  SendGroupMessage,
  WebhookConfig,
  WebhookDedupe,
  WebhookHandler,
  WebhookSignature
} from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Logger, LogLevel, Metric, Redacted, TestClock } from "effect"
import { textMessage, verifyVector } from "../packages/group/test/fixtures/webhookSamples.js"

// One test per metric: a scripted sequence on the in-process sandbox (fault knobs), then the
// metric's value. Effect keeps metric values in one registry per process, so every test runs
// under its own `test_case` label (`Effect.tagMetrics`): its updates and its reads carry the
// label, and no test sees another's values. Time is the TestClock: durations are exact.

const openId = "creator-metrics"
const send = "group/SendGroupMessage"
const create = "group/CreateFanGroup"
const quota = "group/FanGroupQuota"

/** Runs `effect` with a label of its own on every metric it updates or reads. */
const isolated = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.tagMetrics(effect, "test_case", crypto.randomUUID())

/** A metric with its tags in the order the recorder applies them. */
const tagged = <T, I, O>(metric: Metric.Metric<T, I, O>, ...tags: ReadonlyArray<readonly [string, string]>) =>
  tags.reduce((m, [key, value]) => Metric.tagged(m, key, value), metric)

const counter = (metric: Metric.Metric.Counter<number>, ...tags: ReadonlyArray<readonly [string, string]>) =>
  Effect.map(Metric.value(tagged(metric, ...tags)), (state) => state.count)

const histogram = (metric: typeof DouyinMetrics.callDuration, ...tags: ReadonlyArray<readonly [string, string]>) =>
  Effect.map(Metric.value(tagged(metric, ...tags)), ({ count, max, min, sum }) => ({ count, sum, min, max }))

const stack = (options: {
  readonly retry?: Retry.Options | undefined
  readonly rateLimit?: RateLimit.Options | undefined
} = {}) =>
  FanGroupApi.layer.pipe(
    Layer.provide(DouyinClient.layer),
    Layer.provide(Retry.layer({ base: "100 millis", jitter: false, ...options.retry })),
    Layer.provide(options.rateLimit === undefined ? RateLimit.layerDisabled : RateLimit.layer(options.rateLimit)),
    Layer.provide(AccessToken.layerStatic(Redacted.make(FanGroupSandbox.defaultToken))),
    Layer.provide(DouyinConfig.layer()),
    // One static token for every creator: the sandbox's lenient mode, said out loud.
    Layer.provide(FanGroupSandbox.layerHttpClient),
    Layer.provideMerge(FanGroupSandbox.layer({ lenient: true }))
  )

const newGroup = Effect.map(
  CreateFanGroup.create({
    openId,
    groupName: "Metrics",
    description: "metrics test",
    avatarUri: "https://example.com/a.png",
    groupType: "streamer",
    openAuditSwitch: false
  }),
  ({ groupId }) => groupId
)

const sendText = (groupId: string) => SendGroupMessage.send({ openId, groupId, content: MessageContent.text("hi") })

/** Runs `effect` in a fiber and moves the TestClock until it is done (backoffs, latency faults). */
const withTime = <A, E, R>(effect: Effect.Effect<A, E, R>, millis: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(`${millis} millis`)
    return yield* Fiber.join(fiber)
  })

const busyTwiceOnSend = Effect.flatMap(
  FanGroupSandbox.FanGroupSandbox,
  (sandbox) => sandbox.inject(FanGroupSandbox.busy({ times: 2, route: "POST /im/send/msg/group/" }))
)

describe("DouyinMetrics: one test per metric, on the sandbox", () => {
  it.effect("calls and retries: 2 busy answers then success → retries{reason=DouyinBusyError} = 2, calls{outcome=success} = 1", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 1000)
      expect(yield* counter(DouyinMetrics.retries, ["endpoint", send], ["reason", "DouyinBusyError"])).toBe(2)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "success"])).toBe(1)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "DouyinBusyError"])).toBe(0)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", create], ["outcome", "success"])).toBe(1)
      expect(yield* counter(DouyinMetrics.retries, ["endpoint", create], ["reason", "DouyinBusyError"])).toBe(0)
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("calls by error _tag: busy beyond max attempts → calls{outcome=DouyinBusyError} = 1, retries = 2", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.inject(FanGroupSandbox.busy({ times: 3, route: "POST /im/send/msg/group/" }))
      const error = yield* withTime(Effect.flip(sendText(groupId)), 1000)
      expect(error._tag).toBe("DouyinBusyError")
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "DouyinBusyError"])).toBe(1)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "success"])).toBe(0)
      expect(yield* counter(DouyinMetrics.retries, ["endpoint", send], ["reason", "DouyinBusyError"])).toBe(2)
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("call duration: backoffs of 100 ms and 200 ms → call.duration{success} count 1, sum 300 ms", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 1000)
      expect(yield* histogram(DouyinMetrics.callDuration, ["endpoint", send], ["outcome", "success"])).toEqual({
        count: 1,
        sum: 0.3,
        min: 0.3,
        max: 0.3
      })
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("attempt duration: 2 busy attempts and 1 success, each 250 ms late → per-outcome counts 2 and 1, sums 500 and 250", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.inject(FanGroupSandbox.latency("250 millis", { route: "POST /im/send/msg/group/" }))
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 5000)
      expect(yield* histogram(DouyinMetrics.attemptDuration, ["endpoint", send], ["outcome", "DouyinBusyError"])).toEqual({
        count: 2,
        sum: 0.5,
        min: 0.25,
        max: 0.25
      })
      expect(yield* histogram(DouyinMetrics.attemptDuration, ["endpoint", send], ["outcome", "success"])).toEqual({
        count: 1,
        sum: 0.25,
        min: 0.25,
        max: 0.25
      })
    }).pipe(Effect.provide(stack()), isolated))

  /** 3 reads the sandbox holds 1 s, 500 ms in: all 3 in flight. */
  const threeHeldReads = Effect.gen(function*() {
    const sandbox = yield* FanGroupSandbox.FanGroupSandbox
    yield* sandbox.inject(FanGroupSandbox.latency("1 second", { route: "GET /im/group/count/" }))
    const fibers = yield* Effect.forkAll([1, 2, 3].map(() => FanGroupQuota.remaining({ openId })))
    yield* TestClock.adjust("500 millis")
    expect(yield* counter(DouyinMetrics.requestsInFlight, ["endpoint", quota])).toBe(3)
    return fibers
  })

  it.effect("requests in flight: 3 reads held 1 s by the sandbox → 3 while they wait, 0 after", () =>
    Effect.gen(function*() {
      const fibers = yield* threeHeldReads
      yield* TestClock.adjust("600 millis")
      yield* Fiber.join(fibers)
      expect(yield* counter(DouyinMetrics.requestsInFlight, ["endpoint", quota])).toBe(0)
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("interrupted in flight: 3 reads held 1 s, interrupted at 500 ms → in flight 0, each attempt and call counted as interrupted", () =>
    Effect.gen(function*() {
      const fibers = yield* threeHeldReads
      yield* Fiber.interrupt(fibers)
      expect(yield* counter(DouyinMetrics.requestsInFlight, ["endpoint", quota])).toBe(0)
      expect(yield* histogram(DouyinMetrics.attemptDuration, ["endpoint", quota], ["outcome", "interrupted"])).toEqual({
        count: 3,
        sum: 1.5,
        min: 0.5,
        max: 0.5
      })
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", quota], ["outcome", "interrupted"])).toBe(3)
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("outcome unknown: the sandbox drops the send after executing it → outcome_unknown = 1, not retried", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "POST /im/send/msg/group/" }))
      const error = yield* Effect.flip(sendText(groupId))
      expect(error._tag).toBe("DouyinOutcomeUnknown")
      expect(yield* counter(DouyinMetrics.outcomeUnknown, ["endpoint", send])).toBe(1)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "DouyinOutcomeUnknown"])).toBe(1)
      expect(yield* counter(DouyinMetrics.retries, ["endpoint", send], ["reason", "DouyinTransportError"])).toBe(0)
      expect(yield* counter(DouyinMetrics.outcomeUnknown, ["endpoint", create])).toBe(0)
    }).pipe(Effect.provide(stack()), isolated))

  it.effect("retry budget remaining: capacity 20; a success at capacity → 20; 2 retries of 5 and a success refunding 1 → 11; one more success → 12", () =>
    Effect.gen(function*() {
      expect((yield* Metric.value(DouyinMetrics.retryBudgetRemaining)).value).toBe(20)
      const groupId = yield* newGroup // success: refund up to the capacity, still 20
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 1000) // 20 - 5 - 5 + 1
      expect((yield* Metric.value(DouyinMetrics.retryBudgetRemaining)).value).toBe(11)
      yield* sendText(groupId)
      expect((yield* Metric.value(DouyinMetrics.retryBudgetRemaining)).value).toBe(12)
    }).pipe(
      Effect.provide(stack({ retry: { budget: { capacity: 20, retryCost: 5, successRefund: 1 } } })),
      isolated
    ))

  it.effect("rate-limit wait: 1 per second, 3 reads at once → 2 waited, 1000 ms and 2000 ms", () =>
    Effect.gen(function*() {
      const fibers = yield* Effect.forkAll([1, 2, 3].map(() => FanGroupQuota.remaining({ openId })))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fibers)
      expect(yield* histogram(DouyinMetrics.rateLimitWait, ["endpoint", quota])).toEqual({
        count: 2,
        sum: 3,
        min: 1,
        max: 2
      })
      expect(yield* counter(DouyinMetrics.rateLimitRejections, ["endpoint", quota])).toBe(0)
    }).pipe(Effect.provide(stack({ rateLimit: { global: { limit: 1, interval: "1 second" } } })), isolated))

  it.effect("rate-limit rejections in fail mode: 1 per second, 3 reads in a row → 2 rejections, calls{DouyinRateLimited} = 2", () =>
    Effect.gen(function*() {
      yield* FanGroupQuota.remaining({ openId })
      const errors = yield* Effect.all([1, 2].map(() => Effect.flip(FanGroupQuota.remaining({ openId }))))
      expect(errors.map((e) => e._tag)).toEqual(["DouyinRateLimited", "DouyinRateLimited"])
      expect(yield* counter(DouyinMetrics.rateLimitRejections, ["endpoint", quota])).toBe(2)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", quota], ["outcome", "DouyinRateLimited"])).toBe(2)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", quota], ["outcome", "success"])).toBe(1)
      expect((yield* histogram(DouyinMetrics.rateLimitWait, ["endpoint", quota])).count).toBe(0)
    }).pipe(Effect.provide(stack({ rateLimit: { global: { limit: 1, interval: "1 second" }, mode: "fail" } })), isolated))

  it.effect("layerDisabled: the same sequence records nothing", () =>
    Effect.gen(function*() {
      const groupId = yield* newGroup
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 1000)
      expect(yield* counter(DouyinMetrics.calls, ["endpoint", send], ["outcome", "success"])).toBe(0)
      expect(yield* counter(DouyinMetrics.retries, ["endpoint", send], ["reason", "DouyinBusyError"])).toBe(0)
      expect((yield* histogram(DouyinMetrics.attemptDuration, ["endpoint", send], ["outcome", "success"])).count).toBe(0)
    }).pipe(Effect.provide(stack().pipe(Layer.provide(DouyinMetrics.layerDisabled))), isolated))
})

describe("DouyinMetrics: token refreshes and creators needing re-authorization", () => {
  const clientKey = "ck-metrics"
  const tokenStack = FanGroupApi.layer.pipe(
    Layer.provide(DouyinClient.layer),
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(AccessToken.layerStore({ refreshBefore: "5 minutes" })),
    Layer.provideMerge(TokenStore.layerMemory()),
    Layer.provideMerge(OAuth.layer({ clientKey, clientSecret: Redacted.make("cs-metrics-secret") })),
    Layer.provide(DouyinConfig.layer()),
    Layer.provide(FanGroupSandbox.layerHttpClient),
    Layer.provideMerge(FanGroupSandbox.layer({ clientKey, clientSecret: Redacted.make("cs-metrics-secret") }))
  )
  const refreshes = (trigger: DouyinMetrics.RefreshTrigger, result: string) =>
    counter(DouyinMetrics.tokenRefreshes, ["trigger", trigger], ["result", result])
  const authorized = (who: string) =>
    Effect.flatMap(
      FanGroupSandbox.FanGroupSandbox,
      (sandbox) => Effect.flatMap(sandbox.authorize({ openId: who }), (code) => TokenStore.authorize(code))
    )

  it.effect("reactive after an expired-token code, proactive inside refreshBefore, a failed one by its _tag", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* authorized(openId)
      yield* FanGroupQuota.remaining({ openId })
      expect(yield* refreshes("reactive", "success")).toBe(0)

      yield* sandbox.expireTokens(openId) // Douyin answers 2190008: one refresh, one retry
      yield* FanGroupQuota.remaining({ openId })
      expect(yield* refreshes("reactive", "success")).toBe(1)
      expect(yield* refreshes("proactive", "success")).toBe(0)

      yield* TestClock.adjust("14 days") // 15-day tokens: next get is 1 day before expiry
      yield* TestClock.adjust("23 hours")
      yield* TestClock.adjust("58 minutes")
      yield* FanGroupQuota.remaining({ openId })
      expect(yield* refreshes("proactive", "success")).toBe(1)
      expect(yield* refreshes("reactive", "success")).toBe(1)

      yield* sandbox.inject(FanGroupSandbox.busy({ route: "/oauth/refresh_token/" }))
      yield* sandbox.expireTokens(openId)
      const error = yield* Effect.flip(FanGroupQuota.remaining({ openId }))
      expect(error._tag).toBe("DouyinBusyError")
      expect(yield* refreshes("reactive", "DouyinBusyError")).toBe(1)
      expect(yield* refreshes("reactive", "success")).toBe(1)
    }).pipe(Effect.provide(tokenStack), isolated))

  it.effect("re-authorization gauge: two creators' refresh tokens expire → 2; one authorizes again → 1", () =>
    Effect.gen(function*() {
      yield* authorized("creator-a")
      yield* authorized("creator-b")
      expect((yield* Metric.value(DouyinMetrics.reauthorizationRequired)).value).toBe(0)
      yield* TestClock.adjust("31 days") // past the 30-day refresh tokens
      const error = yield* Effect.flip(FanGroupQuota.remaining({ openId: "creator-a" }))
      expect(error._tag).toBe("DouyinAuthError")
      expect((yield* Metric.value(DouyinMetrics.reauthorizationRequired)).value).toBe(2)
      expect(yield* TokenStore.needingReauthorization(clientKey)).toHaveLength(2)
      yield* authorized("creator-a")
      expect((yield* Metric.value(DouyinMetrics.reauthorizationRequired)).value).toBe(1)
      yield* FanGroupQuota.remaining({ openId: "creator-a" })
    }).pipe(Effect.provide(tokenStack), isolated))
})

describe("DouyinMetrics: webhook deliveries by event and result", () => {
  const secret = Redacted.make("webhook-metrics-secret")
  const encoder = new TextEncoder()
  const signed = (body: string, headers: Record<string, string> = {}): WebhookHandler.RawDelivery => ({
    body: encoder.encode(body),
    headers: { [WebhookSignature.headerName]: WebhookSignature.sign(secret, body), ...headers }
  })
  const deliveries = (event: string, result: DouyinMetrics.WebhookResult) =>
    counter(DouyinMetrics.webhookDeliveries, ["event", event], ["result", result])

  it.scoped("handled ×2 (m-1, m-2), duplicate ×3 (m-1 again three times), bad signature ×1, bad body ×1, challenge ×1", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookHandler.make({ GroupMessageReceived: () => Effect.void })
      const message = signed(textMessage("hello"), { "msg-id": "m-1" })
      for (let i = 0; i < 3; i++) yield* receiver.handle(message)
      yield* receiver.handle(signed(textMessage("again"), { "msg-id": "m-2" }))
      yield* receiver.handle(signed(textMessage("hello"), { "msg-id": "m-1" }))
      yield* receiver.handle({ body: encoder.encode(textMessage("forged")), headers: { [WebhookSignature.headerName]: "00" } })
      yield* receiver.handle(signed("{not json"))
      yield* receiver.handle(signed(verifyVector.body.replace("12345", "1")))
      yield* receiver.awaitIdle

      expect(yield* deliveries("GroupMessageReceived", "handled")).toBe(2)
      expect(yield* deliveries("GroupMessageReceived", "duplicate")).toBe(3)
      expect(yield* deliveries("none", "bad_signature")).toBe(1)
      expect(yield* deliveries("none", "bad_body")).toBe(1)
      expect(yield* deliveries("VerifyWebhook", "challenge")).toBe(1)
    }).pipe(
      Effect.provide(Layer.merge(WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer)),
      isolated
    ))
})

describe("one log line per failed call", () => {
  const capture = (lines: Array<{ level: string; text: string; annotations: Record<string, unknown> }>) =>
    Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ annotations, logLevel, message }) => {
        const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
        const fields: Record<string, unknown> = {}
        for (const [key, value] of annotations) fields[key] = value
        lines.push({ level: logLevel.label, text, annotations: fields })
      })
    )

  it.effect("outcome unknown → WARN with endpoint and client request id; busy after retries → INFO with code and logid; retried busy → DEBUG; never the token", () => {
    const lines: Array<{ level: string; text: string; annotations: Record<string, unknown> }> = []
    return Effect.gen(function*() {
      const groupId = yield* newGroup
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* busyTwiceOnSend
      yield* withTime(sendText(groupId), 1000)
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "POST /im/send/msg/group/" }))
      const unknown = yield* Effect.flip(sendText(groupId))
      yield* sandbox.inject(FanGroupSandbox.busy({ times: 3, route: "POST /im/send/msg/group/" }))
      const busy = yield* withTime(Effect.flip(sendText(groupId)), 1000)
      expect(unknown._tag).toBe("DouyinOutcomeUnknown")
      expect(busy._tag).toBe("DouyinBusyError")

      const failed = lines.filter((l) => l.text.startsWith("douyin call failed"))
      expect(failed.map((l) => [l.level, l.annotations["error.type"]])).toEqual([
        ["WARN", "DouyinOutcomeUnknown"],
        ["INFO", "DouyinBusyError"]
      ])
      const [unknownLine, busyLine] = failed
      expect(unknownLine.annotations["douyin.endpoint"]).toBe(send)
      expect(unknownLine.annotations["douyin.client_request_id"]).toBe(
        unknown._tag === "DouyinOutcomeUnknown" ? unknown.clientRequestId : "?"
      )
      expect(busyLine.annotations["douyin.code"]).toBe(2100004)
      expect(typeof busyLine.annotations["douyin.logid"]).toBe("string")
      expect(busyLine.text).toContain(String(busyLine.annotations["douyin.logid"]))
      expect(typeof busyLine.annotations["douyin.client_request_id"]).toBe("string")

      const retried = lines.filter((l) => l.text.startsWith("douyin attempt failed, retrying"))
      expect(retried).toHaveLength(4) // 2 before the success, 2 before the final busy
      for (const line of retried) {
        expect(line.level).toBe("DEBUG")
        expect(line.annotations["douyin.code"]).toBe(2100004)
        expect(line.annotations["douyin.endpoint"]).toBe(send)
        expect(typeof line.annotations["douyin.logid"]).toBe("string")
      }
      expect(JSON.stringify(lines)).not.toContain(FanGroupSandbox.defaultToken)
    }).pipe(
      Effect.provide(stack()),
      Effect.provide(capture(lines)),
      Logger.withMinimumLogLevel(LogLevel.Debug),
      isolated
    )
  })
})
