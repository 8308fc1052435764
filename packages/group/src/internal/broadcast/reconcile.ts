/**
 * Reading and settling a broadcast after its runs (`markSent`, `summary`, `targets`, `recall`,
 * documented in the public `Broadcast` module): from the journal, sending nothing but recalls.
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as BroadcastJournal from "../../BroadcastJournal.js"
import * as RecallGroupMessage from "../../RecallGroupMessage.js"
import { BroadcastInvalidInput, type BroadcastNotFound } from "./errors.js"
import type { Address, Failed, RecallReport, Summary, TargetState, Unknown } from "./model.js"
import { type Entry, loadPlan, outcomeOf, resolveTargets } from "./outcome.js"
import * as plans from "./plan.js"
import { checkConcurrency } from "./run.js"

export const markSent = (options: {
  readonly id: string
  readonly target: Address
  readonly msgId?: string | undefined
}): Effect.Effect<
  void,
  BroadcastInvalidInput | BroadcastNotFound | BroadcastJournal.BroadcastJournalError,
  BroadcastJournal.BroadcastJournal
> =>
  Effect.gen(function*() {
    const journal = yield* BroadcastJournal.BroadcastJournal
    const plan = yield* loadPlan(journal, options.id)
    const resolved = resolveTargets(plan, [options.target])
    if (Either.isLeft(resolved)) return yield* new BroadcastInvalidInput({ broadcastId: options.id, description: resolved.left })
    const index = resolved.right[0]!
    const entry = (yield* journal.entries(options.id)).get(index)
    const invalid = (state: string | undefined) =>
      new BroadcastInvalidInput({
        broadcastId: options.id,
        description: `markSent takes unknown targets only; target ${index} is ${state}`
      })
    if (entry?._tag !== "Unknown") return yield* invalid(entry?._tag)
    const next: Entry = {
      _tag: "Sent",
      attemptId: entry.attemptId,
      ...(options.msgId === undefined ? {} : { msgId: options.msgId }),
      marked: true,
      at: yield* Clock.currentTimeMillis
    }
    if (!(yield* journal.compareAndSet(options.id, index, entry, next))) return yield* invalid("changed meanwhile")
  })

export const summary = (
  id: string
): Effect.Effect<Summary, BroadcastNotFound | BroadcastJournal.BroadcastJournalError, BroadcastJournal.BroadcastJournal> =>
  Effect.gen(function*() {
    const journal = yield* BroadcastJournal.BroadcastJournal
    const plan = yield* loadPlan(journal, id)
    const entries = yield* journal.entries(id)
    const count = { Pending: 0, InFlight: 0, Sent: 0, Failed: 0, Unknown: 0 }
    let recalled = 0
    const unknownTargets: Array<Unknown> = []
    const failedTargets: Array<Failed> = []
    for (const [index, entry] of Array.from(entries).sort(([a], [b]) => a - b)) {
      count[entry._tag]++
      if (entry._tag === "Sent" && entry.recalledAt !== undefined) recalled++
      const outcome = outcomeOf(plan, index, entry)
      if (Option.isSome(outcome) && outcome.value._tag === "Unknown") unknownTargets.push(outcome.value)
      if (Option.isSome(outcome) && outcome.value._tag === "Failed") failedTargets.push(outcome.value)
    }
    return {
      id,
      total: plan.targets.length,
      sent: count.Sent,
      failed: count.Failed,
      unknown: count.Unknown,
      pending: count.Pending,
      inFlight: count.InFlight,
      recalled,
      unknownTargets,
      failedTargets
    }
  })

export const targets = (
  id: string,
  options: { readonly chunkSize?: number | undefined } = {}
): Stream.Stream<TargetState, BroadcastNotFound | BroadcastJournal.BroadcastJournalError, BroadcastJournal.BroadcastJournal> =>
  Stream.unwrap(Effect.gen(function*() {
    const journal = yield* BroadcastJournal.BroadcastJournal
    const plan = yield* loadPlan(journal, id)
    const entries = yield* journal.entries(id)
    const size = Math.max(1, Math.floor(options.chunkSize ?? 1000))
    const stateOf = (index: number): TargetState => {
      const entry: Entry = entries.get(index) ?? { _tag: "Pending" }
      return {
        broadcastId: id,
        index,
        address: plans.addressOf(plan.targets[index]!),
        state: entry._tag,
        msgId: entry._tag === "Sent" ? entry.msgId : undefined,
        recalledAt: entry._tag === "Sent" ? entry.recalledAt : undefined,
        outcome: Option.getOrUndefined(outcomeOf(plan, index, entry))
      }
    }
    const chunks = Math.ceil(plan.targets.length / size)
    return Stream.range(0, chunks - 1).pipe(
      Stream.mapConcatChunk((c) => {
        const from = c * size
        const to = Math.min(plan.targets.length, from + size)
        return Chunk.makeBy(to - from, (i) => stateOf(from + i))
      })
    )
  }))

export const recall = (options: {
  readonly id: string
  readonly concurrency?: number | undefined
}): Effect.Effect<
  RecallReport,
  BroadcastInvalidInput | BroadcastNotFound | BroadcastJournal.BroadcastJournalError,
  RecallGroupMessage.RecallGroupMessage | BroadcastJournal.BroadcastJournal
> =>
  Effect.gen(function*() {
    const id = options.id
    yield* checkConcurrency(id, options.concurrency)
    const journal = yield* BroadcastJournal.BroadcastJournal
    const recaller = yield* RecallGroupMessage.RecallGroupMessage
    const plan = yield* loadPlan(journal, id)
    const entries = yield* journal.entries(id)
    let alreadyRecalled = 0
    const skipped: Array<RecallReport["skipped"][number]> = []
    const todo: Array<readonly [number, Extract<Entry, { readonly _tag: "Sent" }>, string, string]> = []
    for (const [index, entry] of Array.from(entries).sort(([a], [b]) => a - b)) {
      if (entry._tag !== "Sent") continue
      const target = plan.targets[index]!
      const address = plans.addressOf(target)
      if (entry.recalledAt !== undefined) alreadyRecalled++
      else if (entry.msgId === undefined) skipped.push({ index, address, reason: "marked sent without a message id" })
      else if (target.groupId === undefined) skipped.push({ index, address, reason: "addressed by group token; recall needs the group id" })
      else todo.push([index, entry, entry.msgId, target.groupId])
    }
    const results = yield* Effect.forEach(todo, ([index, entry, msgId, groupId]) =>
      recaller.recall({ openId: plan.targets[index]!.openId, msgId, conversationId: groupId }).pipe(
        Effect.zipRight(Effect.flatMap(Clock.currentTimeMillis, (at) =>
          journal.compareAndSet(id, index, entry, { ...entry, recalledAt: at }))),
        Effect.as(Option.none()),
        Effect.catchIf(
          (e): e is RecallGroupMessage.Error =>
            e._tag !== "BroadcastJournalError",
          (error) =>
            Effect.succeed(Option.some({ index, address: plans.addressOf(plan.targets[index]!), error }))
        )
      ), { concurrency: options.concurrency ?? 8 })
    const failed = results.filter(Option.isSome).map((o) =>
      o.value
    )
    return { id, recalled: todo.length - failed.length, alreadyRecalled, failed, skipped }
  })
