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

/**
 * Bounds an effect that may wait (the call deadline: `Call.CallContext.bound`),
 * failing with `EB` when it ends it.
 */
export type Bound<EB> = <A, E, R>(wait: Effect.Effect<A, E, R>) => Effect.Effect<A, E | EB, R>

/** No bound: the effect as it is. */
export const unbounded: Bound<never> = (wait) => wait

export interface FifoSemaphore {
  /**
   * Runs `self` holding one permit, waiting in line for it (interruptible while waiting). A
   * call that has to wait runs under `bound` (the call deadline), the wait and `self` alike.
   */
  readonly withPermit: <A, E, R, EB = never>(self: Effect.Effect<A, E, R>, bound?: Bound<EB>) => Effect.Effect<A, E | EB, R>
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
  bound: Bound<EB>,
  region: Effect.Effect<A, E, R>
): Effect.Effect<A, E | EB, R> => restore(bound(Effect.uninterruptible(region)))

/**
 * `use`, then `release` however `use` ends (success, failure, interruption). Only for code
 * already uninterruptible (inside an `uninterruptibleMask`, `use` being what it restores):
 * there it is what `Effect.ensuring` does, without the second mask `ensuring` would add.
 */
export const releasing = <A, E, R>(use: Effect.Effect<A, E, R>, release: Effect.Effect<void>): Effect.Effect<A, E, R> =>
  Effect.matchCauseEffect(use, {
    onFailure: (cause) => Effect.zipRight(release, Effect.failCause(cause)),
    onSuccess: (a) => Effect.as(release, a)
  })

/** {@link releasing} with a synchronous `release`: no effect of its own on the way out. */
export const releasingSync = <A, E, R>(use: Effect.Effect<A, E, R>, release: () => void): Effect.Effect<A, E, R> =>
  Effect.matchCauseEffect(use, {
    onFailure: (cause) => {
      release()
      return Effect.failCause(cause)
    },
    onSuccess: (a) => {
      release()
      return Effect.succeed(a)
    }
  })

export const make = (permits: number): Effect.Effect<FifoSemaphore> => Effect.sync(() => unsafeMake(permits))

export const unsafeMake = (permits: number): FifoSemaphore => {
  let free = permits
  const queue: Array<Waiter> = []
  const isIdle = () => free > 0 && queue.length === 0
  // Takes a free permit if nobody is waiting for one.
  const tryTake = () => {
    if (!isIdle()) return false
    free--
    return true
  }

  const releaseNow = () => {
    const next = queue.shift()
    if (next === undefined) {
      free++
    } else {
      next.handed = true
      Deferred.unsafeDone(next.deferred, Effect.void)
    }
  }
  const release = Effect.sync(releaseNow)

  const acquire = (restore: Restore) =>
    Effect.suspend(() => {
      if (tryTake()) return Effect.void
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

  const withPermit = <A, E, R, EB = never>(self: Effect.Effect<A, E, R>, bound: Bound<EB> = unbounded) =>
    Effect.uninterruptibleMask((restore): Effect.Effect<A, E | EB, R> => {
      const held = releasingSync(restore(self), releaseNow)
      if (tryTake()) return held
      // Only a call that has to wait is bounded: the wait and the permit's use, in one region.
      return boundedRegion(restore, bound, Effect.zipRight(acquire(restore), held))
    })

  const withPermitIfAvailable = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<Option.Option<A>, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => tryTake() ? releasingSync(Effect.asSome(restore(self)), releaseNow) : Effect.succeed(Option.none()))
    )

  return { withPermit, withPermitIfAvailable, take: acquire, release, isIdle }
}
