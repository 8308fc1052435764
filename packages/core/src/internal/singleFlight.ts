/**
 * Keyed single-flight: at most one piece of work per key at a time; callers that arrive while
 * it runs await its result (success or failure). The work runs in the owner's scope, so a
 * caller that is interrupted does not cancel it for the others.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"

export interface SingleFlight {
  /**
   * Atomically with respect to every other `run` and to the end of any flight: join the
   * flight of `key` if one runs; else `check` (Some → done without work); else start `work`.
   */
  readonly run: <A, E, R>(
    key: string,
    check: Effect.Effect<Option.Option<A>, E, R>,
    work: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
}

type Flights = ReadonlyMap<string, Deferred.Deferred<any, any>>
type Step<A, E> = readonly [Effect.Effect<A, E>, Flights]

export const make: Effect.Effect<SingleFlight, never, Scope.Scope> = Effect.gen(function*() {
  const scope = yield* Effect.scope
  const flights = yield* SynchronizedRef.make<Flights>(new Map())

  const forget = (key: string, deferred: Deferred.Deferred<any, any>) =>
    SynchronizedRef.update(flights, (m) => {
      if (m.get(key) !== deferred) return m
      const next = new Map(m)
      next.delete(key)
      return next
    })

  const run = <A, E, R>(
    key: string,
    check: Effect.Effect<Option.Option<A>, E, R>,
    work: Effect.Effect<A, E, R>
  ): Effect.Effect<A, E, R> =>
    Effect.flatten(
      SynchronizedRef.modifyEffect(flights, (m): Effect.Effect<Step<A, E>, never, R> => {
        const running = m.get(key) as Deferred.Deferred<A, E> | undefined
        if (running !== undefined) return Effect.succeed([Deferred.await(running), m] as const)
        return Effect.matchEffect(check, {
          onFailure: (e) => Effect.succeed([Effect.fail(e), m] as const),
          onSuccess: Option.match({
            onSome: (a) => Effect.succeed([Effect.succeed(a), m] as const),
            onNone: () =>
              Effect.gen(function*() {
                const deferred = yield* Deferred.make<A, E>()
                // The result is published before the flight is forgotten: whoever finds no
                // flight afterwards also finds the work's effects (e.g. a stored token).
                yield* work.pipe(
                  Effect.intoDeferred(deferred),
                  Effect.ensuring(forget(key, deferred)),
                  Effect.forkIn(scope)
                )
                const next: Flights = new Map(m).set(key, deferred)
                return [Deferred.await(deferred), next] as const
              })
          })
        })
      })
    )

  return { run }
})
