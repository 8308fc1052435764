/**
 * One send of a broadcast: claim the target (`Pending` or the state named → `InFlight`), send
 * through `SendGroupMessage`, record `Sent`, `Failed` or `Unknown` over the claim.
 */
import type { DouyinDecodeError, DouyinOutcomeUnknown } from "@effect-douyin/core/DouyinError"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as BroadcastJournal from "../../BroadcastJournal.js"
import type * as SendGroupMessage from "../../SendGroupMessage.js"
import type { Outcome } from "./model.js"
import { type Entry, type Journal, logUnknown, outcomeOf, type Plan, record } from "./outcome.js"
import * as plans from "./plan.js"

export const unknownError = (e: SendGroupMessage.Error): e is DouyinOutcomeUnknown | DouyinDecodeError =>
  e._tag === "DouyinOutcomeUnknown" || e._tag === "DouyinDecodeError"

export const finalEntry = (exit: Exit.Exit<SendGroupMessage.Output, SendGroupMessage.Error>, attemptId: string, at: number): Entry =>
  Exit.match(exit, {
    onSuccess: ({ msgId }): Entry => ({ _tag: "Sent", attemptId, msgId, marked: false, at }),
    onFailure: (cause): Entry =>
      Option.match(Cause.failureOption(cause), {
        onSome: (error): Entry =>
          unknownError(error)
            ? { _tag: "Unknown", attemptId, error, description: error.message, at }
            : { _tag: "Failed", attemptId, error, at },
        onNone: (): Entry => ({
          _tag: "Unknown",
          attemptId,
          description: Cause.isInterruptedOnly(cause)
            ? "the run was interrupted while the request may have been on the wire"
            : `the send died: ${Cause.pretty(cause)}`,
          at
        })
      })
  })

export interface Context {
  readonly journal: Journal
  readonly sender: SendGroupMessage.Service
  readonly plan: Plan
  readonly owner: string
}

/**
 * Claims `index` (from `expected`), sends, records. `None` when another run claimed it first.
 * The journal writes are uninterruptible: an interrupted run records `Unknown`, then stops.
 */
export const sendOne = (
  ctx: Context,
  index: number,
  expected: Entry
): Effect.Effect<Option.Option<Outcome>, BroadcastJournal.BroadcastJournalError> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const { journal, plan } = ctx
      const attemptId = crypto.randomUUID()
      const inFlight = { _tag: "InFlight", attemptId, owner: ctx.owner, startedAt: yield* Clock.currentTimeMillis } as const
      if (!(yield* journal.compareAndSet(plan.id, index, expected, inFlight))) return Option.none()
      const target = plan.targets[index]!
      const input = { ...plans.addressOf(target), content: plan.contents[target.content]! } as SendGroupMessage.Input
      const exit = yield* Effect.exit(restore(
        ctx.sender.send(input).pipe(
          Effect.withSpan("Broadcast.send", {
            attributes: {
              "douyin.broadcast.id": plan.id,
              "douyin.broadcast.target": index,
              "douyin.broadcast.attempt_id": attemptId
            }
          })
        )
      ))
      const next = finalEntry(exit, attemptId, yield* Clock.currentTimeMillis)
      yield* record(journal, plan, index, inFlight, next)
      const outcome = Option.getOrThrow(outcomeOf(plan, index, next))
      yield* logUnknown(outcome)
      // Interrupted or died: recorded as unknown above; now stop as asked.
      if (Exit.isFailure(exit) && Option.isNone(Cause.failureOption(exit.cause))) {
        return yield* Effect.failCause(Cause.stripFailures(exit.cause))
      }
      return Option.some(outcome)
    })
  )
