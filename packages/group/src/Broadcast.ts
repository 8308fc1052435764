/**
 * Durable announcements: one message (or one per target) to many fan groups, resumable after a
 * crash, never sent twice to a group without saying so.
 *
 * Every send goes through the `SendGroupMessage` service, so the client's retry policy, rate
 * limits, tokens and spans apply as to any other send. Around each one, a
 * {@link BroadcastJournal} records the target's state: `InFlight` *before* the request can
 * leave, then `Sent` (with the message id), `Failed` (the typed error: Douyin certainly did not
 * deliver) or `Unknown` (`DouyinOutcomeUnknown`, or a 200 that did not decode: it may have).
 *
 * - {@link run} starts a broadcast, or resumes it when the journal already has its id (same
 *   targets and content, else {@link BroadcastConflict}); {@link resume} needs only the id.
 *   A resumed run sends only to `Pending` targets. Targets a dead run left `InFlight` become
 *   `Unknown`: **never re-sent automatically** — Douyin has no idempotency key for messages.
 * - For `Unknown` targets the app decides: {@link resend} (explicit) or {@link markSent}
 *   (after checking the group). {@link recall} withdraws every sent message of a broadcast.
 * - {@link summary} counts sent / failed / unknown / pending / in flight from the journal, and
 *   lists the unknown targets with why.
 * - Many instances: a target is claimed by one atomic compare-and-set `Pending → InFlight`, so
 *   two processes never both send to it; a run also holds the broadcast's lease (TTL, renewed
 *   while it runs; shared by every process on the file and Redis journals), which is how it knows
 *   that what it finds `InFlight` belongs to a run that died. A second run waits for the lease
 *   (or fails with {@link BroadcastBusy}, `whenBusy: "fail"`).
 *
 * Bad input (no targets, the same target twice, content that send does not take, a bad id)
 * fails with {@link BroadcastInvalidInput} before anything is written or sent.
 *
 * @example
 * ```ts
 * import { Broadcast, MessageContent } from "@effect-douyin/group"
 * import { Effect, Stream } from "effect"
 *
 * const program = Broadcast.run({
 *   id: "live-2026-12-01",
 *   content: MessageContent.text("We are live in 10 minutes!"),
 *   targets: [
 *     { openId: "creator-a", groupId: "@7aaaa==" },
 *     { openId: "creator-b", groupToken: "grp-token-b" }
 *   ],
 *   concurrency: 8
 * }).pipe(
 *   Stream.runForEach((outcome) => Effect.log(outcome._tag, outcome.index)),
 *   Effect.zipRight(Broadcast.summary("live-2026-12-01"))
 * )
 * // Effect<Broadcast.Summary, Broadcast.Error, SendGroupMessage | BroadcastJournal>
 * ```
 *
 * @since 0.2.0
 */
import type { DouyinDecodeError, DouyinOutcomeUnknown } from "@effect-douyin/core/DouyinError"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as BroadcastJournal from "./BroadcastJournal.js"
import * as BroadcastTarget from "./BroadcastTarget.js"
import * as plans from "./internal/broadcast/plan.js"
import type * as MessageContent from "./MessageContent.js"
import * as RecallGroupMessage from "./RecallGroupMessage.js"
import * as SendGroupMessage from "./SendGroupMessage.js"

// ---------------------------------------------------------------------------------------------
// models

/**
 * Where a message goes: the operator (`open_id`) and one of its groups, by id or by token
 * (`BroadcastTarget.Address`).
 *
 * @since 0.2.0
 * @category models
 */
export type Address = BroadcastTarget.Address

/**
 * A target of a broadcast; `content` overrides the broadcast's content for this target
 * (`BroadcastTarget.Target`).
 *
 * @since 0.2.0
 * @category models
 */
export type Target = BroadcastTarget.Target

/**
 * The rule of a broadcast id, as a Schema (`BroadcastTarget.BroadcastId`): check an id
 * before {@link run}, or decode one from a request.
 *
 * @since 0.4.0
 * @category schemas
 */
export const BroadcastId: Schema.Schema<string> = BroadcastTarget.BroadcastId

/**
 * One target of a broadcast as the journal has it now, for reconciliation: its place in the
 * plan, its address, its state, and the message id when it was sent.
 *
 * @since 0.4.0
 * @category models
 */
