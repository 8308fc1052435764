/**
 * A broadcast run: hold the broadcast's lease (renewed while it runs), turn what a dead run left
 * `InFlight` into `Unknown`, then send; and the operations that start one (`run`, `resume`,
 * `resend`, documented in the public `Broadcast` module).
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as BroadcastJournal from "../../BroadcastJournal.js"
import * as SendGroupMessage from "../../SendGroupMessage.js"
import { BroadcastBusy, BroadcastConflict, BroadcastInvalidInput, BroadcastLeaseLost, type Error } from "./errors.js"
import type { Address, LeaseOptions, Options, Outcome, RunOptions } from "./model.js"
import { encodePlan, type Entry, type Journal, loadPlan, logUnknown, outcomeOf, type Plan, resolveTargets } from "./outcome.js"
import * as plans from "./plan.js"
import { type Context, sendOne } from "./send.js"

export const defaultTimeToLive = Duration.seconds(30)

/** Takes the lease (waiting or failing) for the scope, renews it; `lost` fails when renewal does. */
export const holdLease = (journal: Journal, id: string, owner: string, options: LeaseOptions | undefined) =>
  Effect.gen(function*() {
    const ttl = Duration.decode(options?.timeToLive ?? defaultTimeToLive)
    const every = Duration.millis(Math.max(1, Math.floor(Duration.toMillis(ttl) / 3)))
    const acquire = journal.acquireLease(id, owner, ttl)
    if (options?.whenBusy === "fail") {
      if (!(yield* acquire)) return yield* new BroadcastBusy({ broadcastId: id })
    } else {
      yield* Effect.repeat(acquire, { schedule: Schedule.spaced(Duration.min(every, Duration.seconds(1))), until: (ok) => ok })
    }
    yield* Effect.addFinalizer(() => Effect.ignore(journal.releaseLease(id, owner)))
    const lost = yield* Deferred.make<never, BroadcastLeaseLost | BroadcastJournal.BroadcastJournalError>()
    yield* journal.renewLease(id, owner, ttl).pipe(
      // A store hiccup is retried within the lease; a lease held by another run is final.
      Effect.retry(Schedule.spaced(Duration.millis(Math.max(1, Duration.toMillis(every) / 4))).pipe(Schedule.compose(Schedule.recurs(2)))),
      Effect.flatMap((ok) => (ok ? Effect.void : Effect.fail(new BroadcastLeaseLost({ broadcastId: id })))),
      Effect.delay(every),
      Effect.forever,
      Effect.catchAll((e) => Deferred.fail(lost, e)),
      Effect.forkScoped
    )
    return lost
  })

export const checkConcurrency = (id: string, concurrency: number | undefined) =>
  concurrency === undefined || (Number.isInteger(concurrency) && concurrency >= 1)
    ? Effect.void
    : Effect.fail(new BroadcastInvalidInput({ broadcastId: id, description: `concurrency must be an integer >= 1, got ${concurrency}` }))

/**
 * Holds the lease, turns orphaned `InFlight` entries into `Unknown` (emitted first), then sends
 * what `pick` chooses from the entries.
 */
export const runPlan = (
  plan: Plan,
  options: RunOptions | undefined,
  pick: (entries: ReadonlyMap<number, Entry>) => ReadonlyArray<readonly [number, Entry]>
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const journal = yield* BroadcastJournal.BroadcastJournal
    const sender = yield* SendGroupMessage.SendGroupMessage
    const owner = crypto.randomUUID()
    const lost = yield* holdLease(journal, plan.id, owner, options?.lease)
    const ctx: Context = { journal, sender, plan, owner }

    // Holding the lease, no other live run has anything in flight: these died with their run.
    const entries = new Map(yield* journal.entries(plan.id))
    const now = yield* Clock.currentTimeMillis
    const orphans: Array<Outcome> = []
    for (const [index, entry] of entries) {
      if (entry._tag !== "InFlight") continue
      const next: Entry = {
        _tag: "Unknown",
        attemptId: entry.attemptId,
        description: `it was in flight when its run (${entry.owner}) stopped before recording an outcome`,
        at: now
      }
      if (yield* journal.compareAndSet(plan.id, index, entry, next)) {
        entries.set(index, next)
        const outcome = Option.getOrThrow(outcomeOf(plan, index, next))
        yield* logUnknown(outcome)
        orphans.push(outcome)
      }
    }

    const work = Stream.fromIterable(pick(entries)).pipe(
      Stream.mapEffect(([index, entry]) => sendOne(ctx, index, entry), { concurrency: options?.concurrency ?? 8, unordered: true }),
      Stream.filterMap((o) => o)
    )
    return Stream.concat(Stream.fromIterable(orphans), work).pipe(Stream.interruptWhen(Deferred.await(lost)))
  }))

export const pendingOf = (entries: ReadonlyMap<number, Entry>) =>
  Array.from(entries).filter(([, e]) => e._tag === "Pending").sort(([a], [b]) => a - b)

export const run = (
  options: Options
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Stream.unwrap(Effect.gen(function*() {
    const id = String(options.id)
    yield* checkConcurrency(id, options.concurrency)
    const plan = yield* Either.match(
      plans.make({ id, targets: options.targets, content: options.content, now: yield* Clock.currentTimeMillis }),
      {
        onLeft: (description) => Effect.fail(new BroadcastInvalidInput({ broadcastId: id, description })),
        onRight: Effect.succeed
      }
    )
    const journal = yield* BroadcastJournal.BroadcastJournal
    const existing = yield* journal.create(plan)
    if (Option.isSome(existing) && !plans.sameBroadcast(existing.value, plan, encodePlan)) {
      return yield* new BroadcastConflict({ broadcastId: id })
    }
    return runPlan(Option.getOrElse(existing, () => plan), options, pendingOf)
  }))

export const resume = (
  id: string,
  options?: RunOptions
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Stream.unwrap(Effect.gen(function*() {
    yield* checkConcurrency(id, options?.concurrency)
    const plan = yield* loadPlan(yield* BroadcastJournal.BroadcastJournal, id)
    return runPlan(plan, options, pendingOf)
  }))

export const resend = (
  options: RunOptions & { readonly id: string; readonly targets?: ReadonlyArray<Address> | undefined }
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Stream.unwrap(Effect.gen(function*() {
    const id = options.id
    yield* checkConcurrency(id, options.concurrency)
    const journal = yield* BroadcastJournal.BroadcastJournal
    const plan = yield* loadPlan(journal, id)
    const entries = yield* journal.entries(id)
    let selected: ReadonlyArray<number>
    if (options.targets === undefined) {
      selected = Array.from(entries).filter(([, e]) => e._tag === "Unknown").map(([i]) => i)
    } else {
      const resolved = resolveTargets(plan, options.targets)
      if (Either.isLeft(resolved)) return yield* new BroadcastInvalidInput({ broadcastId: id, description: resolved.left })
      const wrong = resolved.right.filter((i) => {
        const tag = entries.get(i)?._tag
        return tag !== "Unknown" && tag !== "Failed"
      })
      if (wrong.length > 0) {
        return yield* new BroadcastInvalidInput({
          broadcastId: id,
          description: "resend takes unknown or failed targets only; " +
            wrong.map((i) => `target ${i} is ${entries.get(i)?._tag}`).join(", ")
        })
      }
      selected = resolved.right
    }
    const chosen = new Set(selected)
    return runPlan(
      plan,
      options,
      (current) =>
        Array.from(current).filter(([i, e]) => chosen.has(i) && (e._tag === "Unknown" || e._tag === "Failed")).sort(([a], [b]) => a - b)
    )
  }))
