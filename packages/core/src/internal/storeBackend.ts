/**
 * What a persistent token store must do with stored text, whatever holds it (a directory, a
 * Redis): read, write atomically, remove, list one app's entries, and hold a lease per key
 * across processes. `TokenStore` turns a backend into its service (Schema-encoded entries,
 * encryption, typed errors).
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"

export interface Key {
  readonly clientKey: string
  readonly openId: string
}

export class StoreFailure extends Data.TaggedError("StoreFailure")<{
  readonly operation: string
  readonly description: string
}> {}

/**
 * One entry found by a listing: its stored text, or why it cannot be read. `entry` names it as
 * the backend does (a file name, an open_id in Redis' index); `openId` is absent when the name
 * itself is not one the backend writes (a stray file).
 */
export type Listed =
  | { readonly _tag: "Stored"; readonly entry: string; readonly openId: string; readonly text: string }
  | {
    readonly _tag: "Unreadable"
    readonly entry: string
    readonly openId: string | undefined
    readonly reason: "name" | "read"
    readonly description: string
  }

export interface Backend {
  readonly name: string
  readonly read: (key: Key) => Effect.Effect<Option.Option<string>, StoreFailure>
  /** Replaces the text at once: a reader sees the old or the new text, never a mix. */
  readonly write: (key: Key, text: string) => Effect.Effect<void, StoreFailure>
  readonly remove: (key: Key) => Effect.Effect<void, StoreFailure>
  /**
   * One app's entries with their text, in one pass. Fails only when the app's entries cannot be
   * listed at all (the directory unreadable, Redis down); an entry that cannot be read is
   * `Unreadable` and the listing goes on. An entry removed meanwhile is left out.
   */
  readonly entries: (clientKey: string) => Effect.Effect<ReadonlyArray<Listed>, StoreFailure>
  readonly withLease: <A, E, R>(
    key: Key,
    ttl: Duration.Duration,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | StoreFailure, R>
}

/** The lease is held by someone else right now. */
class Held extends Data.TaggedError("Held")<{}> {}

/**
 * Runs `effect` while holding a lease taken with `tryAcquire` (None: held by someone else).
 * Waits for it by polling: the holder releases it, or its lease ends after `ttl` (a crashed
 * holder). Waits at most `ttl` twice over, then fails. The effect itself is bounded by `ttl`,
 * so a slow holder does not write after its lease could have passed to another.
 */
export const withPolledLease = <A, E, R>(options: {
  readonly ttl: Duration.Duration
  readonly tryAcquire: Effect.Effect<Option.Option<Effect.Effect<void>>, StoreFailure>
  readonly effect: Effect.Effect<A, E, R>
}): Effect.Effect<A, E | StoreFailure, R> => {
  const acquire = Effect.flatMap(
    options.tryAcquire,
    Option.match({
      onNone: () => Effect.fail(new Held()),
      onSome: Effect.succeed
    })
  ).pipe(
    Effect.retry({
      while: (e) => e._tag === "Held",
      schedule: Schedule.spaced("50 millis").pipe(Schedule.jittered, Schedule.upTo(Duration.times(options.ttl, 2)))
    }),
    Effect.catchTag("Held", () =>
      Effect.fail(
        new StoreFailure({
          operation: "lease",
          description: `the refresh lease stayed held by another instance for ${Duration.format(Duration.times(options.ttl, 2))}`
        })
      ))
  )
  return Effect.acquireUseRelease(
    acquire,
    () =>
      options.effect.pipe(
        Effect.timeoutFail({
          duration: options.ttl,
          onTimeout: () =>
            new StoreFailure({
              operation: "lease",
              description: `work under the lease took longer than its ${Duration.format(options.ttl)}`
            })
        })
      ),
    (release) => release
  )
}
