/**
 * Two per-call costs that do not depend on how loaded the machine is:
 *
 * - client CPU per call: `process.cpuUsage()` (user + system, every thread of this process:
 *   the server runs in its own) over a block of calls, taken in alternation with a block of
 *   raw undici calls so that both see the same machine; the ratio of each pair, then the
 *   median of the ratios;
 * - forked fibers and Effect steps per call: a `Supervisor` that counts every fiber started
 *   and every Effect instruction the runtime evaluates (with op supervision on) while `calls`
 *   sequential calls run in one fiber (so the driver itself forks none); the steps of the same
 *   loop over `Effect.void` are subtracted, so what is left is the call's own.
 */
import { Effect, RuntimeFlags, RuntimeFlagsPatch, Supervisor } from "effect"
import * as Stats from "./stats.js"

class Counter extends Supervisor.AbstractSupervisor<void> {
  fibers = 0
  steps = 0
  get value() {
    return Effect.void
  }
  override onStart() {
    this.fibers++
  }
  override onEffect() {
    this.steps++
  }
}

/** What one call costs the Effect runtime: fibers forked and instructions evaluated. */
export interface Steps {
  readonly forkedFibers: number
  readonly effectSteps: number
}

const counted = <E>(body: Effect.Effect<unknown, E>, calls: number): Effect.Effect<Counter, E> =>
  Effect.suspend(() => {
    const counter = new Counter()
    const loop = Effect.loop(0, { while: (i) => i < calls, step: (i) => i + 1, body: () => body, discard: true })
    return Effect.as(
      Effect.withRuntimeFlagsPatch(Effect.supervised(loop, counter), RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision)),
      counter
    )
  })

/** Fibers forked and Effect steps per call, over `calls` sequential calls. */
export const stepsPerCall = <E>(call: Effect.Effect<unknown, E>, calls: number): Effect.Effect<Steps, E> =>
  Effect.zipWith(counted(call, calls), counted(Effect.void, calls), (measured, empty) => ({
    forkedFibers: measured.fibers / calls,
    effectSteps: (measured.steps - empty.steps) / calls
  }))

/** CPU µs per call of one block of `calls` calls run by `run`. */
export const cpuMicrosPerCall = async (run: () => Promise<unknown>, calls: number): Promise<number> => {
  const before = process.cpuUsage()
  await run()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / calls
}

export interface Paired {
  /** Median CPU µs per call of the variant. */
  readonly micros: number
  /** Median CPU µs per call of the baseline in the same pairs. */
  readonly baselineMicros: number
  /** Median of the per-pair ratios variant ÷ baseline. */
  readonly ratio: number
  readonly pairs: ReadonlyArray<{ readonly micros: number; readonly baselineMicros: number }>
}

/**
 * `pairs` pairs of blocks, the baseline and the variant in alternating order (the first of a
 * pair runs on a machine the other one did not warm), each block `calls` calls.
 */
export const pairedCpu = async (
  variant: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  calls: number,
  pairs: number
): Promise<Paired> => {
  const measured: Array<{ micros: number; baselineMicros: number }> = []
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      const baselineMicros = await cpuMicrosPerCall(baseline, calls)
      const micros = await cpuMicrosPerCall(variant, calls)
      measured.push({ micros, baselineMicros })
    } else {
      const micros = await cpuMicrosPerCall(variant, calls)
      const baselineMicros = await cpuMicrosPerCall(baseline, calls)
      measured.push({ micros, baselineMicros })
    }
  }
  return {
    micros: Stats.median(measured.map((p) => p.micros)),
    baselineMicros: Stats.median(measured.map((p) => p.baselineMicros)),
    ratio: Stats.median(measured.map((p) => p.micros / p.baselineMicros)),
    pairs: measured
  }
}
