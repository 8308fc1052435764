/**
 * What every journal backend implements, in strings: `BroadcastJournal` encodes and decodes
 * (Schema, with a version) in one place, so the backends only store, compare and lease.
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The journal could not be read or written (store unreachable, an entry of another version,
 * a corrupt file).
 *
 * @since 0.2.0
 * @category errors
 */
export class BroadcastJournalError extends Schema.TaggedError<BroadcastJournalError>()("BroadcastJournalError", {
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `broadcast journal ${this.operation}: ${this.description}`
  }
}

export interface RawStore {
  /** Writes the plan and `entries[i]` for target `i`, unless `id` exists: then returns its plan. */
  readonly create: (
    id: string,
    plan: string,
    entries: ReadonlyArray<string>
  ) => Effect.Effect<Option.Option<string>, BroadcastJournalError>
  readonly plan: (id: string) => Effect.Effect<Option.Option<string>, BroadcastJournalError>
  readonly entries: (id: string) => Effect.Effect<ReadonlyArray<readonly [number, string]>, BroadcastJournalError>
  readonly compareAndSet: (
    id: string,
    target: number,
    expected: string,
    next: string
  ) => Effect.Effect<boolean, BroadcastJournalError>
  readonly acquireLease: (id: string, owner: string, ttlMillis: number) => Effect.Effect<boolean, BroadcastJournalError>
  readonly renewLease: (id: string, owner: string, ttlMillis: number) => Effect.Effect<boolean, BroadcastJournalError>
  readonly releaseLease: (id: string, owner: string) => Effect.Effect<void, BroadcastJournalError>
}

export const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))
