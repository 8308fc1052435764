/**
 * The SDK's metrics, as `effect/Metric` definitions, and the recorder the client, the
 * policies, the token store and the webhook receiver report through.
 *
 * Every metric is tagged with bounded labels only: the endpoint id, an outcome (`success` or
 * the error `_tag`), a reason, a trigger. Never a token, never an `open_id`, a Msg-Id or a
 * logid (those go to spans and logs, which are per event). Effect keeps the values in its
 * metric registry; `@effect/opentelemetry` exports them (see `examples/observability.ts`),
 * `Metric.snapshot` reads them.
 *
 * | metric | kind | tags |
 * |---|---|---|
 * | `douyin.client.calls` | counter | `endpoint`, `outcome` |
 * | `douyin.client.call.duration` | histogram (s) | `endpoint`, `outcome` |
 * | `douyin.client.attempt.duration` | histogram (s) | `endpoint`, `outcome` |
 * | `douyin.client.requests.in_flight` | up-down counter | `endpoint` |
 * | `douyin.client.outcome_unknown` | counter | `endpoint` |
 * | `douyin.client.retries` | counter | `endpoint`, `reason` |
 * | `douyin.client.retry_budget.remaining` | gauge | — |
 * | `douyin.ratelimit.wait.duration` | histogram (s) | `endpoint` |
 * | `douyin.ratelimit.rejections` | counter | `endpoint` |
 * | `douyin.oauth.calls` | counter | `endpoint` (`oauth/…`), `outcome` |
 * | `douyin.oauth.call.duration` | histogram (s) | `endpoint`, `outcome` |
 * | `douyin.token.refreshes` | counter | `trigger` (`proactive` / `reactive`), `result` |
 * | `douyin.token.reauthorization_required` | gauge | — |
 * | `douyin.webhook.deliveries` | counter | `event`, `result` |
 *
 * Durations are in seconds, the unit of the OpenTelemetry HTTP semantic conventions; the unit is
 * the metric's ({@link units}), never a label. Effect's metric keys have no unit field, so the
 * exporters of this SDK (`DouyinTelemetry.layerMetrics` for OpenTelemetry, `DouyinTelemetry.prometheus`
 * for a scrape) read it from {@link units}.
 *
 * Recording is on by default; {@link layerDisabled} turns it off for every layer built on top
 * of it (the layers read {@link CurrentEnabled} once, when they are built).
 *
 * @example
 * ```ts
 * import { DouyinMetrics } from "@effect-douyin/core"
 * import { Effect, Metric } from "effect"
 *
 * // how many sends ended with an unknown outcome (duplicates may have reached people):
 * const unknownSends = Metric.value(
 *   DouyinMetrics.outcomeUnknown.pipe(Metric.tagged("endpoint", "group/SendGroupMessage"))
 * )
 * const report = Effect.map(unknownSends, (state) => state.count)
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKey from "effect/MetricKey"
import type * as MetricKeyType from "effect/MetricKeyType"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"

// Latencies of calls to Douyin, in seconds: a few ms from a nearby region up to the 30 s call
// timeout (the OpenTelemetry HTTP semantic conventions' unit for durations is the second).
const latencyBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
// Waiting for a permit: from nothing to several intervals of a busy limit.
const waitBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

// The keys of the metrics recorded on every call. The recorder tags them once per endpoint
// (and outcome) per layer: `Metric.tagged` would build and hash a new key on every update.
const callsKey = MetricKey.counter("douyin.client.calls", {
  description: "Fan-group API calls, by endpoint and outcome (success or the error _tag)",
  incremental: true
})
const requestsInFlightKey = MetricKey.counter("douyin.client.requests.in_flight", {
  description: "HTTP requests to Douyin in flight, by endpoint"
})
const outcomeUnknownKey = MetricKey.counter("douyin.client.outcome_unknown", {
  description: "Unsafe calls whose outcome is unknown (DouyinOutcomeUnknown), by endpoint",
  incremental: true
})
// A histogram of seconds. No unit label: the unit is the metric's (see `units`), not a tag
// (`Metric.timer` would tag `time_unit`, which every exporter then turns into a label).
const timerKey = (name: string, boundaries: ReadonlyArray<number>, description: string) =>
  MetricKey.histogram(name, MetricBoundaries.fromIterable(boundaries), description)
const timerOf = (key: MetricKey.MetricKey.Histogram) => Metric.mapInput(Metric.fromMetricKey(key), toSeconds)
const toSeconds = (duration: Duration.DurationInput) => Duration.toMillis(duration) / 1000
const callDurationKey = timerKey(
  "douyin.client.call.duration",
  latencyBoundaries,
  "Duration of a whole call including retries, by endpoint and outcome"
)
const attemptDurationKey = timerKey(
  "douyin.client.attempt.duration",
  latencyBoundaries,
  "Duration of one HTTP attempt, by endpoint and outcome"
)
const rateLimitWaitKey = timerKey(
  "douyin.ratelimit.wait.duration",
  waitBoundaries,
  "Time an attempt waited for a rate-limit permit, by endpoint"
)

const oauthCallsKey = MetricKey.counter("douyin.oauth.calls", {
  description: "OAuth calls (code exchange, refresh, renewal, client token), by endpoint and outcome",
  incremental: true
})
const oauthCallDurationKey = timerKey(
  "douyin.oauth.call.duration",
  latencyBoundaries,
  "Duration of one OAuth call, by endpoint and outcome"
)

/**
 * Calls by `endpoint` and `outcome` (`success`, `interrupted`, or the error `_tag`).
 *
 * @since 0.1.0
 * @category metrics
 */
