/**
 * Where a {@link Broadcast} remembers, per target, how far it got: the plan (targets and
 * content) and one entry per target moving `Pending → InFlight → Sent | Failed | Unknown`.
 * `Broadcast` writes `InFlight` *before* a send starts and the outcome after it ends, so a
 * crash can never hide a send: whatever was in flight is found `InFlight` on resume and becomes
 * `Unknown`, never re-sent by itself.
 *
 * Three stores, one contract (test/broadcast-journal.test.ts runs the same suite on each):
 *
 * | layer | for | survives a restart | many instances |
 * |---|---|---|---|
 * | {@link layerMemory} | tests | no | no |
 * | {@link layerFileSystem} | one host (the default) | yes: an append-only file per broadcast, flushed per record | processes on one directory: lock files |
 * | `BroadcastJournalRedis.layer` (`@effect-douyin/group/BroadcastJournalRedis`) | many instances | yes | yes: atomic compare-and-set, lease with a TTL |
 *
 * Entries and plans are Schema-encoded JSON with a `version` field; a version this code does
 * not know fails with {@link BroadcastJournalError} instead of being misread.
 *
 * Safety comes from {@link Service.compareAndSet}: a target is claimed by one atomic
 * `Pending → InFlight`, so two processes can never both send to it. The per-broadcast
 * {@link Service.acquireLease lease} (TTL, renewed while a run lasts) only decides when an
 * `InFlight` entry is an orphan of a dead process: when a run holds the lease, no other live
 * run does.
 *
 * @example
 * ```ts
 * import { BroadcastJournal } from "@effect-douyin/group"
 * import { NodeFileSystem, NodePath } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * // One instance: journals under ./data/broadcasts (survive restarts).
 * const Journal = BroadcastJournal.layerFileSystem("./data/broadcasts").pipe(
 *   Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))
 * )
 * ```
 *
 * @since 0.2.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  DouyinDecodeError,
  DouyinHttpError,
  DouyinInvalidInput,
  DouyinInvalidParams,
  DouyinOutcomeUnknown,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinRateLimited,
  DouyinStoreError,
  DouyinTransportError
} from "@effect-douyin/core/DouyinError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { makeFileStore } from "./internal/broadcast/fileStore.js"
import { makeMemoryStore } from "./internal/broadcast/memoryStore.js"
import { BroadcastJournalError as StoreError, type RawStore } from "./internal/broadcast/store.js"
import * as MessageContent from "./MessageContent.js"

// ---------------------------------------------------------------------------------------------
// models

/**
 * The journal format version this code writes and reads.
 *
 * @since 0.2.0
 * @category constants
 */
export const version = 1 as const

/**
 * One target of a plan: the operator and the group (by id or by token), and which of the
 * plan's `contents` it gets.
 *
 * @since 0.2.0
 * @category schemas
 */
export const PlannedTarget = Schema.Struct({
  openId: Schema.String,
  groupId: Schema.optional(Schema.String),
  groupToken: Schema.optional(Schema.String),
  content: Schema.Int
})

/**
 * @since 0.2.0
 * @category models
 */
export interface PlannedTarget extends Schema.Schema.Type<typeof PlannedTarget> {}

/**
 * What a broadcast sends, fixed when it is created. Targets are named in entries by their
 * index in `targets`. `contents` holds each distinct message once (in its wire form on disk).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Plan = Schema.Struct({
  id: Schema.String,
  /** Epoch milliseconds. */
  createdAt: Schema.Number,
  contents: Schema.Array(MessageContent.GroupMessageContent),
  targets: Schema.Array(PlannedTarget)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Plan extends Schema.Schema.Type<typeof Plan> {}

/**
 * Everything `SendGroupMessage.send` fails with, as a Schema (errors are stored typed). A type
 * test keeps it equal to `SendGroupMessage.Error`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SendError = Schema.Union(
  DouyinInvalidInput,
  DouyinTransportError,
  DouyinOutcomeUnknown,
  DouyinHttpError,
  DouyinDecodeError,
  DouyinRateLimited,
  DouyinStoreError,
  DouyinAuthError,
  DouyinPermissionError,
  DouyinInvalidParams,
  DouyinQuotaError,
  DouyinBusyError,
  DouyinApiError
)

/**
 * Not sent yet.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Pending = Schema.TaggedStruct("Pending", {})

/**
 * A send was claimed by `owner` and may be on the wire. Written before the request leaves.
 *
 * @since 0.2.0
 * @category schemas
 */
