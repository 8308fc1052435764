/**
 * The shared retry budget (docs/reliability.md#retry-mechanics), a token bucket in a `MutableRef`, changed
 * synchronously (no other fiber runs in between, so it needs no `Ref`): a retry pays its
 * cost, a successful call refunds a little, every change is reported to the gauge.
 */
import * as Effect from "effect/Effect"
import * as MutableRef from "effect/MutableRef"
import type { AttemptError } from "../Call.js"
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
  /**
   * `a`, once a successful call has put its refund back. On every success, so the budget is
   * changed synchronously; only a change is an effect (the gauge), and a full budget (the
   * common case) does not change.
   */
  readonly refunded: <A>(a: A) => Effect.Effect<A>
}

/** No budget: every retry is paid, nothing is counted. */
export const unlimited: RetryBudget = {
  remaining: Effect.succeed(Number.POSITIVE_INFINITY),
  pay: () => Effect.succeed(true),
  refunded: Effect.succeed
}

export const make = (costs: Costs, metrics: Recorder): Effect.Effect<RetryBudget> =>
  Effect.gen(function*() {
    const tokens = MutableRef.make(costs.capacity)
    yield* metrics.retryBudget(costs.capacity)
    // A timeout or a broken connection costs more: the server may still be working on it.
    const costOf = (error: AttemptError) => error._tag === "DouyinTransportError" && error.sent ? costs.timeoutCost : costs.retryCost
    return {
      remaining: Effect.sync(() => MutableRef.get(tokens)),
      pay: (error) =>
        Effect.suspend(() => {
          const left = MutableRef.get(tokens)
          const cost = costOf(error)
          if (left < cost) return Effect.succeed(false)
          MutableRef.set(tokens, left - cost)
          return Effect.as(metrics.retryBudget(left - cost), true)
        }),
      refunded: (a) => {
        const left = MutableRef.get(tokens)
        const next = Math.min(costs.capacity, left + costs.successRefund)
        if (next === left) return Effect.succeed(a)
        MutableRef.set(tokens, next)
        return Effect.as(metrics.retryBudget(next), a)
      }
    }
  })
