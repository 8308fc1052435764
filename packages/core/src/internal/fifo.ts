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
  /**
   * Runs `self` holding one permit, waiting in line for it (interruptible while waiting). A
   * call that has to wait runs under `bound` (the call deadline), the wait and `self` alike.
   */
  readonly withPermit: <A, E, R, EB = never>(
    self: Effect.Effect<A, E, R>,
    bound?: <X, Y, Z>(wait: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y | EB, Z>
  ) => Effect.Effect<A, E | EB, R>
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

/**
 * `region` (written to run uninterruptibly, interruptible where it restores) under `bound`:
 * interruptible while the bound races it, and a bound that ends it ends the region as an
 * interruption would (its finalizers give back what it holds).
 */
export const boundedRegion = <A, E, R, EB>(
  restore: Restore,
  bound: <X, Y, Z>(wait: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y | EB, Z>,
  region: Effect.Effect<A, E, R>
): Effect.Effect<A, E | EB, R> => restore(bound(Effect.uninterruptible(region)))

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

  const withPermit = <A, E, R, EB = never>(
    self: Effect.Effect<A, E, R>,
    bound?: <X, Y, Z>(wait: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y | EB, Z>
  ): Effect.Effect<A, E | EB, R> =>
    Effect.uninterruptibleMask((restore) => {
      const held = Effect.ensuring(restore(self), release)
      if (free > 0 && queue.length === 0) {
        free--
        return held
      }
      const waited = Effect.zipRight(acquire(restore), held)
      // The wait and the permit's use, bounded in one region (see window.ts boundedRegion).
      return bound === undefined ? waited : boundedRegion(restore, bound, waited)
    })

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