export const InFlight = Schema.TaggedStruct("InFlight", {
  /** Unique per send attempt; the `Broadcast.send` span carries it as `douyin.broadcast.attempt_id`. */
  attemptId: Schema.String,
  /** The run that claimed it. */
  owner: Schema.String,
  startedAt: Schema.Number
})

/**
 * Douyin accepted the message (`msgId`), or the app said so with `Broadcast.markSent`
 * (`msgId` then only if the app knew it).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Sent = Schema.TaggedStruct("Sent", {
  attemptId: Schema.String,
  msgId: Schema.optional(Schema.String),
  /** `true` when the app marked it sent after reconciling an unknown outcome. */
  marked: Schema.Boolean,
  at: Schema.Number,
  /** Set by `Broadcast.recall`. */
  recalledAt: Schema.optional(Schema.Number)
})

/**
 * Douyin certainly did not deliver it: a definitive error (quota, permission, parameters…) or
 * a failure before the request left (`DouyinTransportError` with `sent: false`, rate limited).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Failed = Schema.TaggedStruct("Failed", {
  attemptId: Schema.String,
  error: SendError,
  at: Schema.Number
})

/**
 * Nobody knows whether the group got it: the send ended in `DouyinOutcomeUnknown` (or a 200
 * that did not decode), or the process stopped while it was in flight (`error` absent).
 * Never re-sent by itself: the app decides with `Broadcast.resend` or `Broadcast.markSent`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Unknown = Schema.TaggedStruct("Unknown", {
  attemptId: Schema.String,
  error: Schema.optional(Schema.Union(DouyinOutcomeUnknown, DouyinDecodeError)),
  /** Why the outcome is unknown, for logs and people. */
  description: Schema.String,
  at: Schema.Number
})

/**
 * The state of one target.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Entry = Schema.Union(Pending, InFlight, Sent, Failed, Unknown)

/**
 * @since 0.2.0
 * @category models
 */
export type Entry = typeof Entry.Type

/**
 * @since 0.2.0
 * @category models
 */
export type State = Entry["_tag"]

/**
 * The journal could not be read or written (store unreachable, an entry of another version,
 * a corrupt file).
 *
 * @since 0.2.0
 * @category errors
 */
export const BroadcastJournalError = StoreError

/**
 * @since 0.2.0
 * @category errors
 */
export type BroadcastJournalError = StoreError

// ---------------------------------------------------------------------------------------------
// the service

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /**
   * Writes `plan` with every target `Pending`, atomically, unless a broadcast with its id
   * exists: then nothing is written and the existing plan is returned.
   */
  readonly create: (plan: Plan) => Effect.Effect<Option.Option<Plan>, BroadcastJournalError>
  readonly plan: (id: string) => Effect.Effect<Option.Option<Plan>, BroadcastJournalError>
  /** Every target's entry, by index in the plan. */
  readonly entries: (id: string) => Effect.Effect<ReadonlyMap<number, Entry>, BroadcastJournalError>
  /**
   * Replaces the entry of `target` with `next` if it still equals `expected`; `false` when it
   * did not (another writer got there first). Atomic, across instances for shared stores.
   */
  readonly compareAndSet: (
    id: string,
    target: number,
    expected: Entry,
    next: Entry
  ) => Effect.Effect<boolean, BroadcastJournalError>
  /**
   * Takes the broadcast's lease for `owner` for `timeToLive` (or renews it if `owner` holds
   * it); `false` when another owner holds it.
   */
  readonly acquireLease: (
    id: string,
    owner: string,
    timeToLive: Duration.Duration
  ) => Effect.Effect<boolean, BroadcastJournalError>
  /** Extends the lease if `owner` still holds it; `false` when it was lost. */
  readonly renewLease: (
    id: string,
    owner: string,
    timeToLive: Duration.Duration
  ) => Effect.Effect<boolean, BroadcastJournalError>
  /** Gives the lease up if `owner` holds it. */
  readonly releaseLease: (id: string, owner: string) => Effect.Effect<void, BroadcastJournalError>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class BroadcastJournal extends Context.Tag("@effect-douyin/group/BroadcastJournal")<
  BroadcastJournal,
  Service
>() {}

// ---------------------------------------------------------------------------------------------
// encoding (one place for every store)

const Versioned = Schema.parseJson(Schema.Struct({ version: Schema.Unknown }))
const EntryJson = Schema.parseJson(Schema.Struct({ version: Schema.Literal(version), state: Entry }))
const PlanJson = Schema.parseJson(Schema.Struct({ version: Schema.Literal(version), plan: Plan }))

