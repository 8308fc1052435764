/**
 * A sliding-window-log limiter: at most `limit` units start in any window of `interval`.
 *
 * `effect/RateLimiter` is not enough here: its token bucket lets `2 × limit` start within one
 * interval (a full bucket plus the refill), it has no "try" operation (so no fail-fast with a
 * retry-after), and a cost above its limit waits forever. This log keeps the start time of
 * every permit of the last interval, so the guarantee holds for every window, not only the
 * average. Waiters queue in line (a FIFO semaphore, see `fifo.ts`) and wait with `Effect.sleep` (the `Clock`,
 * so `TestClock` drives it).
 */
import { Clock, Duration, Effect, Option, Ref } from "effect"
import * as Fifo from "./fifo.js"

interface Entry {
  readonly at: number
  readonly cost: number
}

/** One limit (`limit` units per `interval`) and its log. */
export interface Window {
  readonly label: string
  readonly limit: number
  readonly intervalMillis: number
  /** Held by the caller that is next in line for this window. */
  readonly mutex: Fifo.FifoSemaphore
  readonly log: Ref.Ref<ReadonlyArray<Entry>>
}

export const make = (label: string, limit: number, interval: Duration.DurationInput): Effect.Effect<Window> =>
  Effect.map(
    Effect.zip(Fifo.make(1), Ref.make<ReadonlyArray<Entry>>([])),
    ([mutex, log]) => ({ label, limit, intervalMillis: Duration.toMillis(Duration.decode(interval)), mutex, log })
  )

/** Milliseconds until `cost` more units fit (0: now; `Infinity`: never, the cost is above the limit). */
export const waitFor = (window: Window, entries: ReadonlyArray<Entry>, now: number, cost: number): number => {
  if (cost > window.limit) return Number.POSITIVE_INFINITY
  const live = entries.filter((e) => e.at + window.intervalMillis > now)
  let used = 0
  for (const e of live) used += e.cost
  let excess = used + cost - window.limit
  if (excess <= 0) return 0
  for (const e of live) {
    excess -= e.cost
    if (excess <= 0) return e.at + window.intervalMillis - now
  }
  return window.intervalMillis
}

const record = (window: Window, now: number, cost: number) =>
  Ref.update(window.log, (entries) => [
    ...entries.filter((e) => e.at + window.intervalMillis > now),
    { at: now, cost }
  ])

/** Waits (holding the window's place in line) until `cost` fits in `window`. */
const awaitRoom = (window: Window, cost: number): Effect.Effect<void> =>
  Effect.gen(function*() {
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      const wait = waitFor(window, yield* Ref.get(window.log), now, cost)
      if (wait <= 0) return
      yield* Effect.sleep(Duration.millis(wait))
    }
  })

/**
 * Takes `cost` units from every window, waiting as long as needed. The windows' places in line
 * are taken in the given order and held until all have room; then the permit is recorded in
 * all of them at the same instant, so no window's log is ever older than the real start.
 * Callers must pass windows in one fixed order (no deadlock) with costs within every limit.
 */
export const acquire = (windows: ReadonlyArray<Window>, cost: number): Effect.Effect<void> => {
  const go = (i: number): Effect.Effect<void> => {
    if (i === windows.length) {
      return Effect.uninterruptible(
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.forEach(windows, (w) => record(w, now, cost), { discard: true }))
      )
    }
    const window = windows[i]
    return window.mutex.withPermit(Effect.zipRight(awaitRoom(window, cost), go(i + 1)))
  }
  return go(0)
}

/**
 * Takes `cost` units from every window if all have room now; otherwise the window that
 * refused and the milliseconds until it may have room.
 */
export const tryAcquire = (
  windows: ReadonlyArray<Window>,
  cost: number
): Effect.Effect<Option.Option<{ readonly window: Window; readonly retryAfterMillis: number }>> => {
  const refuse = (window: Window, wait: number) =>
    Effect.succeed(Option.some({ window, retryAfterMillis: Math.max(1, Math.ceil(wait)) }))
  const go = (i: number): Effect.Effect<Option.Option<{ readonly window: Window; readonly retryAfterMillis: number }>> => {
    if (i === windows.length) {
      return Effect.uninterruptible(Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.as(Effect.forEach(windows, (w) => record(w, now, cost), { discard: true }), Option.none())))
    }
    const window = windows[i]
    const check = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.flatMap(Ref.get(window.log), (entries) => {
        const wait = waitFor(window, entries, now, cost)
        return wait > 0 ? refuse(window, wait) : go(i + 1)
      }))
    return Effect.flatMap(window.mutex.withPermitIfAvailable(check), (result) =>
      Option.match(result, {
        // Someone is already waiting in line for this window: it is full.
        onNone: () =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.flatMap(Ref.get(window.log), (entries) => refuse(window, waitFor(window, entries, now, cost)))),
        onSome: Effect.succeed
      }))
  }
  return go(0)
}
