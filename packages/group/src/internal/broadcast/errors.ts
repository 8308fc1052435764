/**
 * The errors of the broadcast operations (`Broadcast.BroadcastInvalidInput`, …), documented where
 * the public `Broadcast` module exports them.
 */
import * as Schema from "effect/Schema"
import type * as BroadcastJournal from "../../BroadcastJournal.js"

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

/** `Broadcast.Error`. */
export type Error =
  | BroadcastInvalidInput
  | BroadcastNotFound
  | BroadcastConflict
  | BroadcastBusy
  | BroadcastLeaseLost
  | BroadcastJournal.BroadcastJournalError