export const calls = Metric.fromMetricKey(callsKey)

/**
 * Time of a whole call (all attempts, backoffs and permit waits), by `endpoint` and `outcome`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const callDuration = timerOf(callDurationKey)

/**
 * Time of one HTTP attempt (request sent to answer checked), by `endpoint` and `outcome`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const attemptDuration = timerOf(attemptDurationKey)

/**
 * HTTP requests started and not finished yet, by `endpoint` (an up-down counter, as the
 * OpenTelemetry `http.client.active_requests`; a gauge in Prometheus terms).
 *
 * @since 0.1.0
 * @category metrics
 */
export const requestsInFlight = Metric.fromMetricKey(requestsInFlightKey)

/**
 * `unsafe` calls (create, send) that ended in `DouyinOutcomeUnknown`, by `endpoint`: each may
 * have reached real people, and a blind retry could duplicate it.
 *
 * @since 0.1.0
 * @category metrics
 */
export const outcomeUnknown = Metric.fromMetricKey(outcomeUnknownKey)

/**
 * Retries started, by `endpoint` and `reason` (the `_tag` of the failed attempt).
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("douyin.client.retries", {
  description: "Retries started, by endpoint and reason (the error _tag of the failed attempt)",
  incremental: true
})

/**
 * Tokens left in the shared retry budget, after every retry and every refund.
 *
 * @since 0.1.0
 * @category metrics
 */
export const retryBudgetRemaining = Metric.gauge("douyin.client.retry_budget.remaining", {
  description: "Tokens left in the shared retry budget"
})

/**
 * Time an attempt queued for its rate-limit permit, by `endpoint` (attempts that went at once
 * are not recorded: `count` is the number of attempts that had to wait).
 *
 * @since 0.1.0
 * @category metrics
 */
export const rateLimitWait = timerOf(rateLimitWaitKey)

/**
 * Attempts refused by the rate limit (`mode: "fail"`, or a cost above a limit), by `endpoint`.
 *
 * @since 0.1.0
 * @category metrics
 */
export const rateLimitRejections = Metric.counter("douyin.ratelimit.rejections", {
  description: "Attempts refused by the rate limit (DouyinRateLimited), by endpoint",
  incremental: true
})

/**
 * OAuth calls (`oauth/AccessToken`, `oauth/RefreshToken`, `oauth/RenewRefreshToken`,
 * `oauth/ClientToken`) by `endpoint` and `outcome`, whoever made them (a refresh, an
 * authorization callback, your code).
 *
 * @since 0.4.0
 * @category metrics
 */
export const oauthCalls = Metric.fromMetricKey(oauthCallsKey)

/**
 * Time of one OAuth call, by `endpoint` and `outcome`, in seconds.
 *
 * @since 0.4.0
 * @category metrics
 */
export const oauthCallDuration = timerOf(oauthCallDurationKey)

/**
 * The unit of each of the SDK's metrics, by metric name, in the notation of the OpenTelemetry
 * semantic conventions (UCUM: `s` for seconds, `{call}` for a count of calls). Effect's metric
 * keys carry no unit, and a unit tag would become a label on every data point: the exporters
 * read it from here.
 *
 * @since 0.4.0
 * @category models
 */
