/**
 * A sliding-window limit whose promise holds *on the wire*: at most `limit` units of requests
 * reach the server in any window of `interval`.
 *
 * Why a permit is held until its attempt ends: the instant a request reaches the server lies
 * somewhere between its permit and its response, and only the response proves it has arrived.
 * A log stamped at permit time was wrong by however long the request took to leave (90–500 ms
 * for a cold burst: fiber scheduling, connection set-up), which put two windows' worth on the
 * wire in one second. So a permit is *pending* (it counts, and never expires) from the moment
 * it is granted until its attempt ends, and is then logged with that end instant. For any
 * window holding the arrivals (or the send instants) of a set of requests, the last one granted
 * saw all the others pending or logged less than one interval before, so the set fits in the
 * limit. The price: under a binding limit a slot is busy for `interval + latency`, so the
 * realized rate is `limit × interval / (interval + latency)` (within 1% for 10 ms of latency
 * at a 1 s interval).
 *
 * `effect/RateLimiter` is not enough: its token bucket lets `2 × limit` start within one
 * interval, it has no "try" (no fail-fast with a retry-after) and it knows nothing of when
 * the request left.
 *
 * Cost: the log is a ring buffer in end order with a running sum, so a permit is O(1)
 * amortized whatever the window holds (entries are appended at the tail and expire from the
 * head). Waiters queue in a FIFO line per window (`fifo.ts`); only the one at the head of the
 * line waits on the clock (or on the next release, when the room it needs is still pending).
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import type * as Clock from "effect/Clock"
import * as Fifo from "./fifo.js"

export class Window {
  /** Callers waiting for room in this window queue here; the head of the line waits for it. */
  readonly line: Fifo.FifoSemaphore
  readonly intervalMillis: number
  /** Units granted to attempts that have not ended yet. */
  private pending = 0
  /** Units in the log (ended less than one interval ago, or not yet evicted). */
  private logged = 0
  // The log: end instants and costs in a ring buffer, oldest at `head`.
  private ends: Array<number> = new Array(16)
  private costs: Array<number> = new Array(16)
  private head = 0
  private size = 0
  /** Last end instant logged: the log stays sorted even if the clock steps back. */
  private last = Number.NEGATIVE_INFINITY
  /** Completed on the next release (awaited by the head of the line when its room is pending). */
  private released: Deferred.Deferred<void> | undefined = undefined

  constructor(
    readonly label: string,
    readonly limit: number,
    interval: Duration.DurationInput
  ) {
    this.intervalMillis = Duration.toMillis(Duration.decode(interval))
    this.line = Fifo.unsafeMake(1)
  }

  private evict(now: number): void {
    const mask = this.ends.length - 1
    while (this.size > 0 && this.ends[this.head]! + this.intervalMillis <= now) {
      this.logged -= this.costs[this.head]!
      this.head = (this.head + 1) & mask
      this.size--
    }
    // Float costs may leave a residue; an empty log holds exactly nothing.
    if (this.size === 0) this.logged = 0
  }

  /** Whether `cost` more units fit now (ignoring the line). */
  fits(now: number, cost: number): boolean {
    this.evict(now)
    return this.pending + this.logged + cost <= this.limit
  }

  /** Grants `cost` units: pending until {@link release}. */
  reserve(cost: number): void {
    this.pending += cost
  }

  /** The attempt holding `cost` units ended at `now`: they stay in the log for one interval. */
  release(now: number, cost: number): void {
    this.pending -= cost
    if (this.size === this.ends.length) this.grow()
    const at = Math.max(now, this.last)
    this.last = at
    const i = (this.head + this.size) & (this.ends.length - 1)
    this.ends[i] = at
    this.costs[i] = cost
    this.size++
    this.logged += cost
    const released = this.released
    if (released !== undefined) {
      this.released = undefined
      Deferred.unsafeDone(released, Exit.void)
    }
  }

  private grow(): void {
    const n = this.ends.length
    const ends = new Array<number>(n * 2)
    const costs = new Array<number>(n * 2)
    for (let k = 0; k < this.size; k++) {
      ends[k] = this.ends[(this.head + k) & (n - 1)]!
      costs[k] = this.costs[(this.head + k) & (n - 1)]!
    }
    this.ends = ends
    this.costs = costs
    this.head = 0
  }

  /**
   * Milliseconds until `cost` more units fit: 0 now; `undefined` when the room needed is
   * still held by attempts in flight (it frees one interval after they end). Walks only the
   * entries that must expire: O(cost).
   */
  waitMillis(now: number, cost: number): number | undefined {
    this.evict(now)
    let excess = this.pending + this.logged + cost - this.limit
    if (excess <= 0) return 0
    const mask = this.ends.length - 1
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask
      excess -= this.costs[i]!
      if (excess <= 0) return this.ends[i]! + this.intervalMillis - now
    }
    return undefined
  }

  /** Resolves on the next release. */
  nextRelease(): Effect.Effect<void> {
    if (this.released === undefined) this.released = Deferred.unsafeMake<void>(FiberId.none)
    return Deferred.await(this.released)
  }

  /** Nothing pending, logged or waiting: the same as a fresh window (safe to drop). */
  isIdle(now: number): boolean {
    this.evict(now)
    return this.pending === 0 && this.size === 0 && this.line.isIdle()
  }

  /** Units pending and logged (for tests and diagnostics). */
  used(now: number): number {
    this.evict(now)
    return this.pending + this.logged
  }
}

