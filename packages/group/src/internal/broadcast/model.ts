/**
 * The shapes the broadcast operations work with. Each is defined here, once; the public
 * `Broadcast` module re-exports it under the same name (`Broadcast.Outcome`, `Broadcast.Summary`,
 * …) with its description, and the operations here use it as it is.
 */
import type { DouyinDecodeError, DouyinOutcomeUnknown } from "@effect-douyin/core/DouyinError"
import type * as Duration from "effect/Duration"
import type * as BroadcastJournal from "../../BroadcastJournal.js"
import type { Address, Target } from "../../BroadcastTarget.js"
import type * as MessageContent from "../../MessageContent.js"
import type * as RecallGroupMessage from "../../RecallGroupMessage.js"
import type * as SendGroupMessage from "../../SendGroupMessage.js"

export type { Address, Target }

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

export interface LeaseOptions {
  /** How long the broadcast's lease lasts without renewal (renewed every third of it). Default 30 seconds. */
  readonly timeToLive?: Duration.DurationInput | undefined
  /** When another live run holds the lease: `"wait"` for it (default) or `"fail"` with `BroadcastBusy`. */
  readonly whenBusy?: "wait" | "fail" | undefined
}

export interface RunOptions {
  /** Sends in flight at once (the client's rate limits apply on top). Default 8. */
  readonly concurrency?: number | undefined
  readonly lease?: LeaseOptions | undefined
}

export interface Options extends RunOptions {
  /** Names the broadcast in the journal; run it again with the same id to resume. */
  readonly id: string
  readonly targets: ReadonlyArray<Target>
  /** The message for every target without its own `content`. */
  readonly content?: MessageContent.GroupMessageContent | undefined
}

/** What every outcome says of its target (not exported by the public module). */
export interface OutcomeBase {
  readonly broadcastId: string
  /** The target's position in the broadcast's target list. */
  readonly index: number
  readonly address: Address
  /** The send attempt (the `Broadcast.send` span's `douyin.broadcast.attempt_id`). */
  readonly attemptId: string
}

export interface Sent extends OutcomeBase {
  readonly _tag: "Sent"
  /** Absent only when the app marked the target sent without knowing the id. */
  readonly msgId: string | undefined
}

export interface Failed extends OutcomeBase {
  readonly _tag: "Failed"
  readonly error: SendGroupMessage.Error
}

export interface Unknown extends OutcomeBase {
  readonly _tag: "Unknown"
  readonly error: DouyinOutcomeUnknown | DouyinDecodeError | undefined
  /** The client request id of a `DouyinOutcomeUnknown`, for reconciliation. */
  readonly clientRequestId: string | undefined
  readonly description: string
}

export type Outcome = Sent | Failed | Unknown

export interface Summary {
  readonly id: string
  readonly total: number
  readonly sent: number
  readonly failed: number
  readonly unknown: number
  readonly pending: number
  /** Claimed by a run that is still going (or died and was not resumed yet). */
  readonly inFlight: number
  /** Sent messages withdrawn by `Broadcast.recall`. */
  readonly recalled: number
  readonly unknownTargets: ReadonlyArray<Unknown>
  readonly failedTargets: ReadonlyArray<Failed>
}

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
