/**
 * A broadcast's journal read as outcomes: its plan by id, the outcome each entry reports, the
 * warning an unknown outcome logs, recording a send's result over its `InFlight` claim, and
 * naming targets by address.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as BroadcastJournal from "../../BroadcastJournal.js"
import { BroadcastNotFound } from "./errors.js"
import type { Address, Outcome, OutcomeBase } from "./model.js"
import * as plans from "./plan.js"

export type Journal = BroadcastJournal.Service
export type Entry = BroadcastJournal.Entry
export type Plan = BroadcastJournal.Plan

export const encodePlan = Schema.encodeSync(BroadcastJournal.Plan)

export const loadPlan = (journal: Journal, id: string) =>
  Effect.flatMap(
    journal.plan(id),
    Option.match({
      onNone: () => Effect.fail(new BroadcastNotFound({ broadcastId: id })),
      onSome: Effect.succeed
    })
  )

export const base = (plan: Plan, index: number, attemptId: string): OutcomeBase => ({
  broadcastId: plan.id,
  index,
  address: plans.addressOf(plan.targets[index]!),
  attemptId
})

/** The outcome an entry reports, for the states that are outcomes. */
export const outcomeOf = (plan: Plan, index: number, entry: Entry): Option.Option<Outcome> => {
  switch (entry._tag) {
    case "Sent":
      return Option.some({ _tag: "Sent", ...base(plan, index, entry.attemptId), msgId: entry.msgId })
    case "Failed":
      return Option.some({ _tag: "Failed", ...base(plan, index, entry.attemptId), error: entry.error })
    case "Unknown":
      return Option.some({
        _tag: "Unknown",
        ...base(plan, index, entry.attemptId),
        error: entry.error,
        clientRequestId: entry.error?._tag === "DouyinOutcomeUnknown" ? entry.error.clientRequestId : undefined,
        description: entry.description
      })
    default:
      return Option.none()
  }
}

export const logUnknown = (outcome: Outcome) =>
  outcome._tag === "Unknown"
    ? Effect.logWarning(
      `broadcast ${outcome.broadcastId}: outcome unknown for target ${outcome.index} ` +
        `(${plans.describeAddress(outcome.address)}); not re-sent: ${outcome.description}`
    ).pipe(Effect.annotateLogs({
      "douyin.broadcast.id": outcome.broadcastId,
      "douyin.broadcast.target": outcome.index,
      "douyin.broadcast.attempt_id": outcome.attemptId,
      ...(outcome.clientRequestId === undefined ? {} : { "douyin.client_request_id": outcome.clientRequestId })
    }))
    : Effect.void

/** Writes `next` over our own `InFlight`, or over the `Unknown` another run made of it. */
export const record = (journal: Journal, plan: Plan, index: number, inFlight: Entry & { readonly attemptId: string }, next: Entry) =>
  Effect.gen(function*() {
    if (yield* journal.compareAndSet(plan.id, index, inFlight, next)) return
    const current = (yield* journal.entries(plan.id)).get(index)
    // Our lease lapsed and a new run declared the send unknown: we know better now.
    if (current?._tag === "Unknown" && current.attemptId === inFlight.attemptId) {
      if (yield* journal.compareAndSet(plan.id, index, current, next)) return
    }
    yield* Effect.logWarning(
      `broadcast ${plan.id}: target ${index} was changed by another writer; its ${next._tag} outcome was not recorded`
    )
  })

export const resolveTargets = (plan: Plan, targets: ReadonlyArray<Address>) => {
  const byKey = new Map(plan.targets.map((t, i) => [plans.addressKey(t), i]))
  const indices: Array<number> = []
  const missing: Array<string> = []
  for (const t of targets) {
    const i = byKey.get(plans.addressKey(t))
    if (i === undefined) missing.push(plans.describeAddress(t))
    else indices.push(i)
  }
  return missing.length === 0
    ? Either.right(indices)
    : Either.left(`not targets of this broadcast: ${missing.join(", ")}`)
}
