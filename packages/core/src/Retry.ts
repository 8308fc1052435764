/**
 * The retry policy (docs/reliability.md#failure-classes-and-operation-classes and #retry-mechanics), provided *into* `DouyinClient.layer`, which requires
 * it: a client without a decision on retrying does not compile ({@link layerDisabled} is the
 * explicit "no retry").
 *
 * Whether a failed attempt is retried is decided by `FailureClass.isRetryable(error,
 * idempotency)`: a failure where Douyin certainly did not act (`NotSent`, `Rejected`) is
 * retried on every endpoint, an `Ambiguous` one only on `read` and `convergent` endpoints
 * (an `unsafe` call — create, send — then ends in `DouyinOutcomeUnknown`), a `Definitive` one
 * never. Between attempts it waits along a capped exponential backoff with jitter (a
 * `Schedule`), or longer when the server sent `Retry-After`. It stops at `maxAttempts`, at the
 * per-call deadline, and when the shared retry budget (an AWS-style token bucket) is spent;
 * the last case is visible on the returned error as `retryBudgetExhausted: true`.
 *
 * One instance (one budget) is shared by every call of the client it is provided to.
 *
 * @example
 * ```ts
 * import { DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layer({ maxAttempts: 4, base: "250 millis" })), // or Retry.layerDefault
 *   Layer.provide(RateLimit.layerDisabled),
 *   Layer.provide(DouyinConfig.layer())
 * )
 * // per call: program.pipe(Retry.with({ maxAttempts: 6 })) or program.pipe(Retry.disable)
 * ```
 *
 * @since 0.1.0
 */
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { dual } from "effect/Function"
import * as ConfigCheck from "./ConfigCheck.js"
// The call model, types only: the client requires this module's tag, not the other way round.
import type * as Call from "./Call.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import { DouyinConfig } from "./DouyinConfig.js"
import { DouyinInvalidInput } from "./DouyinError.js"
import * as FailureClass from "./FailureClass.js"
import * as internal from "./internal/retry.js"
import * as retryBudget from "./internal/retryBudget.js"
import { defined } from "./internal/defined.js"

/**
 * How one call is retried. Every field is optional; what is left out keeps the value of the
 * layer (for {@link with}) or the documented default (for {@link layer}).
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  /** Attempts per call, the first included; `1` turns retrying off. Default `3`. */
  readonly maxAttempts?: number | undefined
  /** Delay before the first retry. Default `200 millis`. */
  readonly base?: Duration.DurationInput | undefined
  /** Growth of the delay per retry. Default `2`. */
  readonly factor?: number | undefined
  /** Longest delay between two attempts (after jitter). Default `20 seconds`. */
  readonly cap?: Duration.DurationInput | undefined
  /** Multiply each delay by a random factor in [0.8, 1.2] (`Schedule.jittered`). Default `true`. */
  readonly jitter?: boolean | undefined
  /**
   * Replaces `base`/`factor`/`cap`/`jitter`: the delays between attempts. Its input is the
   * error of the failed attempt (every one, the last included, as under `Effect.retry`);
   * when it is done, retrying stops.
   */
  readonly schedule?: Schedule.Schedule<unknown, Call.AttemptError> | undefined
  /**
   * No retry starts whose wait would end after this much time since the call began.
   * Default: `DouyinConfig.callTimeout`, so a call stops retrying with the real error
   * instead of being cut by the call timeout.
   */
  readonly deadline?: Duration.DurationInput | undefined
  /** Whether retries of this call spend the shared retry budget. Default `true`. */
  readonly useBudget?: boolean | undefined
}

/**
 * The shared retry budget, a token bucket (AWS "standard" retry mode): each retry takes
 * `retryCost` tokens (`timeoutCost` after a timeout or a broken connection), each successful
 * call puts `successRefund` back, up to `capacity`. When a retry cannot be paid, the call
 * fails at once with its error marked `retryBudgetExhausted: true`, so an outage fails fast
 * instead of multiplying traffic.
 *
 * @since 0.1.0
 * @category models
 */
