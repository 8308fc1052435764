/**
 * The retries of one call (docs/reliability.md#failure-classes-and-operation-classes and #retry-mechanics) as `Effect.retry` with one composed
 * `Schedule`: the policy's delays with the server's `Retry-After` as a floor, stopped by the
 * idempotency class, `maxAttempts`, the deadline and the shared budget, in that order.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { AttemptError, Call } from "../Call.js"
import type { Recorder } from "../DouyinMetrics.js"
import {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  type DouyinCodeError,
  DouyinHttpError,
  DouyinInvalidParams,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinTransportError
} from "../DouyinError.js"
import * as FailureClass from "../FailureClass.js"
import { defined } from "./defined.js"
import { annotationsOf } from "./failureLog.js"
import type { RetryBudget } from "./retryBudget.js"

/** The server's hint (`Retry-After`) in milliseconds, or 0. */
export const retryAfter = (error: AttemptError): number =>
  "retryAfterMillis" in error && typeof error.retryAfterMillis === "number" && Number.isFinite(error.retryAfterMillis)
    ? Math.max(0, error.retryAfterMillis)
    : 0

/**
 * The delays of `schedule`, at least the server's `Retry-After`, in whole milliseconds (jitter
 * yields fractions that would otherwise pile up in the clock). Its output is the delay.
 */
const pacing = (
  schedule: Schedule.Schedule<unknown, AttemptError>
): Schedule.Schedule<Duration.Duration, AttemptError> =>
  Schedule.passthrough(schedule).pipe(
    Schedule.modifyDelay((error, delay) => Duration.millis(Math.round(Math.max(Duration.toMillis(delay), retryAfter(error))))),
    Schedule.delays
  )

/**
 * `attempts` for `Effect.retry` when its first attempt already ran and failed with `first`:
 * the first run replays that failure instead of sending again.
 */
const replayingFirst = <A>(first: AttemptError, attempts: Effect.Effect<A, AttemptError>) => {
  let replayed = false
  return Effect.suspend(() => {
    if (replayed) return attempts
    replayed = true
    return Effect.fail(first)
  })
}

/** Why retrying stopped: the span's `douyin.retry.stopped`. */
type StopReason = "not retryable" | "max attempts" | "schedule done" | "deadline" | "budget"

/**
 * Retries one call whose first attempt failed with `first`. On success the call's span gets
 * `douyin.attempts` / `douyin.retry_count`; when retrying stops, also `douyin.retry.stopped`
 * (and the error is marked `retryBudgetExhausted` when the budget stopped it).
 */
export const retrying = <A>(options: {
  readonly call: Call<unknown>
  readonly attempts: Effect.Effect<A, AttemptError>
  readonly first: AttemptError
  readonly maxAttempts: number
  readonly schedule: Schedule.Schedule<unknown, AttemptError>
  /** Epoch milliseconds after which no retry starts. */
  readonly deadline: number
  /** What retries pay from (`unlimited` when this call does not use the budget). */
  readonly budget: RetryBudget
  /** The success, once it has refunded the shared budget. */
  readonly refunded: <A>(a: A) => Effect.Effect<A>
  readonly metrics: Recorder
}): Effect.Effect<A, AttemptError> => {
  const { call, metrics } = options
  const retryable = (error: AttemptError) => FailureClass.isRetryable(error, call.idempotency)
  // This call's attempts so far, and which check stopped it (the checks below record it).
  let attempt = 1
  let stoppedBy: "deadline" | "budget" | undefined
  const stop = (why: "deadline" | "budget") => {
    stoppedBy = why
    return false
  }
  const withinDeadline = (delay: Duration.Duration) =>
    Effect.map(Clock.currentTimeMillis, (now) => now + Duration.toMillis(delay) <= options.deadline || stop("deadline"))
  const paid = (error: AttemptError) => Effect.map(options.budget.pay(error), (taken) => taken || stop("budget"))
  const announce = (error: AttemptError, delay: Duration.Duration) =>
    Effect.zipRight(
      metrics.retry(call.endpoint, error._tag),
      Effect.logDebug("douyin attempt failed, retrying").pipe(
        Effect.annotateLogs({
          ...annotationsOf(error),
          "douyin.attempt": attempt++,
          "douyin.retry_in_ms": Duration.toMillis(delay),
          "douyin.error": error.message
        })
      )
    )
  const schedule = pacing(options.schedule).pipe(
    Schedule.zipLeft(Schedule.recurs(options.maxAttempts - 1)),
    Schedule.whileInput(retryable),
    Schedule.checkEffect((_, delay) => withinDeadline(delay)),
    Schedule.checkEffect(paid),
    // Last, so that only a retry that starts is counted and logged.
    Schedule.checkEffect((error, delay) => Effect.as(announce(error, delay), true))
  )
  // The gates come before the schedule's own end (a definitive error is "not retryable"
  // even when the schedule is done too), as they did in the order of the checks.
  const reason = (error: AttemptError): StopReason =>
    !retryable(error) ? "not retryable" : attempt >= options.maxAttempts ? "max attempts" : stoppedBy ?? "schedule done"
  const counted = () => ({ "douyin.attempts": attempt, "douyin.retry_count": attempt - 1 })
  return replayingFirst(options.first, options.attempts).pipe(
    Effect.retry(schedule),
    Effect.flatMap((a) => Effect.zipRight(Effect.annotateCurrentSpan(counted()), options.refunded(a))),
    Effect.catchAll((error) =>
      stoppedBy === "budget"
        ? Effect.zipRight(
          Effect.annotateCurrentSpan({ ...counted(), "douyin.retry.stopped": "budget", "douyin.retry_budget_exhausted": true }),
          Effect.fail(markBudgetExhausted(error))
        )
        : Effect.zipRight(
          Effect.annotateCurrentSpan({ ...counted(), "douyin.retry.stopped": reason(error) }),
          Effect.fail(error)
        )
    )
  )
}

const apiFields = (e: DouyinCodeError) =>
  defined({
    endpoint: e.endpoint,
    code: e.code,
    subCode: e.subCode,
    description: e.description,
    logId: e.logId,
    reason: e.reason,
    retryBudgetExhausted: true
  })

/**
 * The same error, saying that it was not retried because the retry budget was spent.
 * Errors that are never retried carry no such field and are returned as they are.
 */
export const markBudgetExhausted = (error: AttemptError): AttemptError => {
  switch (error._tag) {
    case "DouyinTransportError":
      return new DouyinTransportError({
        endpoint: error.endpoint,
        sent: error.sent,
        description: error.description,
        retryBudgetExhausted: true
      })
    case "DouyinHttpError":
      return new DouyinHttpError(defined({
        endpoint: error.endpoint,
        status: error.status,
        description: error.description,
        retryAfterMillis: error.retryAfterMillis,
        retryBudgetExhausted: true
      }))
    case "DouyinAuthError":
      return new DouyinAuthError(apiFields(error))
    case "DouyinPermissionError":
      return new DouyinPermissionError(apiFields(error))
    case "DouyinInvalidParams":
      return new DouyinInvalidParams(apiFields(error))
    case "DouyinQuotaError":
      return new DouyinQuotaError(apiFields(error))
    case "DouyinBusyError":
      return new DouyinBusyError(apiFields(error))
    case "DouyinApiError":
      return new DouyinApiError(apiFields(error))
    default:
      return error
  }
}
