/**
 * The shapes the broadcast operations work with, under the names the public `Broadcast` module
 * documents them by (`Broadcast.Outcome`, `Broadcast.Summary`, …); the public module declares
 * each with its documentation, and its signatures check that these match.
 */
import type { DouyinDecodeError, DouyinOutcomeUnknown } from "@effect-douyin/core/DouyinError"
import type * as Duration from "effect/Duration"
import type * as BroadcastJournal from "../../BroadcastJournal.js"
import type * as BroadcastTarget from "../../BroadcastTarget.js"
import type * as MessageContent from "../../MessageContent.js"
import type * as RecallGroupMessage from "../../RecallGroupMessage.js"
import type * as SendGroupMessage from "../../SendGroupMessage.js"

export type Address = BroadcastTarget.Address
export type Target = BroadcastTarget.Target

export interface TargetState {
  readonly broadcastId: string
  readonly index: number
  readonly address: Address
  readonly state: BroadcastJournal.State
  readonly msgId: string | undefined
  readonly recalledAt: number | undefined
  readonly outcome: Outcome | undefined
}

export interface LeaseOptions {
  readonly timeToLive?: Duration.DurationInput | undefined
  readonly whenBusy?: "wait" | "fail" | undefined
}

export interface RunOptions {
  readonly concurrency?: number | undefined
  readonly lease?: LeaseOptions | undefined
}

export interface Options extends RunOptions {
  readonly id: string
  readonly targets: ReadonlyArray<Target>
  readonly content?: MessageContent.GroupMessageContent | undefined
}

export interface OutcomeBase {
  readonly broadcastId: string
  readonly index: number
  readonly address: Address
  readonly attemptId: string
}

export interface Sent extends OutcomeBase {
  readonly _tag: "Sent"
  readonly msgId: string | undefined
}

export interface Failed extends OutcomeBase {
  readonly _tag: "Failed"
  readonly error: SendGroupMessage.Error
}

export interface Unknown extends OutcomeBase {
  readonly _tag: "Unknown"
  readonly error: DouyinOutcomeUnknown | DouyinDecodeError | undefined
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
  readonly inFlight: number
  readonly recalled: number
  readonly unknownTargets: ReadonlyArray<Unknown>
  readonly failedTargets: ReadonlyArray<Failed>
}

export interface RecallReport {
  readonly id: string
  readonly recalled: number
  readonly alreadyRecalled: number
  readonly failed: ReadonlyArray<{ readonly index: number; readonly address: Address; readonly error: RecallGroupMessage.Error }>
  readonly skipped: ReadonlyArray<{ readonly index: number; readonly address: Address; readonly reason: string }>
}