export interface Budget {
  /** Default `500`. */
  readonly capacity?: number | undefined
  /** Default `5`. */
  readonly retryCost?: number | undefined
  /** Default `10`. */
  readonly timeoutCost?: number | undefined
  /** Default `1`. */
  readonly successRefund?: number | undefined
}

/**
 * Options of {@link layer}: the default {@link Policy} of every call and the shared
 * {@link Budget} (`false`: no budget).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Policy {
  readonly budget?: Budget | false | undefined
}

/**
 * The policy of a call once every default is filled in.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly maxAttempts: number
  readonly schedule: Schedule.Schedule<unknown, Call.AttemptError>
  readonly deadline: Duration.Duration
  readonly useBudget: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The layer's policy (before per-call overrides). */
  readonly settings: Settings
  /** Tokens left in the shared retry budget; `Infinity` when the layer has no budget. */
  readonly remainingBudget: Effect.Effect<number>
  /** The function the client wraps every call's attempts in. */
  readonly policy: Call.CallPolicy
}

/**
 * The retry policy a client was built with.
 *
 * @since 0.1.0
 * @category tags
 */
export class Retry extends Context.Tag("@effect-douyin/core/Retry")<Retry, Service>() {}

/**
 * The documented defaults: 3 attempts, backoff 200 ms × 2ⁿ capped at 20 s with jitter,
 * deadline = the call timeout, budget 500 tokens (retry 5, timeout 10, success refunds 1).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  maxAttempts: 3,
  base: Duration.millis(200),
  factor: 2,
  cap: Duration.seconds(20),
  jitter: true,
  budget: { capacity: 500, retryCost: 5, timeoutCost: 10, successRefund: 1 }
} as const

/**
 * The per-call override, read by the policy on every call (see {@link with}).
 *
 * @since 0.1.0
 * @category references
 */
export class CurrentOverride extends Context.Reference<CurrentOverride>()("@effect-douyin/core/Retry/CurrentOverride", {
  defaultValue: (): Policy => ({})
}) {}

/**
 * Capped exponential backoff with optional jitter: `base × factor^n`, jittered, at most `cap`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const backoff = (options: {
  readonly base?: Duration.DurationInput | undefined
  readonly factor?: number | undefined
  readonly cap?: Duration.DurationInput | undefined
  readonly jitter?: boolean | undefined
} = {}): Schedule.Schedule<unknown, unknown> => {
  const cap = Duration.decode(options.cap ?? defaults.cap)
  const exponential = Schedule.exponential(options.base ?? defaults.base, options.factor ?? defaults.factor)
  const jittered = (options.jitter ?? defaults.jitter) ? Schedule.jittered(exponential) : exponential
  return Schedule.modifyDelay(jittered, (_, delay) => Duration.min(delay, cap))
}

const hasBackoffFields = (p: Policy) => p.base !== undefined || p.factor !== undefined || p.cap !== undefined || p.jitter !== undefined

const resolve = (base: Policy, deadline: Duration.Duration, over: Policy): Settings => {
  // An override of any backoff field rebuilds the backoff from the merged fields; an override
  // schedule wins over everything.
  const merged: Policy = { ...base, ...defined(over) }
  const schedule = over.schedule ??
    (hasBackoffFields(over) || base.schedule === undefined ? backoff(merged) : base.schedule)
  return {
    maxAttempts: Math.max(1, Math.floor(merged.maxAttempts ?? defaults.maxAttempts)),
    schedule,
    deadline: merged.deadline === undefined ? deadline : Duration.decode(merged.deadline),
    useBudget: merged.useBudget ?? true
  }
}

const isBoolean = (b: unknown): Either.Either<boolean, string> =>
  typeof b === "boolean" ? Either.right(b) : Either.left(`expected true or false, got ${String(b)}`)
const isSchedule = (s: unknown): Either.Either<unknown, string> =>
  Schedule.isSchedule(s) ? Either.right(s) : Either.left("expected a Schedule")

/**
 * The first field of `policy` (the layer's, or a per-call override) that its check refuses,
 * with the reason: the same rules for both.
 */
