/**
 * A fair (first come, first served) counting semaphore that hands a freed permit to exactly
 * one waiter.
 *
 * `Effect.makeSemaphore` (effect 3.22) resumes *every* waiter on each release and lets them
 * race for the permit: with n calls queued behind a rate limit that is O(n) fiber wake-ups per
 * permit, O(n²) for the queue (1 000 queued calls cost seconds of CPU), and the order is not
 * guaranteed. Here a release hands the permit to the oldest waiter directly.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

interface Waiter {
  readonly deferred: Deferred.Deferred<void>
  handed: boolean
}

type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

export interface FifoSemaphore {
  /** Runs `self` holding one permit, waiting in line for it (interruptible while waiting). */
  readonly withPermit: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Runs `self` holding one permit if one is free and nobody is waiting; `None` otherwise. */
  readonly withPermitIfAvailable: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<Option.Option<A>, E, R>
  /**
   * Takes one permit, waiting in line (interruptible only through `restore`). Call it in an
   * uninterruptible region and pair it with {@link release}.
   */
  readonly take: (restore: Restore) => Effect.Effect<void>
  readonly release: Effect.Effect<void>
  /** A permit is free and nobody is waiting. */
  readonly isIdle: () => boolean
}

export const make = (permits: number): Effect.Effect<FifoSemaphore> => Effect.sync(() => unsafeMake(permits))

export const unsafeMake = (permits: number): FifoSemaphore => {
  let free = permits
  const queue: Array<Waiter> = []

  const release = Effect.sync(() => {
    const next = queue.shift()
    if (next === undefined) {
      free++
    } else {
      next.handed = true
      Deferred.unsafeDone(next.deferred, Effect.void)
    }
  })

  const acquire = (restore: Restore) =>
    Effect.suspend(() => {
      if (free > 0 && queue.length === 0) {
        free--
        return Effect.void
      }
      return Effect.flatMap(Deferred.make<void>(), (deferred) => {
        const waiter: Waiter = { deferred, handed: false }
        queue.push(waiter)
        return restore(Deferred.await(deferred)).pipe(
          Effect.onInterrupt(() =>
            waiter.handed
              ? release // the permit arrived as we were interrupted: pass it on
              : Effect.sync(() => {
                const i = queue.indexOf(waiter)
                if (i >= 0) queue.splice(i, 1)
              })
          )
        )
      })
    })

  const withPermit = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) => Effect.zipRight(acquire(restore), Effect.ensuring(restore(self), release)))

  const withPermitIfAvailable = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<Option.Option<A>, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        if (free <= 0 || queue.length > 0) return Effect.succeed(Option.none())
        free--
        return Effect.ensuring(Effect.asSome(restore(self)), release)
      })
    )

  return { withPermit, withPermitIfAvailable, take: acquire, release, isIdle: () => free > 0 && queue.length === 0 }
}
