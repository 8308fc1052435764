/**
 * The rate-limit policy (docs/reliability.md#rate-limiting), provided *into* `DouyinClient.layer`, which
 * requires it ({@link layerDisabled} is the explicit "no limit"). It wraps
 * every HTTP attempt, retries included: take a place among the requests in flight, take a
 * permit from every limit that applies, then send.
 *
 * - limits: `global` (the whole app), `perOpenId` (each operator), `perEndpoint` (each endpoint
 *   id; `endpoints` sets one for a named endpoint). Each means: at most `limit` requests reach
 *   the wire in *any* window of `interval` (a sliding window, not only on average), measured
 *   where they are handed to the `HttpClient` and where they arrive at the server. A permit is
 *   held until its attempt ends (only the response proves the request has arrived) and frees
 *   one interval later, so under a binding limit the realized rate is
 *   `limit × interval / (interval + latency)`. A permit costs O(1) amortized.
 * - `maxConcurrent`: at most this many requests in flight (a fair semaphore; a rate limit
 *   alone bounds starts, not concurrency).
 * - `mode`: `"wait"` (default) queues the call until it may go (bounded by the call timeout);
 *   `"fail"` fails at once with `DouyinRateLimited { retryAfterMillis }`, and nothing is sent.
 * - A cost above a limit can never be served: it fails at once in both modes.
 * - A key (`open_id`, endpoint) idle for `idleTimeToLive` (at least its interval) is dropped,
 *   so memory stays bounded however many operators pass through.
 *
 * Douyin publishes no QPS figures for these endpoints; {@link layerDefault} is conservative.
 *
 * @example
 * ```ts
 * import { DouyinClient, RateLimit, Retry } from "@effect-douyin/core"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layerDefault),
 *   Layer.provide(RateLimit.layer({
 *     global: { limit: 50, interval: "1 second" },
 *     perOpenId: { limit: 10, interval: "1 second" },
 *     maxConcurrent: 32
 *   }))
 * )
 * // per call: program.pipe(RateLimit.with({ mode: "fail" }))
 * ```
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Function from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as ConfigCheck from "./ConfigCheck.js"
// The call model, types only: the client requires this module's tag, not the other way round.
import type * as Call from "./Call.js"
import type { DouyinStoreError } from "./DouyinError.js"
import { DouyinInvalidInput, DouyinRateLimited } from "./DouyinError.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as CallSpan from "./internal/callSpan.js"
import * as Fifo from "./internal/fifo.js"
import { KeyedWindows } from "./internal/keyedWindows.js"
import * as Window from "./internal/window.js"

/**
 * At most `limit` request starts (or cost units) in any window of `interval`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limit {
  readonly limit: number
  readonly interval: Duration.DurationInput
}

/**
 * `"wait"`: queue until a permit is free. `"fail"`: fail at once with `DouyinRateLimited`.
 *
 * @since 0.1.0
 * @category models
 */
export type Mode = "wait" | "fail"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** One limit for every call of the client. */
  readonly global?: Limit | undefined
  /**
   * One limit per operator (`open_id`). The calls made with the app's client token (media
   * uploads, lead cards, card templates: no `open_id`) act for the app itself and share one
   * such window between them.
   */
  readonly perOpenId?: Limit | undefined
  /** One limit per endpoint id (e.g. `group/SendGroupMessage`). */
  readonly perEndpoint?: Limit | undefined
  /** Limits for named endpoints, in place of `perEndpoint`. */
  readonly endpoints?: Readonly<Record<string, Limit>> | undefined
  /** Most requests in flight at once. */
  readonly maxConcurrent?: number | undefined
  /** Default `"wait"`. */
  readonly mode?: Mode | undefined
  /** How long an idle `open_id` or endpoint key is kept (at least its interval). Default `1 minute`. */
  readonly idleTimeToLive?: Duration.DurationInput | undefined
}

/**
 * A per-call override (see {@link with}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Override {
  readonly mode?: Mode | undefined
  /** Units each attempt takes from every limit: a finite number above 0. Default `1`. */
  readonly cost?: number | undefined
}

/**
 * Which limiter keys are held now (idle ones are evicted).
 *
 * @since 0.1.0
 * @category models
 */