const policyIssue = (policy: Policy): readonly [string, string] | undefined => {
  const checks: ReadonlyArray<readonly [string, unknown, ConfigCheck.Check<any, unknown>]> = [
    ["maxAttempts", policy.maxAttempts, ConfigCheck.positiveInteger],
    ["base", policy.base, ConfigCheck.positiveDuration],
    ["factor", policy.factor, ConfigCheck.positiveNumber],
    ["cap", policy.cap, ConfigCheck.positiveDuration],
    ["jitter", policy.jitter, isBoolean],
    ["schedule", policy.schedule, isSchedule],
    ["deadline", policy.deadline, ConfigCheck.positiveDuration],
    ["useBudget", policy.useBudget, isBoolean]
  ]
  for (const [name, value, check] of checks) {
    if (value === undefined) continue
    const checked = check(value)
    if (Either.isLeft(checked)) return [name, checked.left]
  }
  return undefined
}

/** Checks the layer's options: a bad value is a `ConfigError` naming it (e.g. `budget.capacity`). */
const validate = (options: Options): Effect.Effect<void, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const issue = policyIssue(options)
    if (issue !== undefined) return yield* Effect.fail(ConfigError.InvalidData([issue[0]], issue[1]))
    const check = <A>(name: string, value: A | undefined, check: ConfigCheck.Check<A, unknown>) =>
      value === undefined ? Either.right(undefined) : ConfigCheck.option(name, check, value)
    if (options.budget !== undefined && options.budget !== false) {
      yield* check("budget.capacity", options.budget.capacity, ConfigCheck.positiveInteger)
      yield* check("budget.retryCost", options.budget.retryCost, ConfigCheck.nonNegativeInteger)
      yield* check("budget.timeoutCost", options.budget.timeoutCost, ConfigCheck.nonNegativeInteger)
      yield* check("budget.successRefund", options.budget.successRefund, ConfigCheck.nonNegativeInteger)
    }
  })

/**
 * Builds the policy. The deadline defaults to `DouyinConfig.callTimeout`. A bad option (an
 * attempt count that is not a whole number above 0, a duration or factor not above 0, a budget
 * field that is not a whole number) fails with a `ConfigError` naming it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, ConfigError.ConfigError, DouyinConfig> =>
  Effect.gen(function*() {
    yield* validate(options)
    const config = yield* DouyinConfig
    const { budget: budgetOptions, ...layerPolicy } = options
    const settings = resolve(layerPolicy, config.callTimeout, {})
    const metrics = yield* DouyinMetrics.recorder
    const budget = budgetOptions === false ? retryBudget.unlimited : yield* retryBudget.make({
      capacity: budgetOptions?.capacity ?? defaults.budget.capacity,
      retryCost: budgetOptions?.retryCost ?? defaults.budget.retryCost,
      timeoutCost: budgetOptions?.timeoutCost ?? defaults.budget.timeoutCost,
      successRefund: budgetOptions?.successRefund ?? defaults.budget.successRefund
    }, metrics)

    // The first attempt runs outside `Effect.retry`: a call that succeeds at once builds no
    // schedule and forks nothing.
    const run = <A>(
      call: Call.Call<unknown>,
      attempts: Effect.Effect<A, Call.AttemptError>,
      policy: Settings,
      context: Call.CallContext
    ): Effect.Effect<A, Call.AttemptError> =>
      Effect.matchEffect(attempts, {
        onSuccess: budget.refunded,
        onFailure: (first) =>
          // Retrying annotates the call's span and logs under it.
          Effect.withParentSpan(
            internal.retrying({
              call,
              attempts,
              first,
              maxAttempts: policy.maxAttempts,
              schedule: policy.schedule,
              // No retry starts after the policy's deadline, nor a backoff that would end past the call's.
              deadline: Math.min(context.start + Duration.toMillis(policy.deadline), context.deadline),
              budget: policy.useBudget ? budget : retryBudget.unlimited,
              refunded: budget.refunded,
              metrics
            }),
            context.span
          )
      })

    const policy: Call.CallPolicy = (call, attempts, context) => {
      const over = Context.get(context.services, CurrentOverride)
      const effective = Object.keys(over).length === 0 ? settings : resolve(layerPolicy, config.callTimeout, over)
      return run(call, attempts, effective, context)
    }

    return {
      settings,
      remainingBudget: budget.remaining,
      policy
    } satisfies Service
  })

/**
 * The retry policy as the {@link Retry} service that `DouyinClient.layer` requires. Provide it
 * *into* the client; its `DouyinConfig` requirement is met by the config you provide there.
 *
 * @example
 * ```ts
 * import { DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layer({ maxAttempts: 5, budget: { capacity: 100 } })),
 *   Layer.provide(RateLimit.layerDefault),
 *   Layer.provide(DouyinConfig.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Retry, ConfigError.ConfigError, DouyinConfig> =>
  Layer.effect(Retry, make(options))

/**
 * {@link layer} with the documented {@link defaults}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDefault: Layer.Layer<Retry, never, DouyinConfig> = Layer.orDie(layer()) // the defaults pass the checks

/**
 * The service of {@link layerDisabled}: one attempt per call, no budget.
 *
 * @since 0.1.0
 * @category constructors
 */