const decodeVersioned = <A, I>(schema: Schema.Schema<A, I>, what: string) => {
  const decode = Schema.decodeUnknown(schema)
  const versionOf = Schema.decodeUnknownOption(Versioned)
  return (text: string): Effect.Effect<A, BroadcastJournalError> =>
    Effect.mapError(decode(text), (e) => {
      const found = Option.map(versionOf(text), (v) => v.version)
      return new BroadcastJournalError({
        operation: `decode ${what}`,
        description: Option.isSome(found) && found.value !== version
          ? `${what} has format version ${JSON.stringify(found.value)}; this code reads version ${version}`
          : ParseResult.TreeFormatter.formatErrorSync(e)
      })
    })
}

const encodeWith = <A, I>(schema: Schema.Schema<A, I>, what: string) => {
  const encode = Schema.encode(schema)
  return (value: A): Effect.Effect<I, BroadcastJournalError> =>
    Effect.mapError(
      encode(value),
      (e) => new BroadcastJournalError({ operation: `encode ${what}`, description: ParseResult.TreeFormatter.formatErrorSync(e) })
    )
}

const decodeEntry = decodeVersioned(EntryJson, "entry")
const decodePlan = decodeVersioned(PlanJson, "plan")
const encodeEntryJson = encodeWith(EntryJson, "entry")
const encodePlanJson = encodeWith(PlanJson, "plan")
const encodeEntry = (state: Entry) => encodeEntryJson({ version, state })
const pending = encodeEntry({ _tag: "Pending" })

/**
 * The typed journal over a string store: every value is Schema-encoded with its version here,
 * so a backend only stores, compares and leases strings.
 */
/**
 * The journal over a raw store (the building block of the layers here and of
 * `BroadcastJournalRedis`, a module of its own because it needs the optional peer `ioredis`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromRawStore = (raw: RawStore): Service => ({
  create: (plan) =>
    Effect.gen(function*() {
      const encoded = yield* encodePlanJson({ version, plan })
      const entry = yield* pending
      const existing = yield* raw.create(plan.id, encoded, plan.targets.map(() => entry))
      return Option.isNone(existing)
        ? Option.none()
        : Option.some((yield* decodePlan(existing.value)).plan)
    }),
  plan: (id) =>
    Effect.flatMap(raw.plan(id), (text) =>
      Option.match(text, {
        onNone: () => Effect.succeed(Option.none()),
        onSome: (text) => Effect.map(decodePlan(text), (p) => Option.some(p.plan))
      })),
  entries: (id) =>
    Effect.flatMap(raw.entries(id), (rows) =>
      Effect.map(
        Effect.forEach(rows, ([target, text]) => Effect.map(decodeEntry(text), (e) => [target, e.state] as const)),
        (decoded) => new Map(decoded)
      )),
  compareAndSet: (id, target, expected, next) =>
    Effect.flatMap(
      Effect.zip(encodeEntry(expected), encodeEntry(next)),
      ([e, n]) => raw.compareAndSet(id, target, e, n)
    ),
  acquireLease: (id, owner, timeToLive) => raw.acquireLease(id, owner, Duration.toMillis(timeToLive)),
  renewLease: (id, owner, timeToLive) => raw.renewLease(id, owner, Duration.toMillis(timeToLive)),
  releaseLease: raw.releaseLease
})

/**
 * An in-memory journal (state in the layer): for tests.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<BroadcastJournal> = Layer.effect(
  BroadcastJournal,
  Effect.map(makeMemoryStore, fromRawStore)
)

/**
 * A journal in `directory`: one append-only file per broadcast (`<id>.journal`, one JSON line
 * per change). Appending, rather than rewriting a file per entry
 * (`KeyValueStore.layerFileSystem`), is what makes it safe under SIGKILL: a write cut short
 * leaves at most a partial last line, which is dropped on reading, and the state before it
 * (the target still `InFlight`) is the truth. Each record is flushed (`fsync`) before it is
 * reported written, so the `InFlight` record of a send is on disk before its request leaves: a
 * crash, even of the host, turns it into `Unknown`, never into a silent re-send (about 5 ms per
 * send on a local disk; see the broadcast journal test).
 *
 * Processes sharing the directory share the journal: every operation runs under a per-broadcast
 * lock file (created exclusively, broken when its process has died) and re-reads what another
 * process appended, so a target is claimed once across processes; the lease is a file too
 * (owner, pid, expiry), so a second `run`/`resume` of a broadcast in another process waits for
 * it or fails with `BroadcastBusy` (`whenBusy: "fail"`). A lease whose process was killed on
 * this host ends at once; one held from another host (a shared directory) at its expiry.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFileSystem = (
  directory: string
): Layer.Layer<BroadcastJournal, BroadcastJournalError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(BroadcastJournal, Effect.map(makeFileStore(directory), fromRawStore))
