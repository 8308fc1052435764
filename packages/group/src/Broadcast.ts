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
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as BroadcastJournal from "./BroadcastJournal.js"
import * as BroadcastTarget from "./BroadcastTarget.js"
import type { BroadcastInvalidInput, BroadcastNotFound, Error } from "./internal/broadcast/errors.js"
import type { Options, Outcome, RecallReport, RunOptions, Summary, TargetState } from "./internal/broadcast/model.js"
import * as reconcile from "./internal/broadcast/reconcile.js"
import * as internalRun from "./internal/broadcast/run.js"
import type * as RecallGroupMessage from "./RecallGroupMessage.js"
import type * as SendGroupMessage from "./SendGroupMessage.js"

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

export type {
  /**
   * Douyin certainly did not deliver it; `error` is the send's own typed error.
   *
   * @since 0.2.0
   * @category models
   */
  Failed,
  /**
   * @since 0.2.0
   * @category models
   */
  LeaseOptions,
  /**
   * @since 0.2.0
   * @category models
   */
  Options,
  /**
   * What happened to one target in this run.
   *
   * @since 0.2.0
   * @category models
   */
  Outcome,
  /**
   * @since 0.2.0
   * @category models
   */
  RecallReport,
  /**
   * @since 0.2.0
   * @category models
   */
  RunOptions,
  /**
   * Douyin accepted the message.
   *
   * @since 0.2.0
   * @category models
   */
  Sent,
  /**
   * The state of a whole broadcast, from its journal.
   *
   * @since 0.2.0
   * @category models
   */
  Summary,
  /**
   * One target of a broadcast as the journal has it now, for reconciliation: its place in the
   * plan, its address, its state, and the message id when it was sent.
   *
   * @since 0.4.0
   * @category models
   */
  TargetState,
  /**
   * Nobody knows whether the group got it. `error` is absent when the process stopped (or the
   * run was interrupted) while the send was in flight.
   *
   * @since 0.2.0
   * @category models
   */
  Unknown
} from "./internal/broadcast/model.js"

// ---------------------------------------------------------------------------------------------
// errors

export {
  /**
   * Another live run holds the broadcast's lease (`whenBusy: "fail"`). Nothing was sent.
   *
   * @since 0.2.0
   * @category errors
   */
  BroadcastBusy,
  /**
   * The journal holds a broadcast with this id but other targets or content. Nothing was sent.
   *
   * @since 0.2.0
   * @category errors
   */
  BroadcastConflict,
  /**
   * The input is not a valid broadcast (no targets, the same target twice, a target or content
   * that send does not take, a bad id, a target that is not in a state for the operation).
   * Nothing was written or sent.
   *
   * @since 0.2.0
   * @category errors
   */
  BroadcastInvalidInput,
  /**
   * The run could not renew its lease (another run took over after it expired): it stopped
   * claiming targets. Sends already in flight were recorded.
   *
   * @since 0.2.0
   * @category errors
   */
  BroadcastLeaseLost,
  /**
   * The journal has no broadcast with this id.
   *
   * @since 0.2.0
   * @category errors
   */
  BroadcastNotFound
} from "./internal/broadcast/errors.js"

export type {
  /**
   * Everything a broadcast operation fails with. Per-target send errors are not here: they are
   * outcomes ({@link Failed}, {@link Unknown}).
   *
   * @since 0.2.0
   * @category errors
   */
  Error
} from "./internal/broadcast/errors.js"

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
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> => internalRun.run(options)

/**
 * Resumes a broadcast by id after a crash or a stop: like {@link run}, from the journal alone.
 *
 * @since 0.2.0
 * @category operations
 */
export const resume = (
  id: string,
  options?: RunOptions
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> => internalRun.resume(id, options)

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
): Stream.Stream<Outcome, Error, SendGroupMessage.SendGroupMessage | BroadcastJournal.BroadcastJournal> => internalRun.resend(options)

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
> => reconcile.markSent(options)

/**
 * Counts the broadcast's targets by state and lists the unknown and failed ones.
 *
 * @since 0.2.0
 * @category operations
 */
export const summary = (
  id: string
): Effect.Effect<Summary, BroadcastNotFound | BroadcastJournal.BroadcastJournalError, BroadcastJournal.BroadcastJournal> =>
  reconcile.summary(id)

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
  reconcile.targets(id, options)

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
> => reconcile.recall(options)