type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/**
 * The clock's time in milliseconds with their fraction (read from its nanoseconds). In whole
 * milliseconds an end stamped at .999 would expire up to 1 ms early: a request sent just
 * before it and one sent just after it would fall in one 1 s window at the wire, `limit + 1`.
 */
export const nowMillis = (clock: Clock.Clock): number => Number(clock.unsafeCurrentTimeNanos()) / 1_000_000

/** Waits (at the head of the window's line) until `cost` fits; interruptible through `restore`. */
const awaitRoom = (clock: Clock.Clock, window: Window, cost: number, restore: Restore): Effect.Effect<void> =>
  Effect.suspend(function loop(): Effect.Effect<void> {
    const wait = window.waitMillis(nowMillis(clock), cost)
    if (wait === 0) return Effect.void
    const sleep = wait === undefined ? window.nextRelease() : clock.sleep(Duration.millis(wait))
    return Effect.flatMap(restore(sleep), () => Effect.suspend(loop))
  })

const reserveAll = (windows: ReadonlyArray<Window>, cost: number) => {
  for (const w of windows) w.reserve(cost)
}

const releaseAll = (clock: Clock.Clock, windows: ReadonlyArray<Window>, cost: number) => () => {
  const now = nowMillis(clock)
  for (const w of windows) w.release(now, cost)
}

/** Grants at once if every window has room and nobody is queued in any line. */
const tryReserve = (clock: Clock.Clock, windows: ReadonlyArray<Window>, cost: number): boolean => {
  const now = nowMillis(clock)
  for (const w of windows) if (!w.line.isIdle() || !w.fits(now, cost)) return false
  reserveAll(windows, cost)
  return true
}

/**
 * Runs `use` holding `cost` units of every window, waiting as long as needed: the lines are
 * taken in the given order and held until all windows have room, then the units are reserved
 * in all of them at once, the lines are left, and `use` runs. When `use` ends (in any way)
 * the units are logged at that instant. Callers pass windows in one fixed order (no deadlock)
 * and costs within every limit. `onQueued` wraps the wait when the call could not go at once.
 */
export const withPermit = <A, E, R, EB = never>(
  clock: Clock.Clock,
  windows: ReadonlyArray<Window>,
  cost: number,
  use: Effect.Effect<A, E, R>,
  onQueued: (wait: Effect.Effect<void>) => Effect.Effect<void> = (wait) => wait,
  bound: Fifo.Bound<EB> = Fifo.unbounded
): Effect.Effect<A, E | EB, R> =>
  Effect.uninterruptibleMask((restore) => {
    const held = Fifo.releasingSync(restore(use), releaseAll(clock, windows, cost))
    if (tryReserve(clock, windows, cost)) return held
    const queue = (i: number): Effect.Effect<void> => {
      if (i === windows.length) return Effect.sync(() => reserveAll(windows, cost))
      const w = windows[i]!
      return Effect.zipRight(
        w.line.take(restore),
        Fifo.releasing(Effect.zipRight(awaitRoom(clock, w, cost, restore), queue(i + 1)), w.line.release)
      )
    }
    // Only a call that has to queue is bounded: the wait and what it holds after it, in one
    // region (a bound that ends it gives back the line, or the units, as an interruption does).
    return Fifo.boundedRegion(restore, bound, Effect.zipRight(onQueued(queue(0)), held))
  })

/** Why {@link tryWithPermit} refused. */
export interface Refusal {
  readonly window: Window
  readonly retryAfterMillis: number
}

/**
 * Runs `use` holding `cost` units of every window if all have room now and nobody is queued;
 * otherwise the window that refused and the milliseconds until it may have room.
 */
export const tryWithPermit = <A, E, R>(
  clock: Clock.Clock,
  windows: ReadonlyArray<Window>,
  cost: number,
  use: Effect.Effect<A, E, R>,
  refuse: (refusal: Refusal) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) => {
    const now = nowMillis(clock)
    for (const window of windows) {
      if (window.line.isIdle() && window.fits(now, cost)) continue
      // A full window, or one with callers already queued for it: the estimate is when it has
      // room for this cost (room held by attempts in flight frees one interval after they end).
      const wait = window.waitMillis(now, cost) ?? window.intervalMillis
      return refuse({ window, retryAfterMillis: Math.max(1, Math.ceil(wait)) })
    }
    reserveAll(windows, cost)
    return Fifo.releasingSync(restore(use), releaseAll(clock, windows, cost))
  })