export interface TrackedKeys {
  readonly openIds: ReadonlyArray<string>
  readonly endpoints: ReadonlyArray<string>
}

/**
 * What a permit is taken for.
 *
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly endpoint: string
  readonly openId: string
  /**
   * The call's span, when a call of the client takes the permit: a wait for the permit adds
   * to its `douyin.ratelimit.wait.duration` attribute (seconds) and records a
   * `douyin.ratelimit.wait` event, on every backend and whatever `HttpClient` sends.
   */
  readonly span?: Tracer.Span | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly options: Options
  /**
   * Runs `effect` under the limits of `key`: a place in flight, then a permit of every
   * limit (waiting or failing per the mode), then `effect`. Fails with `DouyinRateLimited`
   * when refused, or `DouyinStoreError` when a shared store (Redis) cannot be reached;
   * `effect` then never runs.
   */
  readonly withPermit: <A, E, R>(
    key: Key,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | DouyinRateLimited | DouyinStoreError, R>
  readonly trackedKeys: Effect.Effect<TrackedKeys>
  /** The function the client wraps every attempt in. */
  readonly policy: Call.AttemptPolicy
}

/**
 * The rate-limit policy a client was built with.
 *
 * @since 0.1.0
 * @category tags
 */
export class RateLimit extends Context.Tag("@effect-douyin/core/RateLimit")<RateLimit, Service>() {}

/**
 * The per-call override, read by the policy on every attempt (see {@link with}).
 *
 * @since 0.1.0
 * @category references
 */
export class CurrentOverride extends Context.Reference<CurrentOverride>()(
  "@effect-douyin/core/RateLimit/CurrentOverride",
  { defaultValue: (): Override => ({}) }
) {}

/**
 * The documented defaults of {@link layerDefault}: 50 requests per second for the app,
 * 10 per second per `open_id`, 32 in flight, mode `"wait"`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Options = {
  global: { limit: 50, interval: "1 second" },
  perOpenId: { limit: 10, interval: "1 second" },
  maxConcurrent: 32,
  mode: "wait"
}

const describe = (scope: string, limit: Limit) => `${scope} ${limit.limit} per ${Duration.format(Duration.decode(limit.interval))}`

const checkLimit = (name: string, limit: Limit | undefined): Effect.Effect<void, ConfigError.ConfigError> =>
  limit === undefined ? Effect.void : Effect.zipRight(
    ConfigCheck.option(`${name}.limit`, ConfigCheck.positiveInteger, limit.limit),
    ConfigCheck.option(`${name}.interval`, ConfigCheck.positiveDuration, limit.interval)
  )

/**
 * Checks the options (shared with `RateLimitRedis`): every limit a whole number above 0 per a
 * positive interval, `maxConcurrent` a whole number above 0, `idleTimeToLive` positive. A bad
 * value is a `ConfigError` naming the option, e.g. `global.limit`.
 */
const validate = (options: Options): Effect.Effect<void, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    yield* checkLimit("global", options.global)
    yield* checkLimit("perOpenId", options.perOpenId)
    yield* checkLimit("perEndpoint", options.perEndpoint)
    for (const [id, limit] of Object.entries(options.endpoints ?? {})) yield* checkLimit(`endpoints.${id}`, limit)
    if (options.maxConcurrent !== undefined) {
      yield* ConfigCheck.option("maxConcurrent", ConfigCheck.positiveInteger, options.maxConcurrent)
    }
    if (options.idleTimeToLive !== undefined) {
      yield* ConfigCheck.option("idleTimeToLive", ConfigCheck.positiveDuration, options.idleTimeToLive)
    }
  })

/**
 * Building blocks shared with `RateLimitRedis` (not a public API).
 *
 * @since 0.2.0
 * @category internal
 */
export type Refuse = (key: Key, limit: string, retryAfterMillis: number) => Effect.Effect<never, DouyinRateLimited>

/** Every refusal of a limiter is counted, by endpoint (douyin.ratelimit.rejections). */
const refuserOf = (metrics: DouyinMetrics.Recorder): Refuse => (key, limit, retryAfterMillis) =>
  Effect.zipRight(
    metrics.rateLimited(key.endpoint),
    Effect.fail(new DouyinRateLimited({ endpoint: key.endpoint, limit, retryAfterMillis }))
  )