export const units: Readonly<Record<string, string>> = {
  "douyin.client.calls": "{call}",
  "douyin.client.call.duration": "s",
  "douyin.client.attempt.duration": "s",
  "douyin.client.requests.in_flight": "{request}",
  "douyin.client.outcome_unknown": "{call}",
  "douyin.client.retries": "{retry}",
  "douyin.client.retry_budget.remaining": "{token}",
  "douyin.ratelimit.wait.duration": "s",
  "douyin.ratelimit.rejections": "{attempt}",
  "douyin.oauth.calls": "{call}",
  "douyin.oauth.call.duration": "s",
  "douyin.token.refreshes": "{refresh}",
  "douyin.token.reauthorization_required": "{creator}",
  "douyin.webhook.deliveries": "{delivery}"
}

/**
 * Token refreshes by `trigger` (`proactive`: before expiry; `reactive`: after an
 * expired-token code) and `result` (`success` or the error `_tag`).
 *
 * @since 0.1.0
 * @category metrics
 */
export const tokenRefreshes = Metric.counter("douyin.token.refreshes", {
  description: "OAuth token refreshes, by trigger (proactive, reactive) and result (success or the error _tag)",
  incremental: true
})

/**
 * Creators (`client_key` + `open_id`) whose authorization is lost (refresh token expired or
 * revoked): each needs the user to authorize again.
 *
 * @since 0.1.0
 * @category metrics
 */
export const reauthorizationRequired = Metric.gauge("douyin.token.reauthorization_required", {
  description: "Creators whose tokens cannot be refreshed and who must authorize again"
})

/**
 * Webhook deliveries by `event` (the event's `_tag`, `none` when the body was not read) and
 * `result` ({@link WebhookResult}).
 *
 * @since 0.1.0
 * @category metrics
 */
export const webhookDeliveries = Metric.counter("douyin.webhook.deliveries", {
  description: "Webhook deliveries, by event and result (handled, handler_failed, duplicate, challenge, bad_signature, bad_body)",
  incremental: true
})

/**
 * What happened to a webhook delivery, as counted by {@link webhookDeliveries}.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookResult = "handled" | "handler_failed" | "duplicate" | "challenge" | "bad_signature" | "bad_body"

/**
 * Why a token was refreshed.
 *
 * @since 0.1.0
 * @category models
 */
export type RefreshTrigger = "proactive" | "reactive"

/**
 * One call's metrics, told by the client as the call goes. Every attempt that starts ends
 * once: by {@link CallMeter.attemptEnded}, or with the call when it is cut (interrupted).
 *
 * @since 0.3.0
 * @category models
 */
export interface CallMeter {
  /** An HTTP attempt starts (requests in flight +1). */
  readonly attemptStarted: () => void
  /** The attempt ended: `success`, or the `_tag` of its error. */
  readonly attemptEnded: (outcome: string) => void
  /** The call ended with `exit`; an attempt still open ends with it. */
  readonly callEnded: (exit: Exit.Exit<unknown, { readonly _tag: string }>) => void
}

/**
 * The calls the SDK's layers record through. Obtain it with {@link recorder} when a layer is
 * built; when metrics are disabled every method leaves its effect as it is.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorder {
  /**
   * The meter of one call of `endpoint`, made when the call starts on `fiber` (its clock and
   * metric labels): calls, call duration, unknown outcomes, attempt duration, requests in
   * flight. It records synchronously, with no effect of its own around the call.
   */
  readonly meter: (endpoint: string, fiber: Fiber.RuntimeFiber<unknown, unknown>) => CallMeter
  /** A retry of `endpoint` starts after a failure with this `_tag`. */
  readonly retry: (endpoint: string, reason: string) => Effect.Effect<void>
  /** The shared retry budget now holds `remaining` tokens. */
  readonly retryBudget: (remaining: number) => Effect.Effect<void>
  /** Around taking a rate-limit permit: how long it waited, when it was granted. */
  readonly permitWait: <A, E, R>(endpoint: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The rate limit refused an attempt of `endpoint` (`DouyinRateLimited`). */
  readonly rateLimited: (endpoint: string) => Effect.Effect<void>
  /** Around one OAuth call of `endpoint`: its outcome and duration (`douyin.oauth.*`). */
  readonly oauthCall: <A, E extends { readonly _tag: string }, R>(
    endpoint: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  /** Around one token refresh: its trigger and result. */
  readonly tokenRefresh: <A, E extends { readonly _tag: string }, R>(
    trigger: RefreshTrigger,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  /**
   * Sets the re-authorization gauge to the number of creators `needing` lists (the store's
   * `needingReauthorization`: the truth across instances). A failed listing keeps the last value.
   */
  readonly reauthorizations: <E, R>(needing: Effect.Effect<ReadonlyArray<unknown>, E, R>) => Effect.Effect<void, never, R>
  /** A webhook delivery ended with `result`. */
  readonly webhookDelivery: (event: string, result: WebhookResult) => Effect.Effect<void>
}

/**
 * Whether the SDK's layers record metrics (default `true`). Read once when a layer is built.
 *
 * @since 0.1.0
 * @category references
 */
export class CurrentEnabled extends Context.Reference<CurrentEnabled>()("@effect-douyin/core/DouyinMetrics/CurrentEnabled", {
  defaultValue: () => true
}) {}

/**
 * Turns metric recording off for every layer built on top of this one (for example when
 * another instrumentation counts the calls already).
 *
 * @example
 * ```ts
 * import { DouyinMetrics } from "@effect-douyin/core"
 * import { Layer } from "effect"
 * const Live = Layer.empty // your application layer
 * const Quiet = Live.pipe(Layer.provide(DouyinMetrics.layerDisabled))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<CurrentEnabled> = Layer.succeed(CurrentEnabled, false)

/**
 * The `outcome` tag of an exit: `success`, `interrupted`, or the error's `_tag`.
 *
 * @since 0.1.0
 * @category tags
 */
export const outcomeOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) return failure.value._tag
  return Cause.isInterruptedOnly(exit.cause) ? "interrupted" : "defect"
}