export interface TargetState {
  readonly broadcastId: string
  readonly index: number
  readonly address: Address
  /** `Pending` (not sent yet), `InFlight` (a send started), `Sent`, `Failed` or `Unknown`. */
  readonly state: BroadcastJournal.State
  /** The message id Douyin gave a `Sent` target (absent when marked sent without one). */
  readonly msgId: string | undefined
  /** When a `Sent` message was recalled, in epoch milliseconds. */
  readonly recalledAt: number | undefined
  /** The outcome of a target that has one (`Sent`, `Failed`, `Unknown`). */
  readonly outcome: Outcome | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface LeaseOptions {
  /** How long the broadcast's lease lasts without renewal (renewed every third of it). Default 30 seconds. */
  readonly timeToLive?: Duration.DurationInput | undefined
  /** When another live run holds the lease: `"wait"` for it (default) or `"fail"` with {@link BroadcastBusy}. */
  readonly whenBusy?: "wait" | "fail" | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface RunOptions {
  /** Sends in flight at once (the client's rate limits apply on top). Default 8. */
  readonly concurrency?: number | undefined
  readonly lease?: LeaseOptions | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Options extends RunOptions {
  /** Names the broadcast in the journal; run it again with the same id to resume. */
  readonly id: string
  readonly targets: ReadonlyArray<Target>
  /** The message for every target without its own `content`. */
  readonly content?: MessageContent.GroupMessageContent | undefined
}

interface OutcomeBase {
  readonly broadcastId: string
  /** The target's position in the broadcast's target list. */
  readonly index: number
  readonly address: Address
  /** The send attempt (the `Broadcast.send` span's `douyin.broadcast.attempt_id`). */
  readonly attemptId: string
}

/**
 * Douyin accepted the message.
 *
 * @since 0.2.0
 * @category models
 */
export interface Sent extends OutcomeBase {
  readonly _tag: "Sent"
  /** Absent only when the app marked the target sent without knowing the id. */
  readonly msgId: string | undefined
}

/**
 * Douyin certainly did not deliver it; `error` is the send's own typed error.
 *
 * @since 0.2.0
 * @category models
 */
export interface Failed extends OutcomeBase {
  readonly _tag: "Failed"
  readonly error: SendGroupMessage.Error
}

/**
 * Nobody knows whether the group got it. `error` is absent when the process stopped (or the
 * run was interrupted) while the send was in flight.
 *
 * @since 0.2.0
 * @category models
 */
export interface Unknown extends OutcomeBase {
  readonly _tag: "Unknown"
  readonly error: DouyinOutcomeUnknown | DouyinDecodeError | undefined
  /** The client request id of a `DouyinOutcomeUnknown`, for reconciliation. */
  readonly clientRequestId: string | undefined
  readonly description: string
}

/**
 * What happened to one target in this run.
 *
 * @since 0.2.0
 * @category models
 */
export type Outcome = Sent | Failed | Unknown

/**
 * The state of a whole broadcast, from its journal.
 *
 * @since 0.2.0
 * @category models
 */
export interface Summary {
  readonly id: string
  readonly total: number
  readonly sent: number
  readonly failed: number
  readonly unknown: number
  readonly pending: number
  /** Claimed by a run that is still going (or died and was not resumed yet). */
  readonly inFlight: number
  /** Sent messages withdrawn by {@link recall}. */
  readonly recalled: number
  readonly unknownTargets: ReadonlyArray<Unknown>
  readonly failedTargets: ReadonlyArray<Failed>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface RecallReport {
  readonly id: string
  /** Recalled now. */
  readonly recalled: number
  /** Recalled by an earlier call. */
  readonly alreadyRecalled: number
  readonly failed: ReadonlyArray<{ readonly index: number; readonly address: Address; readonly error: RecallGroupMessage.Error }>
  /** Sent, but not recallable from the journal (no message id, or addressed by group token: recall needs the group id). */
  readonly skipped: ReadonlyArray<{ readonly index: number; readonly address: Address; readonly reason: string }>
}

// ---------------------------------------------------------------------------------------------
// errors

/**
 * The input is not a valid broadcast (no targets, the same target twice, a target or content
 * that send does not take, a bad id, a target that is not in a state for the operation).
 * Nothing was written or sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastInvalidInput extends Schema.TaggedError<BroadcastInvalidInput>()("BroadcastInvalidInput", {
  broadcastId: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: invalid input, nothing was written or sent: ${this.description}`
  }
}

/**
 * The journal has no broadcast with this id.
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastNotFound extends Schema.TaggedError<BroadcastNotFound>()("BroadcastNotFound", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: not in the journal`
  }
}

/**
 * The journal holds a broadcast with this id but other targets or content. Nothing was sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastConflict extends Schema.TaggedError<BroadcastConflict>()("BroadcastConflict", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: the journal holds this id with other targets or content; use a new id`
  }
}

/**
 * Another live run holds the broadcast's lease (`whenBusy: "fail"`). Nothing was sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastBusy extends Schema.TaggedError<BroadcastBusy>()("BroadcastBusy", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: another run holds its lease`
  }
}

/**
 * The run could not renew its lease (another run took over after it expired): it stopped
 * claiming targets. Sends already in flight were recorded.
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastLeaseLost extends Schema.TaggedError<BroadcastLeaseLost>()("BroadcastLeaseLost", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: lease lost; stopped claiming targets`
  }
}

/**
 * Everything a broadcast operation fails with. Per-target send errors are not here: they are
 * outcomes ({@link Failed}, {@link Unknown}).
 *
 * @since 0.2.0
 * @category errors
 */
export type Error =
  | BroadcastInvalidInput
  | BroadcastNotFound
  | BroadcastConflict
  | BroadcastBusy
  | BroadcastLeaseLost
  | BroadcastJournal.BroadcastJournalError

// ---------------------------------------------------------------------------------------------
// journal helpers

type Journal = BroadcastJournal.Service
type Entry = BroadcastJournal.Entry
type Plan = BroadcastJournal.Plan

const encodePlan = Schema.encodeSync(BroadcastJournal.Plan)

const loadPlan = (journal: Journal, id: string) =>
  Effect.flatMap(
    journal.plan(id),
    Option.match({
      onNone: () => Effect.fail(new BroadcastNotFound({ broadcastId: id })),
      onSome: Effect.succeed
    })
  )

const base = (plan: Plan, index: number, attemptId: string): OutcomeBase => ({
  broadcastId: plan.id,
  index,
  address: plans.addressOf(plan.targets[index]!),
  attemptId
})

/** The outcome an entry reports, for the states that are outcomes. */
const outcomeOf = (plan: Plan, index: number, entry: Entry): Option.Option<Outcome> => {
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

const logUnknown = (outcome: Outcome) =>
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
const record = (journal: Journal, plan: Plan, index: number, inFlight: Entry & { readonly attemptId: string }, next: Entry) =>
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

// ---------------------------------------------------------------------------------------------
// one send

const unknownError = (e: SendGroupMessage.Error): e is DouyinOutcomeUnknown | DouyinDecodeError =>
  e._tag === "DouyinOutcomeUnknown" || e._tag === "DouyinDecodeError"

const finalEntry = (exit: Exit.Exit<SendGroupMessage.Output, SendGroupMessage.Error>, attemptId: string, at: number): Entry =>
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

interface Context {
  readonly journal: Journal
  readonly sender: SendGroupMessage.Service
  readonly plan: Plan
  readonly owner: string
}

/**
 * Claims `index` (from `expected`), sends, records. `None` when another run claimed it first.
 * The journal writes are uninterruptible: an interrupted run records `Unknown`, then stops.
 */
const sendOne = (
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

// ---------------------------------------------------------------------------------------------
// a run: lease, orphans, then the work

const defaultTimeToLive = Duration.seconds(30)

/** Takes the lease (waiting or failing) for the scope, renews it; `lost` fails when renewal does. */
const holdLease = (journal: Journal, id: string, owner: string, options: LeaseOptions | undefined) =>
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

const checkConcurrency = (id: string, concurrency: number | undefined) =>
  concurrency === undefined || (Number.isInteger(concurrency) && concurrency >= 1)
    ? Effect.void
    : Effect.fail(new BroadcastInvalidInput({ broadcastId: id, description: `concurrency must be an integer >= 1, got ${concurrency}` }))

/**
 * Holds the lease, turns orphaned `InFlight` entries into `Unknown` (emitted first), then sends
 * what `pick` chooses from the entries.
 */
const runPlan = (
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

const pendingOf = (entries: ReadonlyMap<number, Entry>) =>
  Array.from(entries).filter(([, e]) => e._tag === "Pending").sort(([a], [b]) => a - b)

// ---------------------------------------------------------------------------------------------
// the operations

/**
 * Starts the broadcast, or resumes it if the journal has its id: sends to every `Pending`
 * target, at most `concurrency` at a time, and emits each target's {@link Outcome} as it ends
 * (targets a dead run left in flight first, as `Unknown`). Per-target failures are outcomes;
 * the stream fails only for the broadcast as a whole.
 *
 * - Sends: `POST /im/send/msg/group/` per target through `SendGroupMessage` (scope
 *   `im.group_message`; `unsafe`: an ambiguous failure is `Unknown`, never retried).
 * - Idempotency: running it again with the same id and input resumes; it never sends to a
 *   target the journal has as sent, failed, unknown or in flight.
 * - Errors: {@link Error}; {@link BroadcastInvalidInput} before anything is written or sent.
 *
 * @since 0.2.0
 * @category operations
 */
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

/**
 * Resumes a broadcast by id after a crash or a stop: like {@link run}, from the journal alone.
 *
 * @since 0.2.0
 * @category operations
 */
export const resume = (
  id: string,
  options?: RunOptions
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Stream.unwrap(Effect.gen(function*() {
    yield* checkConcurrency(id, options?.concurrency)
    const plan = yield* loadPlan(yield* BroadcastJournal.BroadcastJournal, id)
    return runPlan(plan, options, pendingOf)
  }))

/**
 * Runs the broadcast ({@link run}) to the end and returns its {@link Summary}.
 *
 * @since 0.2.0
 * @category operations
 */
export const runToSummary = (
  options: Options
): Effect.Effect<Summary, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> =>
  Effect.zipRight(Stream.runDrain(run(options)), summary(options.id))

const resolveTargets = (plan: Plan, targets: ReadonlyArray<Address>) => {
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

/**
 * Sends again, explicitly, to `Unknown` targets (all of them, or the given ones; `Failed` ones
 * too when named). The group may then get the message twice: that is the app's decision.
 * Emits the new outcomes like {@link run}.
 *
 * - Errors: {@link Error}; naming a target that is not unknown or failed is
 *   {@link BroadcastInvalidInput}, before anything is sent.
 *
 * @since 0.2.0
 * @category operations
 */
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

/**
 * Records that an `Unknown` target did get the message (the app checked the group), with its
 * message id if known (needed by {@link recall}). Nothing is sent.
 *
 * - Errors: {@link BroadcastInvalidInput} when the target is not unknown, {@link BroadcastNotFound},
 *   `BroadcastJournalError`.
 *
 * @since 0.2.0
 * @category operations
 */
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

/**
 * Counts the broadcast's targets by state and lists the unknown and failed ones.
 *
 * @since 0.2.0
 * @category operations
 */
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

/**
 * Every target of the broadcast with its state and, once sent, its message id: the list to
 * reconcile against (which targets got the message, under which msg id, which are unknown or
 * failed). A `Stream`, in plan order, in chunks of `chunkSize` (default 1 000): a large
 * broadcast is not turned into one array of outcomes. Reads the journal once; nothing is sent.
 *
 * - Errors: {@link BroadcastNotFound}, `BroadcastJournalError`.
 *
 * @example
 * ```ts
 * import { Broadcast } from "@effect-douyin/group"
 * import { Effect, Stream } from "effect"
 *
 * const report = Broadcast.targets("launch-2026-12-06").pipe(
 *   Stream.filter((t) => t.state === "Sent"),
 *   Stream.runForEach((t) => Effect.log(`${t.address.openId}: ${t.msgId}`))
 * )
 * ```
 *
 * @since 0.4.0
 * @category operations
 */
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

/**
 * Recalls every sent message of the broadcast (`POST /im/recall/msg/` per message through
 * `RecallGroupMessage`; scope `im.recall_message`; convergent, so calling it again is safe and
 * skips what it already recalled). Unknown targets are not touched.
 *
 * @since 0.2.0
 * @category operations
 */
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
