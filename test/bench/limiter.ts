/**
 * The bench's limiter step (docs/reliability.md#rate-limiting: the limit is a promise about the wire, and a
 * permit costs O(1) amortized).
 *
 * 1. On the wire: the SDK with `RateLimit` global `limit`/s under saturating demand for
 *    `seconds`; the largest count in any sliding 1 s window and the realized rate, from the
 *    server's arrival times (its own process) and from the instants the requests were handed
 *    to the injected HttpClient's `execute` (the send instants).
 * 2. Permit cost: CPU µs per permit of `RateLimit.withPermit` (no HTTP) with 100 and with
 *    100 000 permits in the window, in alternating rounds (median), and their ratio: flat
 *    means O(1) per permit whatever the window holds.
 */
import { HttpClient } from "@effect/platform"
import { RateLimit } from "@effect-douyin/core"
import { Effect, Layer } from "effect"
import { performance } from "node:perf_hooks"
import { Agent } from "undici"
import * as Clients from "./clients.js"
import { driveFor } from "./drive.js"
import * as Stats from "./stats.js"

export interface WirePlan {
  readonly limit: number
  readonly seconds: number
  readonly concurrency: number
}

export interface CostPlan {
  /** Permits in the window for the two measurements. */
  readonly small: number
  readonly large: number
  /** Permits timed per round, and rounds (alternating small / large). */
  readonly permits: number
  readonly rounds: number
}

const now = () => performance.timeOrigin + performance.now()

const rates = (instants: Array<number>, seconds: number) => {
  instants.sort((a, b) => a - b)
  const inSpan = Stats.countInWindow(instants, instants[0] ?? Number.NaN, seconds * 1000)
  return { count: instants.length, inSpan, realizedPerSec: inSpan / seconds, maxInAnySliding1s: Stats.maxInSlidingWindow(instants, 1000) }
}

/**
 * Step 1. `arrivals` runs `during` while the server records arrival times (epoch ms).
 */
export const wire = async (
  baseUrl: string,
  arrivals: (during: () => Promise<void>) => Promise<Array<number>>,
  plan: WirePlan
) => {
  const { concurrency, limit, seconds } = plan
  const agent = new Agent(Clients.agentOptions)
  const sends: Array<number> = []
  const tapped = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, HttpClient.tapRequest(() => Effect.sync(() => sends.push(now()))))
  ).pipe(Layer.provide(Clients.undiciLayer(agent)))
  const runtime = Clients.sdkRuntime(baseUrl, tapped, RateLimit.layer({ global: { limit, interval: "1 second" } }))
  try {
    // Open a connection and build the layers before measuring; this permit leaves the window
    // before the measured span starts.
    await runtime.runPromise(Effect.flatMap(Clients.BenchCall, ({ call }) => call))
    await new Promise((r) => setTimeout(r, 1100))
    sends.length = 0
    let calls = 0
    // Demand continues one second past the measured span, so the span never runs dry.
    const atServer = await arrivals(async () => {
      calls = await runtime.runPromise(
        Effect.flatMap(Clients.BenchCall, ({ call }) => driveFor(call, seconds * 1000 + 1000, concurrency))
      )
    })
    const server = rates(atServer, seconds)
    return {
      configuredPerSec: limit,
      seconds,
      concurrency,
      calls,
      arrivals: server.count,
      arrivalsInSpan: server.inSpan,
      realizedPerSec: server.realizedPerSec,
      deviation: (server.realizedPerSec - limit) / limit,
      maxInAnySliding1s: server.maxInAnySliding1s,
      sends: rates(sends, seconds)
    }
  } finally {
    await runtime.dispose()
    await agent.close()
  }
}

/** µs per permit over `permits` permits, with `filled` permits already in the window. */
const costRound = (filled: number, permits: number) =>
  Effect.scoped(Effect.gen(function*() {
    // A limit that never binds over an hour: every permit stays in the window.
    const limits = yield* RateLimit.make({ global: { limit: 10_000_000, interval: "1 hour" } })
    const key = { endpoint: "bench/Count", openId: Clients.openId }
    const permit = limits.withPermit(key, Effect.void)
    yield* Effect.repeatN(permit, filled - 1)
    const start = performance.now()
    yield* Effect.repeatN(permit, permits - 1)
    return ((performance.now() - start) * 1000) / permits
  }))

/** Step 2. */
export const permitCost = async (plan: CostPlan) => {
  const small: Array<number> = []
  const large: Array<number> = []
  await Effect.runPromise(costRound(plan.small, plan.permits)) // warm-up
  for (let round = 0; round < plan.rounds; round++) {
    small.push(await Effect.runPromise(costRound(plan.small, plan.permits)))
    large.push(await Effect.runPromise(costRound(plan.large, plan.permits)))
  }
  const smallUs = Stats.median(small)
  const largeUs = Stats.median(large)
  return { ...plan, smallUsPerPermit: smallUs, largeUsPerPermit: largeUs, ratio: largeUs / smallUs }
}
