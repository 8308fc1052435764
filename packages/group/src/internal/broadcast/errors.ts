/**
 * The errors of the broadcast operations (`Broadcast.BroadcastInvalidInput`, …), documented where
 * the public `Broadcast` module exports them.
 */
import * as Schema from "effect/Schema"
import type * as BroadcastJournal from "../../BroadcastJournal.js"

export class BroadcastInvalidInput extends Schema.TaggedError<BroadcastInvalidInput>()("BroadcastInvalidInput", {
  broadcastId: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: invalid input, nothing was written or sent: ${this.description}`
  }
}

export class BroadcastNotFound extends Schema.TaggedError<BroadcastNotFound>()("BroadcastNotFound", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: not in the journal`
  }
}

export class BroadcastConflict extends Schema.TaggedError<BroadcastConflict>()("BroadcastConflict", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: the journal holds this id with other targets or content; use a new id`
  }
}

export class BroadcastBusy extends Schema.TaggedError<BroadcastBusy>()("BroadcastBusy", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: another run holds its lease`
  }
}

export class BroadcastLeaseLost extends Schema.TaggedError<BroadcastLeaseLost>()("BroadcastLeaseLost", {
  broadcastId: Schema.String
}) {
  override get message() {
    return `broadcast ${this.broadcastId}: lease lost; stopped claiming targets`
  }
}

/** `Broadcast.Error`: everything a broadcast operation fails with. */
export type Error =
  | BroadcastInvalidInput
  | BroadcastNotFound
  | BroadcastConflict
  | BroadcastBusy
  | BroadcastLeaseLost
  | BroadcastJournal.BroadcastJournalError