/**
 * Around the wait for a permit (only attempts that could not go at once): its duration in
 * `douyin.ratelimit.wait.duration` (metric, and the call span's attribute, summed over the
 * call's attempts) and a `douyin.ratelimit.wait` span event.
 */
const waiterOf =
  (clock: Clock.Clock, metrics: DouyinMetrics.Recorder) => <A, E, R>(key: Key, wait: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const timed = metrics.permitWait(key.endpoint, wait)
    const span = key.span
    if (span === undefined || CallSpan.isUnrecorded(span)) return timed
    return Effect.suspend(() => {
      const start = clock.unsafeCurrentTimeNanos()
      return Effect.tap(timed, () => {
        const end = clock.unsafeCurrentTimeNanos()
        const seconds = Number(end - start) / 1e9
        const before = span.attributes.get(waitAttribute)
        span.attribute(waitAttribute, (typeof before === "number" ? before : 0) + seconds)
        span.event("douyin.ratelimit.wait", end, { [waitAttribute]: seconds })
      })
    })
  }

const waitAttribute = "douyin.ratelimit.wait.duration"

/** Runs `effect` holding a permit of every rate limit that applies to `key` (one backend). */
/**
 * @since 0.2.0
 * @category internal
 */
export type Rated = <A, E, R, EB>(
  key: Key,
  mode: Mode,
  cost: number,
  effect: Effect.Effect<A, E, R>,
  bound: Bound<EB>
) => Effect.Effect<A, E | EB | DouyinRateLimited | DouyinStoreError, R>

/**
 * Bounds what has to wait for a permit (and the attempt after it) by the call's deadline
 * (`Call.CallContext.bound`). A permit granted at once is not bounded: no timer.
 *
 * @since 0.3.0
 * @category models
 */
export type Bound<EB> = Fifo.Bound<EB>

/** A cost that can never be served fails at once, in both modes. */
const unservable = (
  refused: Refuse,
  key: Key,
  cost: number,
  limits: ReadonlyArray<{ readonly label: string; readonly limit: number }>
) => {
  if (!(cost > 0)) return refused(key, `cost ${cost} (a cost must be a positive number)`, Number.POSITIVE_INFINITY)
  const tooBig = limits.find((w) => cost > w.limit)
  return tooBig === undefined
    ? undefined
    : refused(key, `${tooBig.label} (a cost of ${cost} is above the limit and never fits)`, Number.POSITIVE_INFINITY)
}

/** The parts every backend shares: the per-call override, the in-flight cap, the policy. */
const assemble = (options: Options, refused: Refuse, rated: Rated, trackedKeys: Effect.Effect<TrackedKeys>): Service => {
  const inFlight = options.maxConcurrent === undefined ? undefined : Fifo.unsafeMake(options.maxConcurrent)
  const inFlightLabel = `in flight ${options.maxConcurrent}`
  const permit = <A, E, R, EB>(
    over: Override,
    key: Key,
    effect: Effect.Effect<A, E, R>,
    bound: Bound<EB>
  ): Effect.Effect<A, E | EB | DouyinRateLimited | DouyinStoreError, R> => {
    const mode = over.mode ?? options.mode ?? "wait"
    const permitted = rated(key, mode, over.cost ?? 1, effect, bound)
    if (inFlight === undefined) return permitted
    if (mode === "wait") return inFlight.withPermit(permitted, bound)
    return Effect.flatMap(inFlight.withPermitIfAvailable(permitted), (result) =>
      Option.match(result, {
        // No estimate is possible: a place frees when a request in flight finishes.
        onNone: () => refused(key, inFlightLabel, 0),
        onSome: Effect.succeed
      }))
  }
  return {
    options,
    withPermit: (key, effect) => Effect.flatMap(CurrentOverride, (over) => permit(over, key, effect, Fifo.unbounded)),
    trackedKeys,
    // The call's override, read once from its context (every attempt of the call shares it).
    policy: (call, attempt, context) =>
      permit(
        Context.get(context.services, CurrentOverride),
        { endpoint: call.endpoint, openId: call.openId, span: context.span },
        attempt,
        context.bound
      )
  }
}

