/**
 * Load drivers: `total` calls spread over `concurrency` workers that each take the next
 * call as soon as their previous one finished (closed loop). Latency of call `i` is stored in
 * `latencies[i]` (milliseconds, `performance.now()` resolution).
 */
import { Effect } from "effect"
import { performance } from "node:perf_hooks"
import type { PromiseCall } from "./clients.js"

export interface Run {
  readonly total: number
  readonly elapsedMs: number
  /** Per-call latency in ms, unsorted; `undefined` when not recorded. */
  readonly latencies: Float64Array | undefined
}

/** Drives a promise-returning client. */
export const drivePromise = async (
  call: PromiseCall,
  total: number,
  concurrency: number,
  record = true
): Promise<Run> => {
  const latencies = record ? new Float64Array(total) : undefined
  let next = 0
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= total) return
      const t0 = performance.now()
      await call()
      if (latencies !== undefined) latencies[i] = performance.now() - t0
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker))
  return { total, elapsedMs: performance.now() - start, latencies }
}

/** Drives an Effect client inside the Effect runtime: `concurrency` fibers, no promises per call. */
export const driveEffect = <E>(
  call: Effect.Effect<unknown, E>,
  total: number,
  concurrency: number,
  record = true
): Effect.Effect<Run, E> =>
  Effect.suspend(() => {
    const latencies = record ? new Float64Array(total) : undefined
    let next = 0
    const timed = Effect.suspend(() => {
      const i = next++
      if (i >= total) return Effect.void
      const t0 = performance.now()
      return latencies === undefined
        ? Effect.asVoid(call)
        : Effect.map(call, () => {
          latencies[i] = performance.now() - t0
        })
    })
    const worker = Effect.whileLoop({ while: () => next < total, body: () => timed, step: () => {} })
    const start = performance.now()
    return Effect.map(
      Effect.all(Array.from({ length: Math.min(concurrency, total) }, () => worker), {
        concurrency: "unbounded",
        discard: true
      }),
      () => ({ total, elapsedMs: performance.now() - start, latencies })
    )
  })

/**
 * Open-ended driver for the limiter: `concurrency` fibers keep calling until `durationMs`
 * has passed (a call that started before the deadline finishes). Returns the number of calls.
 */
export const driveFor = <E>(
  call: Effect.Effect<unknown, E>,
  durationMs: number,
  concurrency: number
): Effect.Effect<number, E> =>
  Effect.suspend(() => {
    const deadline = performance.now() + durationMs
    let calls = 0
    const worker = Effect.whileLoop({
      while: () => performance.now() < deadline,
      body: () => call,
      step: () => {
        calls++
      }
    })
    return Effect.map(
      Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency: "unbounded", discard: true }),
      () => calls
    )
  })