/**
 * Runs `effect` and hands its exit and elapsed time (on the fiber's `Clock`) to `record`,
 * with the fiber's metric labels (`Effect.tagMetrics`). `record` updates the metrics
 * synchronously (`Metric.unsafeUpdate`, what `Metric.update` does inside an effect): one
 * effect per recording, not one per metric and clock read.
 */
const timed = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  record: (exit: Exit.Exit<A, E>, elapsed: Duration.Duration, labels: ReadonlyArray<MetricLabel.MetricLabel>) => void
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime((fiber) => {
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const start = clock.unsafeCurrentTimeNanos()
    return Effect.onExit(effect, (exit) =>
      Effect.sync(() =>
        record(exit, Duration.nanos(clock.unsafeCurrentTimeNanos() - start), fiber.getFiberRef(FiberRef.currentMetricLabels))
      ))
  })

/** Seconds (with their fraction) from `start`, in the clock's nanoseconds, to now. */
const secondsSince = (clock: Clock.Clock, start: bigint) => Number(clock.unsafeCurrentTimeNanos() - start) / 1_000_000_000

const byEndpoint = <T, I, O>(metric: Metric.Metric<T, I, O>, endpoint: string) => Metric.tagged(metric, "endpoint", endpoint)

/** `f` of each key, computed once (keys: endpoint ids and outcome tags, a bounded set). */
const memo = <A>(f: (key: string) => A) => {
  const cache = new Map<string, A>()
  return (key: string): A => {
    let value = cache.get(key)
    if (value === undefined) cache.set(key, value = f(key))
    return value
  }
}

/** `key` tagged in the order `Metric.tagged` chains put the tags, as one metric. */
const taggedKey = <T extends MetricKeyType.MetricKeyType<any, any>>(
  key: MetricKey.MetricKey<T>,
  tags: ReadonlyArray<readonly [string, string]>
) => MetricKey.taggedWithLabels(key, tags.map(([k, v]) => MetricLabel.make(k, v)))

/** Tagged metrics for one endpoint, built once per endpoint (and outcome) per recorder. */
const endpointMetrics = (endpoint: string) => {
  const e = ["endpoint", endpoint] as const
  return {
    calls: memo((outcome) => Metric.fromMetricKey(taggedKey(callsKey, [e, ["outcome", outcome]]))),
    // The meter's timers take seconds (the histograms' unit): no `Duration` per recording.
    callSeconds: memo((outcome) => Metric.fromMetricKey(taggedKey(callDurationKey, [e, ["outcome", outcome]]))),
    attemptSeconds: memo((outcome) => Metric.fromMetricKey(taggedKey(attemptDurationKey, [e, ["outcome", outcome]]))),
    inFlight: Metric.fromMetricKey(taggedKey(requestsInFlightKey, [e])),
    outcomeUnknown: Metric.fromMetricKey(taggedKey(outcomeUnknownKey, [e])),
    rateLimitWait: timerOf(taggedKey(rateLimitWaitKey, [e]))
  }
}

/** Tagged OAuth metrics for one endpoint, built once per endpoint and outcome per recorder. */
const oauthMetrics = (endpoint: string) => {
  const e = ["endpoint", endpoint] as const
  return {
    calls: memo((outcome) => Metric.fromMetricKey(taggedKey(oauthCallsKey, [e, ["outcome", outcome]]))),
    seconds: memo((outcome) => Metric.fromMetricKey(taggedKey(oauthCallDurationKey, [e, ["outcome", outcome]])))
  }
}

