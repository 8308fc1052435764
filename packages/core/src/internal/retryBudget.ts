/**
 * The shared retry budget (reliability.md §2), a token bucket in a `Ref`: a retry pays its
 * cost, a successful call refunds a little, every change is reported to the gauge.
 */
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { AttemptError } from "../DouyinClient.js"
import type { Recorder } from "../DouyinMetrics.js"

/** A budget with every default filled in. */
export interface Costs {
  readonly capacity: number
  readonly retryCost: number
  readonly timeoutCost: number
  readonly successRefund: number
}

export interface RetryBudget {
  /** Tokens left; `Infinity` without a budget. */
  readonly remaining: Effect.Effect<number>
  /** Takes the cost of retrying after `error`; `false` (and nothing taken) when it cannot be paid. */
  readonly pay: (error: AttemptError) => Effect.Effect<boolean>
  /** What a successful call puts back. */
  readonly refund: Effect.Effect<void>
}

/** No budget: every retry is paid, nothing is counted. */
export const unlimited: RetryBudget = {
  remaining: Effect.succeed(Number.POSITIVE_INFINITY),
  pay: () => Effect.succeed(true),
  refund: Effect.void
}

export const make = (costs: Costs, metrics: Recorder): Effect.Effect<RetryBudget> =>
  Effect.gen(function*() {
    const tokens = yield* Ref.make(costs.capacity)
    yield* metrics.retryBudget(costs.capacity)
    // A timeout or a broken connection costs more: the server may still be working on it.
    const costOf = (error: AttemptError) => error._tag === "DouyinTransportError" && error.sent ? costs.timeoutCost : costs.retryCost
    return {
      remaining: Ref.get(tokens),
      pay: (error) =>
        Effect.tap(
          Ref.modify(tokens, (left) => {
            const cost = costOf(error)
            return left >= cost ? [true, left - cost] as const : [false, left] as const
          }),
          (taken) => taken ? Effect.flatMap(Ref.get(tokens), metrics.retryBudget) : Effect.void
        ),
      // A full budget (the common case) stays as it is: no update, no gauge to set.
      refund: Effect.flatMap(
        Ref.modify(tokens, (left) => {
          const next = Math.min(costs.capacity, left + costs.successRefund)
          return [next === left ? undefined : next, next] as const
        }),
        (changed) => changed === undefined ? Effect.void : metrics.retryBudget(changed)
      )
    }
  })