const idleMillis = (options: Options) => Duration.toMillis(Duration.decode(options.idleTimeToLive ?? "1 minute"))
const endpointLimitOf = (options: Options) => (id: string): Limit | undefined => options.endpoints?.[id] ?? options.perEndpoint
/**
 * Building blocks shared with `RateLimitRedis`, which lives in its own entry point so that
 * the package index never loads the optional peer `ioredis` (not a public API).
 *
 * @since 0.2.0
 * @category internal
 */
export const internal = {
  validate: (options: Options) => validate(options),
  refuserOf: (metrics: DouyinMetrics.Recorder) => refuserOf(metrics),
  waiterOf: (clock: Clock.Clock, metrics: DouyinMetrics.Recorder) => waiterOf(clock, metrics),
  unservable: (...args: Parameters<typeof unservable>) => unservable(...args),
  assemble: (...args: Parameters<typeof assemble>) => assemble(...args),
  describe: (scope: string, limit: Limit) => describe(scope, limit),
  endpointLimitOf: (options: Options) => endpointLimitOf(options)
}

const hasEndpointLimits = (options: Options) => options.perEndpoint !== undefined || Object.keys(options.endpoints ?? {}).length > 0

/**
 * Builds the in-process policy. Every window lives in the service itself (no scope, no fiber,
 * no timer): idle keys are dropped as new ones are looked up.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    yield* validate(options)
    const clock = yield* Effect.clock
    const metrics = yield* DouyinMetrics.recorder
    const refused = refuserOf(metrics)
    const waited = waiterOf(clock, metrics)

    const idle = idleMillis(options)
    // A key must outlive its log, or a fresh window would forget recent requests.
    const idleFor = (limit: Limit | undefined) =>
      limit === undefined ? idle : Math.max(idle, Duration.toMillis(Duration.decode(limit.interval)))

    const global = options.global === undefined
      ? undefined
      : new Window.Window(describe("global", options.global), options.global.limit, options.global.interval)

    const perOpenId = options.perOpenId
    const openIds = perOpenId === undefined ? undefined : new KeyedWindows(
      clock,
      () => new Window.Window(describe("per open_id", perOpenId), perOpenId.limit, perOpenId.interval),
      () => idleFor(perOpenId)
    )

    const endpointLimit = endpointLimitOf(options)
    const endpoints = !hasEndpointLimits(options) ? undefined : new KeyedWindows(
      clock,
      (id) => {
        const limit = endpointLimit(id)!
        return new Window.Window(describe(`endpoint ${id}`, limit), limit.limit, limit.interval)
      },
      (id) => idleFor(endpointLimit(id))
    )

    // The windows of one key, in one fixed order (open_id, endpoint, global): no deadlock.
    // With only a global limit this is one constant array: no lookup per call.
    const globalOnly: ReadonlyArray<Window.Window> = global === undefined ? [] : [global]
    const windowsOf = openIds === undefined && endpoints === undefined
      ? (_: Key) => globalOnly
      : (key: Key) => {
        const windows: Array<Window.Window> = []
        if (openIds !== undefined) windows.push(openIds.get(key.openId))
        if (endpoints !== undefined && endpointLimit(key.endpoint) !== undefined) windows.push(endpoints.get(key.endpoint))
        if (global !== undefined) windows.push(global)
        return windows
      }

    // The permit is held until `effect` ends, so the limit holds where requests reach the
    // server (window.ts).
    const rated: Rated = <A, E, R, EB>(key: Key, mode: Mode, cost: number, effect: Effect.Effect<A, E, R>, bound: Bound<EB>) =>
      Effect.suspend((): Effect.Effect<A, E | EB | DouyinRateLimited, R> => {
        const windows = windowsOf(key)
        if (windows.length === 0) return effect
        const never = unservable(refused, key, cost, windows)
        if (never !== undefined) return never
        return mode === "wait"
          // Only the waits of attempts that could not go at once are timed (douyin.ratelimit.wait.duration).
          ? Window.withPermit(clock, windows, cost, effect, (wait) => waited(key, wait), bound)
          : Window.tryWithPermit<A, E | DouyinRateLimited, R>(clock, windows, cost, effect, (r) =>
            refused(key, r.window.label, r.retryAfterMillis))
      })

    return assemble(
      options,
      refused,
      rated,
      Effect.sync(() => ({ openIds: openIds?.keys() ?? [], endpoints: endpoints?.keys() ?? [] }))
    )
  })

/**
 * The rate-limit policy as the {@link RateLimit} service that `DouyinClient.layer` requires.
 * Provide it *into* the client; one instance is shared by every call of that client.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit, ConfigError.ConfigError> => Layer.effect(RateLimit, make(options))

/**
 * {@link layer} with the documented {@link defaults}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDefault: Layer.Layer<RateLimit> = Layer.orDie(layer(defaults)) // the defaults pass the checks

/**
 * The service of {@link layerDisabled}: every attempt goes at once.
 *
 * @since 0.1.0
 * @category constructors
 */