export const disabled: Service = {
  settings: { maxAttempts: 1, schedule: Schedule.stop, deadline: Duration.infinity, useBudget: false },
  remainingBudget: Effect.succeed(Number.POSITIVE_INFINITY),
  policy: (_, attempts) => attempts
}

/**
 * No retries at all, chosen explicitly: every call makes one attempt (plus the one
 * token-refresh retry the client always does). {@link with} has no effect under it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<Retry> = Layer.succeed(Retry, disabled)

/** The endpoint named by the error of a refused override. */
const withEndpoint = "Retry.with"

const override = <A, E, R>(effect: Effect.Effect<A, E, R>, policy: Policy): Effect.Effect<A, E, R> =>
  Effect.flatMap(CurrentOverride, (current) => Effect.provideService(effect, CurrentOverride, { ...current, ...defined(policy) }))

const with_: {
  (policy: Policy): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DouyinInvalidInput, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, policy: Policy): Effect.Effect<A, E | DouyinInvalidInput, R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, policy: Policy): Effect.Effect<A, E | DouyinInvalidInput, R> => {
    // Checked once, where the override is applied: a refused one never runs `effect`.
    const issue = policyIssue(policy)
    return issue === undefined
      ? override(effect, policy)
      : Effect.fail(new DouyinInvalidInput({ endpoint: withEndpoint, description: `${issue[0]}: ${issue[1]}` }))
  }
)

export {
  /**
   * Overrides the retry policy for every call inside `effect` (fields left out keep the
   * layer's values; nested overrides merge). Data-last (`pipe`) and data-first. Has no effect
   * under {@link layerDisabled}. No request of its own; the calls inside keep their
   * idempotency rules.
   *
   * The override is checked as the layer's options are (`maxAttempts` a whole number above 0;
   * `base`, `cap`, `deadline` durations above 0; `factor` a finite number above 0; `jitter`,
   * `useBudget` booleans; `schedule` a `Schedule`): a bad one fails with `DouyinInvalidInput`
   * (endpoint `Retry.with`, naming the field) and `effect` is not run, so nothing is sent.
   *
   * @example
   * ```ts
   * import { Retry } from "@effect-douyin/core"
   * import { Effect } from "effect"
   *
   * declare const send: Effect.Effect<string>
   * const patient = send.pipe(Retry.with({ maxAttempts: 6, base: "1 second" }))
   * const same = Retry.with(send, { maxAttempts: 6, base: "1 second" })
   * // Effect<string, DouyinInvalidInput>: maxAttempts 0 is refused and send never runs
   * const refused = send.pipe(Retry.with({ maxAttempts: 0 }))
   * ```
   *
   * @since 0.1.0
   * @category combinators
   */
  with_ as with
}

/**
 * Turns retrying off for every call inside `effect` (`Retry.with({ maxAttempts: 1 })`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const disable = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => override(effect, { maxAttempts: 1 })

/**
 * Whether a failure of an endpoint of this idempotency class is retried (re-exported from
 * `FailureClass` for convenience).
 *
 * @since 0.1.0
 * @category classification
 */
export const isRetryable: (error: Parameters<typeof FailureClass.isRetryable>[0], idempotency: FailureClass.Idempotency) => boolean =
  FailureClass.isRetryable