/**
 * One call's meter: a single object per call whose methods update the endpoint's tagged
 * metrics in place (resolved once per layer), with no closure or effect per recording.
 */
class LiveMeter implements CallMeter {
  private readonly callStart: bigint
  private attemptStart: bigint | undefined = undefined

  constructor(
    private readonly metrics: ReturnType<typeof endpointMetrics>,
    private readonly clock: Clock.Clock,
    private readonly labels: ReadonlyArray<MetricLabel.MetricLabel>
  ) {
    this.callStart = clock.unsafeCurrentTimeNanos()
  }

  attemptStarted(): void {
    this.attemptStart = this.clock.unsafeCurrentTimeNanos()
    this.metrics.inFlight.unsafeUpdate(1, this.labels)
  }

  attemptEnded(outcome: string): void {
    if (this.attemptStart === undefined) return
    this.metrics.inFlight.unsafeUpdate(-1, this.labels)
    this.metrics.attemptSeconds(outcome).unsafeUpdate(secondsSince(this.clock, this.attemptStart), this.labels)
    this.attemptStart = undefined
  }

  callEnded(exit: Exit.Exit<unknown, { readonly _tag: string }>): void {
    const outcome = outcomeOf(exit)
    this.attemptEnded(outcome)
    this.metrics.calls(outcome).unsafeUpdate(1, this.labels)
    this.metrics.callSeconds(outcome).unsafeUpdate(secondsSince(this.clock, this.callStart), this.labels)
    if (outcome === "DouyinOutcomeUnknown") this.metrics.outcomeUnknown.unsafeUpdate(1, this.labels)
  }
}

const makeLive = (): Recorder => {
  const of = memo(endpointMetrics)
  const ofOAuth = memo(oauthMetrics)
  return {
    meter: (endpoint, fiber) =>
      new LiveMeter(
        of(endpoint),
        Context.get(fiber.currentDefaultServices, Clock.Clock),
        fiber.getFiberRef(FiberRef.currentMetricLabels)
      ),
    retry: (endpoint, reason) => Metric.increment(Metric.tagged(byEndpoint(retries, endpoint), "reason", reason)),
    retryBudget: (remaining) => Metric.set(retryBudgetRemaining, remaining),
    permitWait: (endpoint, effect) => {
      const wait = of(endpoint).rateLimitWait
      return timed(effect, (exit, elapsed, labels) => {
        if (Exit.isSuccess(exit)) wait.unsafeUpdate(elapsed, labels)
      })
    },
    rateLimited: (endpoint) => Metric.increment(byEndpoint(rateLimitRejections, endpoint)),
    oauthCall: (endpoint, effect) => {
      const metrics = ofOAuth(endpoint)
      return timed(effect, (exit, elapsed, labels) => {
        const outcome = outcomeOf(exit)
        metrics.calls(outcome).unsafeUpdate(1, labels)
        metrics.seconds(outcome).unsafeUpdate(Duration.toMillis(elapsed) / 1000, labels)
      })
    },
    tokenRefresh: (trigger, effect) =>
      Effect.onExit(
        effect,
        (exit) => Metric.increment(Metric.tagged(Metric.tagged(tokenRefreshes, "trigger", trigger), "result", outcomeOf(exit)))
      ),
    reauthorizations: (needing) =>
      Effect.ignore(Effect.flatMap(needing, (creators) => Metric.set(reauthorizationRequired, creators.length))),
    webhookDelivery: (event, result) => Metric.increment(Metric.tagged(Metric.tagged(webhookDeliveries, "event", event), "result", result))
  }
}

const noMeter: CallMeter = { attemptStarted: () => {}, attemptEnded: () => {}, callEnded: () => {} }

const noop: Recorder = {
  meter: () => noMeter,
  retry: () => Effect.void,
  retryBudget: () => Effect.void,
  permitWait: (_, effect) => effect,
  rateLimited: () => Effect.void,
  oauthCall: (_, effect) => effect,
  tokenRefresh: (_, effect) => effect,
  reauthorizations: () => Effect.void,
  webhookDelivery: () => Effect.void
}

/**
 * The recorder for a layer being built: a live one of its own (its tagged metrics built once
 * per endpoint and outcome, then reused by every call), or one that records nothing when
 * {@link layerDisabled} is provided.
 *
 * @since 0.1.0
 * @category constructors
 */
export const recorder: Effect.Effect<Recorder> = Effect.map(CurrentEnabled, (enabled) => (enabled ? makeLive() : noop))