export const disabled: Service = {
  options: {},
  withPermit: (_key, effect) => effect,
  trackedKeys: Effect.succeed({ openIds: [], endpoints: [] }),
  policy: (_call, attempt) => attempt
}

/**
 * No rate limiting, chosen explicitly: every attempt goes at once.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<RateLimit> = Layer.succeed(RateLimit, disabled)

/** Why `override` is refused (its first bad field and the reason), or `undefined`. */
const overrideIssue = (override: Override): readonly [string, string] | undefined => {
  if (override.mode !== undefined && override.mode !== "wait" && override.mode !== "fail") {
    return ["mode", `expected "wait" or "fail", got ${String(override.mode)}`]
  }
  if (override.cost !== undefined) {
    const cost = ConfigCheck.positiveNumber(override.cost)
    if (cost._tag === "Left") return ["cost", cost.left]
  }
  return undefined
}

const with_: {
  (override: Override): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DouyinInvalidInput, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, override: Override): Effect.Effect<A, E | DouyinInvalidInput, R>
} = Function.dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, override: Override): Effect.Effect<A, E | DouyinInvalidInput, R> => {
    // Checked once, where the override is applied: a refused one never runs `effect`.
    const issue = overrideIssue(override)
    if (issue !== undefined) {
      return Effect.fail(new DouyinInvalidInput({ endpoint: "RateLimit.with", description: `${issue[0]}: ${issue[1]}` }))
    }
    return Effect.flatMap(CurrentOverride, (current) =>
      Effect.provideService(effect, CurrentOverride, {
        ...current,
        ...(override.mode === undefined ? {} : { mode: override.mode }),
        ...(override.cost === undefined ? {} : { cost: override.cost })
      }))
  }
)

export {
  /**
   * Overrides the mode or the cost for every call inside `effect`. Data-last
   * (`effect.pipe(RateLimit.with(override))`) or data-first (`RateLimit.with(effect, override)`).
   * No request of its own; the calls inside keep their idempotency rules.
   *
   * The override is checked before anything runs: a `mode` other than `"wait"` / `"fail"` or a
   * `cost` that is not a finite number above 0 (0, negative, `NaN`, infinite) fails with
   * `DouyinInvalidInput` (endpoint `RateLimit.with`, naming the field) and `effect` is not run,
   * so nothing is sent. A valid cost above a limit still fails each call with `DouyinRateLimited`.
   *
   * @example
   * ```ts
   * import { RateLimit } from "@effect-douyin/core"
   * import { Effect } from "effect"
   *
   * declare const send: Effect.Effect<string>
   * // fail fast with DouyinRateLimited instead of queueing:
   * const failFast = send.pipe(RateLimit.with({ mode: "fail" }))
   * // the same, data-first; each attempt takes 2 units of every limit:
   * const heavy = RateLimit.with(send, { cost: 2 })
   * // Effect<string, DouyinInvalidInput>: a cost of 0 is refused and send never runs
   * const refused = send.pipe(RateLimit.with({ cost: 0 }))
   * ```
   *
   * @since 0.1.0
   * @category combinators
   */
  with_ as with
}
