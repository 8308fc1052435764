/**
 * `pnpm bench`: SDK overhead and limiter accuracy, as ratios against raw HTTP baselines
 * measured in the same run (the machines are shared and noisy; absolute figures mean little).
 *
 * 1. a loopback HTTP server in its own process answers the count endpoint with its sample body;
 * 2. raw undici, raw fetch, the two HttpClients alone (platform undici, the fast client) and
 *    the SDK over platform undici, over fetch, over the fast client and as a production stack
 *    over the fast client drive it at concurrency 1 and 32 after a warm-up, in interleaved
 *    rounds (median of rounds);
 * 3. client CPU µs per call of every client, each block paired with a raw undici block in
 *    alternation (the robust figure on a shared machine), and forked fibers per call;
 * 4. markdown tables (req/s, p50, p99, ratios; CPU; the targets, met or not) on
 *    stdout, the figures as JSON in test/bench/results/latest.json (or `--out FILE`);
 * 5. the SDK's stages (`stages.ts`): the same call over an in-memory dispatcher, with and without
 *    metrics, a tracer and the policies, and validation and decoding timed alone;
 *    heap and RSS after GC, before and after 100 000 calls of the production stack;
 * 6. the rate limiter (`limiter.ts`): at 200 req/s for 5 s, realized rate and the largest
 *    count in any sliding 1 s window, from the server's arrival times and the client's send
 *    instants; and the CPU cost of a permit with 100 vs 100 000 permits in the window;
 * 7. cold import time of `@effect-douyin/group` in fresh processes.
 *
 * `--only stages` runs the stages alone (their table on stdout, no JSON file).
 * `--smoke` runs every step with tiny counts (a few seconds) so CI keeps the script working.
 * `--only limiter` runs the limiter step alone (its table on stdout, no JSON file); `--only cost`
 * the client CPU and forked fibers per call alone (after a warm-up at c=32; no JSON file), with
 * `--row TEXT` only for the clients whose name contains TEXT (and raw undici).
 * Needs `--expose-gc` (the `bench` script passes it); without it the heap step is skipped.
 */
import { Effect } from "effect"
import { type ChildProcess, fork } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Agent } from "undici"
import * as Clients from "./clients.js"
import * as ColdImport from "./coldImport.js"
import * as Cost from "./cost.js"
import { driveEffect, drivePromise, type Run } from "./drive.js"
import * as Limiter from "./limiter.js"
import * as Stages from "./stages.js"
import * as Stats from "./stats.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const repoRoot = Path.resolve(here, "..", "..")
const args = process.argv.slice(2)
const smoke = args.includes("--smoke")
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined
// `--only cost --row TEXT`: only the clients whose name contains TEXT (and raw undici, the baseline).
const row = args.includes("--row") ? args[args.indexOf("--row") + 1] : undefined
const outIndex = args.indexOf("--out")
const outFile = outIndex >= 0 && args[outIndex + 1] !== undefined
  ? Path.resolve(args[outIndex + 1]!)
  : Path.join(here, "results", smoke ? "smoke.json" : "latest.json")

const plan = smoke
  ? {
    warmup: 50,
    rounds: 1,
    calls: { 1: 100, 32: 400 } as Record<number, number>,
    cpu: { calls: 200, pairs: 2, concurrency: 32 },
    fiberCalls: 50,
    heapCalls: 2_000,
    limiter: { limit: 50, seconds: 1, concurrency: 8 },
    permitCost: { small: 100, large: 2_000, permits: 1_000, rounds: 1 },
    importRuns: 1,
    stages: { calls: 500, rounds: 2, concurrency: 32 }
  }
  : {
    warmup: 3_000,
    rounds: 3,
    calls: { 1: 4_000, 32: 20_000 } as Record<number, number>,
    cpu: { calls: 5_000, pairs: 6, concurrency: 32 },
    fiberCalls: 2_000,
    heapCalls: 100_000,
    limiter: { limit: 200, seconds: 5, concurrency: 32 },
    permitCost: { small: 100, large: 100_000, permits: 20_000, rounds: 5 },
    importRuns: 5,
    stages: { calls: 10_000, rounds: 15, concurrency: 32 }
  }
const concurrencies = [1, 32] as const

const log = (line: string) => process.stderr.write(`${line}\n`)

// ---------------------------------------------------------------------------------------------
// server process

interface Server {
  readonly baseUrl: string
  /** Runs `during` while the server records arrival times (epoch ms) and returns them. */
  readonly arrivals: (during: () => Promise<void>) => Promise<Array<number>>
  readonly close: () => void
}

const startServer = (): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = fork(Path.join(here, "server.ts"), [], {
      execArgv: ["--import", Path.join(here, "typescript.mjs")],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    const early = (code: number | null) => reject(new Error(`bench server exited early (${code})`))
    child.once("error", reject)
    child.once("exit", early)
    child.once("message", (message: { type: string; port: number }) => {
      if (message.type !== "ready") return reject(new Error(`unexpected server message ${message.type}`))
      const arrivals = async (during: () => Promise<void>) => {
        child.send({ type: "log-start" })
        await during()
        return new Promise<Array<number>>((resolveLog) => {
          const onMessage = (m: { type: string; arrivals: Array<number> }) => {
            if (m.type !== "log") return
            child.off("message", onMessage)
            resolveLog(m.arrivals)
          }
          child.on("message", onMessage)
          child.send({ type: "log-stop" })
        })
      }
      resolve({
        baseUrl: `http://127.0.0.1:${message.port}`,
        arrivals,
        close: () => {
          child.off("exit", early)
          child.disconnect()
        }
      })
    })
  })

// ---------------------------------------------------------------------------------------------
// clients

const names = {
  rawUndici: "raw undici",
  rawFetch: "raw fetch",
  platform: "platform HttpClient over undici (no SDK)",
  fast: "fast client DouyinHttpClient (no SDK)",
  sdkPlatform: "SDK over platform undici",
  sdkFetch: "SDK over fetch",
  sdkFast: "SDK over fast client (no policies)",
  production: "SDK production stack over fast client",
  productionNoMetrics: "SDK production stack over fast client, metrics off",
  productionTraced: "SDK production stack over fast client, OpenTelemetry tracer"
} as const

type ClientName = typeof names[keyof typeof names]

interface Driver {
  readonly name: ClientName
  readonly run: (total: number, concurrency: number, record?: boolean) => Promise<Run>
  /** Effect clients: fibers forked and Effect steps per call over `calls` sequential calls. */
  readonly stepsPerCall?: (calls: number) => Promise<Cost.Steps>
  readonly close: () => Promise<void>
}

const promiseDriver = (name: ClientName, make: (agent: Agent) => Clients.PromiseCall): Driver => {
  const agent = new Agent(Clients.agentOptions)
  const call = make(agent)
  return { name, run: (total, c, record) => drivePromise(call, total, c, record), close: () => agent.close() }
}

/** A bare HttpClient (no SDK). */
const bareDriver = (
  name: ClientName,
  make: (agent: Agent) => Effect.Effect<unknown, unknown>
): Driver => {
  const agent = new Agent(Clients.agentOptions)
  const call = make(agent)
  return {
    name,
    run: (total, c, record) => Effect.runPromise(driveEffect(call, total, c, record)),
    stepsPerCall: (calls) => Effect.runPromise(Cost.stepsPerCall(call, calls)),
    close: () => agent.close()
  }
}

const sdkDriver = (
  name: ClientName,
  baseUrl: string,
  http: (agent: Agent) => Parameters<typeof Clients.sdkRuntime>[1],
  policies: {
    readonly rateLimit?: Parameters<typeof Clients.sdkRuntime>[2]
    readonly retry?: Parameters<typeof Clients.sdkRuntime>[3]
    readonly metrics?: boolean
    readonly tracer?: Parameters<typeof Clients.sdkRuntime>[5]
  } = {}
): Driver => {
  const agent = new Agent(Clients.agentOptions)
  const runtime = Clients.sdkRuntime(
    baseUrl,
    http(agent),
    policies.rateLimit,
    policies.retry,
    policies.metrics,
    policies.tracer
  )
  const withCall = <A, E>(f: (call: Effect.Effect<unknown, unknown>) => Effect.Effect<A, E>) =>
    runtime.runPromise(Effect.flatMap(Clients.BenchCall, ({ call }) => f(call)))
  return {
    name,
    run: (total, c, record) => withCall((call) => driveEffect(call, total, c, record)),
    stepsPerCall: (calls) => withCall((call) => Cost.stepsPerCall(call, calls)),
    close: async () => {
      await runtime.dispose()
      await agent.close()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// steps

interface Figures {
  readonly client: ClientName
  readonly concurrency: number
  readonly rounds: number
  readonly callsPerRound: number
  readonly reqPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly perRound: ReadonlyArray<{ readonly reqPerSec: number; readonly p50Ms: number; readonly p99Ms: number }>
}

const summarize = (run: Run) => {
  const sorted = Stats.sortedCopy(run.latencies!)
  return {
    reqPerSec: (run.total / run.elapsedMs) * 1000,
    p50Ms: Stats.quantileSorted(sorted, 0.5),
    p99Ms: Stats.quantileSorted(sorted, 0.99)
  }
}

const throughput = async (drivers: ReadonlyArray<Driver>): Promise<Array<Figures>> => {
  const figures: Array<Figures> = []
  for (const concurrency of concurrencies) {
    const calls = plan.calls[concurrency]!
    for (const d of drivers) await d.run(plan.warmup, concurrency, false)
    const perRound = new Map<ClientName, Array<ReturnType<typeof summarize>>>()
    for (let round = 0; round < plan.rounds; round++) {
      // Rotate the order every round so no client always runs right after another one.
      for (let k = 0; k < drivers.length; k++) {
        const d = drivers[(k + round) % drivers.length]!
        const s = summarize(await d.run(calls, concurrency))
        log(`  c=${concurrency} round ${round + 1} ${d.name}: ${s.reqPerSec.toFixed(0)} req/s`)
        perRound.set(d.name, [...(perRound.get(d.name) ?? []), s])
      }
    }
    for (const d of drivers) {
      const rounds = perRound.get(d.name)!
      figures.push({
        client: d.name,
        concurrency,
        rounds: plan.rounds,
        callsPerRound: calls,
        reqPerSec: Stats.median(rounds.map((r) => r.reqPerSec)),
        p50Ms: Stats.median(rounds.map((r) => r.p50Ms)),
        p99Ms: Stats.median(rounds.map((r) => r.p99Ms)),
        perRound: rounds
      })
    }
  }
  return figures
}

const gc = async () => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) return false
  for (let i = 0; i < 3; i++) {
    collect()
    await new Promise((r) => setImmediate(r))
  }
  return true
}

const heap = async (driver: Driver) => {
  if (!(await gc())) {
    log("  no global gc (run node with --expose-gc): heap step skipped")
    return undefined
  }
  const before = process.memoryUsage()
  await driver.run(plan.heapCalls, 32, false)
  // What the limiter keeps for its 1 s window is live by design: measure once it has passed.
  await new Promise((r) => setTimeout(r, 1_100))
  await gc()
  const after = process.memoryUsage()
  return {
    client: driver.name,
    calls: plan.heapCalls,
    concurrency: 32,
    before: { heapUsed: before.heapUsed, rss: before.rss },
    after: { heapUsed: after.heapUsed, rss: after.rss },
    heapGrowth: after.heapUsed - before.heapUsed,
    rssGrowth: after.rss - before.rss
  }
}

/** Client CPU per call of every driver, each paired with raw undici in alternation (c=32). */
const cpu = async (drivers: ReadonlyArray<Driver>) => {
  const { calls, concurrency, pairs } = plan.cpu
  const raw = drivers.find((d) => d.name === names.rawUndici)!
  const block = (d: Driver) => () => d.run(calls, concurrency, false)
  const figures = new Map<ClientName, Cost.Paired>()
  for (const d of drivers) {
    const paired = await Cost.pairedCpu(block(d), block(raw), calls, pairs)
    log(`  ${d.name}: ${paired.micros.toFixed(1)} µs/call, ${paired.ratio.toFixed(2)}× raw undici`)
    figures.set(d.name, paired)
  }
  return figures
}

/** Fibers forked and Effect steps per call of every Effect driver. */
const steps = async (drivers: ReadonlyArray<Driver>) => {
  const figures = new Map<ClientName, Cost.Steps>()
  for (const d of drivers) {
    if (d.stepsPerCall !== undefined) figures.set(d.name, await d.stepsPerCall(plan.fiberCalls))
  }
  return figures
}

/** Whether `@effect-douyin/group` loads at all when no optional peer is installed. */
const loadsWithoutOptionalPeers = async () => {
  const dir = ColdImport.prepare(repoRoot, { optionalPeers: false })
  try {
    await ColdImport.probe(dir, "@effect-douyin/group")
    return { loads: true as const }
  } catch (e) {
    return { loads: false as const, error: e instanceof Error ? e.message : String(e) }
  } finally {
    ColdImport.cleanup(dir)
  }
}

const coldImport = async () => {
  const withoutOptionalPeers = await loadsWithoutOptionalPeers()
  const dir = ColdImport.prepare(repoRoot, { optionalPeers: true })
  try {
    const target = "@effect-douyin/group"
    const specs = ["-", "@effect/platform", target]
    // One untimed pass warms the OS file cache; the timed passes measure loading, not disk.
    for (const s of specs) await ColdImport.probe(dir, s)
    const samples = new Map<string, Array<ColdImport.Sample>>()
    for (let i = 0; i < plan.importRuns; i++) {
      for (const s of specs) samples.set(s, [...(samples.get(s) ?? []), await ColdImport.probe(dir, s)])
    }
    const med = (s: string, k: keyof ColdImport.Sample) => Stats.median(samples.get(s)!.map((x) => x[k]))
    return {
      target,
      runs: plan.importRuns,
      how: "fresh node process, no loader; packages transpiled to JS as published, optional peers installed",
      withoutOptionalPeers,
      emptyProcessWallMs: med("-", "wallMs"),
      platform: { importMs: med("@effect/platform", "importMs"), wallMs: med("@effect/platform", "wallMs") },
      group: { importMs: med(target, "importMs"), wallMs: med(target, "wallMs") }
    }
  } finally {
    ColdImport.cleanup(dir)
  }
}

type WireFigures = Awaited<ReturnType<typeof Limiter.wire>>
type CostFigures = Awaited<ReturnType<typeof Limiter.permitCost>>

const limiterStep = async (server: Server) => {
  log(`rate limiter ${plan.limiter.limit}/s for ${plan.limiter.seconds} s…`)
  const limit = await Limiter.wire(server.baseUrl, server.arrivals, plan.limiter)
  log(`permit cost with ${plan.permitCost.small} and ${plan.permitCost.large} permits in the window…`)
  const cost = await Limiter.permitCost(plan.permitCost)
  return { limit, cost }
}

const limiterTargets = (limit: WireFigures, cost: CostFigures) => [
  {
    name: "limiter realized rate within 2% of configured (server arrivals)",
    value: limit.deviation,
    shown: `${limit.realizedPerSec.toFixed(1)}/s (${(limit.deviation * 100).toFixed(2)}%)`,
    met: Math.abs(limit.deviation) <= 0.02
  },
  {
    name: "limiter never above the limit in any sliding 1 s window (server arrivals)",
    value: limit.maxInAnySliding1s,
    shown: `max ${limit.maxInAnySliding1s} (limit ${limit.configuredPerSec})`,
    met: limit.maxInAnySliding1s <= limit.configuredPerSec
  },
  {
    name: "limiter never above the limit in any sliding 1 s window (send instants)",
    value: limit.sends.maxInAnySliding1s,
    shown: `max ${limit.sends.maxInAnySliding1s} (limit ${limit.configuredPerSec})`,
    met: limit.sends.maxInAnySliding1s <= limit.configuredPerSec
  },
  {
    name: `permit cost flat: ${cost.large} vs ${cost.small} permits in the window ≤ 1.5×`,
    value: cost.ratio,
    shown: Stats.formatRatio(cost.ratio),
    met: cost.ratio <= 1.5
  }
]

const limiterTable = (limit: WireFigures, cost: CostFigures) =>
  Stats.markdownTable(["rate limiter", "value"], [
    ["configured", `${limit.configuredPerSec}/s for ${limit.seconds} s (demand: ${limit.concurrency} workers)`],
    [`arrivals in the first ${limit.seconds} s`, String(limit.arrivalsInSpan)],
    ["realized rate (server arrivals)", `${limit.realizedPerSec.toFixed(1)}/s`],
    ["max in any sliding 1 s window (server arrivals)", String(limit.maxInAnySliding1s)],
    ["realized rate (send instants, at the HttpClient)", `${limit.sends.realizedPerSec.toFixed(1)}/s`],
    ["max in any sliding 1 s window (send instants)", String(limit.sends.maxInAnySliding1s)],
    [`permit CPU, ${cost.small} permits in the window`, `${cost.smallUsPerPermit.toFixed(2)} µs`],
    [`permit CPU, ${cost.large} permits in the window`, `${cost.largeUsPerPermit.toFixed(2)} µs`],
    ["ratio", Stats.formatRatio(cost.ratio)]
  ])

// ---------------------------------------------------------------------------------------------
// report

/** CPU, forked fibers and Effect steps per call of every driver, and what recording metrics costs. */
const costTable = (
  drivers: ReadonlyArray<Driver>,
  cpuFigures: ReadonlyMap<ClientName, Cost.Paired>,
  stepFigures: ReadonlyMap<ClientName, Cost.Steps>
) => {
  const rows = drivers.map((d) => {
    const paired = cpuFigures.get(d.name)!
    const counted = stepFigures.get(d.name)
    return [
      d.name,
      `${paired.micros.toFixed(1)} µs`,
      `${paired.baselineMicros.toFixed(1)} µs`,
      Stats.formatRatio(paired.ratio),
      counted === undefined ? "–" : counted.forkedFibers.toFixed(2),
      counted === undefined ? "–" : counted.effectSteps.toFixed(1)
    ]
  })
  const on = cpuFigures.get(names.production)
  const off = cpuFigures.get(names.productionNoMetrics)
  const metrics = on === undefined || off === undefined ? [] : [
    "",
    `cost of recording metrics (production stack, on − off, each paired with raw undici): ` +
    `${(on.micros - off.micros).toFixed(1)} µs per call, ${Stats.formatRatio(on.ratio - off.ratio)} raw undici`
  ]
  return [
    Stats.markdownTable(
      ["client", "CPU per call", "raw undici (paired)", "CPU vs raw undici", "forked fibers per call", "Effect steps per call"],
      rows
    ),
    ...metrics
  ].join("\n")
}

const find = (figures: ReadonlyArray<Figures>, client: ClientName, c: number) =>
  figures.find((f) => f.client === client && f.concurrency === c)!

const main = async () => {
  log(`effect-douyin bench${smoke ? " (smoke)" : ""}: node ${process.version}, pid ${process.pid}`)
  if (only === "stages") {
    process.stdout.write(Stages.table(await Stages.run(plan.stages)) + "\n")
    return
  }
  const server = await startServer()
  log(`server on ${server.baseUrl}`)
  if (only === "limiter") {
    try {
      const { cost, limit } = await limiterStep(server)
      process.stdout.write(limiterTable(limit, cost) + "\n\n")
      process.stdout.write(
        Stats.markdownTable(
          ["target", "measured", "met"],
          limiterTargets(limit, cost).map((t) => [t.name, t.shown, t.met ? "yes" : "**no**"])
        ) + "\n"
      )
    } finally {
      server.close()
    }
    return
  }
  const drivers: ReadonlyArray<Driver> = [
    promiseDriver(names.rawUndici, (a) => Clients.rawUndici(server.baseUrl, a)),
    promiseDriver(names.rawFetch, (a) => Clients.rawFetch(server.baseUrl, a)),
    bareDriver(names.platform, (a) => Clients.platformCall(server.baseUrl, a)),
    bareDriver(names.fast, (a) => Clients.fastCall(server.baseUrl, a)),
    sdkDriver(names.sdkPlatform, server.baseUrl, Clients.undiciLayer),
    sdkDriver(names.sdkFetch, server.baseUrl, Clients.fetchLayer),
    sdkDriver(names.sdkFast, server.baseUrl, Clients.fastLayer),
    sdkDriver(names.production, server.baseUrl, Clients.fastLayer, Clients.production),
    sdkDriver(names.productionNoMetrics, server.baseUrl, Clients.fastLayer, { ...Clients.production, metrics: false }),
    sdkDriver(names.productionTraced, server.baseUrl, Clients.fastLayer, { ...Clients.production, tracer: Clients.otelTracer })
  ]
  const driver = (name: ClientName) => drivers.find((d) => d.name === name)!
  try {
    if (only === "cost") {
      const chosen = drivers.filter((d) => row === undefined || d.name === names.rawUndici || d.name.includes(row))
      for (const d of chosen) await d.run(plan.warmup, plan.cpu.concurrency, false)
      log(`client CPU per call, paired with raw undici (c=${plan.cpu.concurrency})…`)
      const cpuFigures = await cpu(chosen)
      log("forked fibers and Effect steps per call…")
      process.stdout.write(costTable(chosen, cpuFigures, await steps(chosen)) + "\n")
      return
    }
    log("throughput and latency…")
    const figures = await throughput(drivers)
    log(`client CPU per call, paired with raw undici (c=${plan.cpu.concurrency})…`)
    const cpuFigures = await cpu(drivers)
    log("forked fibers and Effect steps per call…")
    const stepFigures = await steps(drivers)
    log("stages over an in-memory dispatcher…")
    const stages = await Stages.run(plan.stages)
    log(`heap over ${plan.heapCalls} calls of the production stack…`)
    const memory = await heap(driver(names.production))
    const { cost, limit } = await limiterStep(server)
    log("cold import…")
    const imports = await coldImport()

    const at = (client: ClientName, c: number) => find(figures, client, c)
    const rawUndici = (c: number) => at(names.rawUndici, c)
    const rawFetch = (c: number) => at(names.rawFetch, c)
    const rows = figures.map((f) => [
      f.client,
      String(f.concurrency),
      f.reqPerSec.toFixed(0),
      Stats.formatMillis(f.p50Ms),
      Stats.formatMillis(f.p99Ms),
      `${((f.p50Ms - rawUndici(f.concurrency).p50Ms) * 1000).toFixed(0)} µs`,
      Stats.formatRatio(f.reqPerSec / rawUndici(f.concurrency).reqPerSec),
      Stats.formatRatio(f.reqPerSec / rawFetch(f.concurrency).reqPerSec)
    ])

    const ratio32 = (client: ClientName, base: ClientName) => at(client, 32).reqPerSec / at(base, 32).reqPerSec
    const addedP50Us = (client: ClientName) => (at(client, 1).p50Ms - rawUndici(1).p50Ms) * 1000
    const ratioTarget = (name: string, value: number, min: number) => ({
      name,
      value,
      shown: Stats.formatRatio(value),
      met: value >= min
    })
    const fastForked = stepFigures.get(names.sdkFast)!.forkedFibers
    const productionCpu = cpuFigures.get(names.production)!
    const sdkFastCpu = cpuFigures.get(names.sdkFast)!
    // Both paired with raw undici: the ratio of their ratios is the SDK's share over that client.
    const platformShare = cpuFigures.get(names.sdkPlatform)!.ratio / cpuFigures.get(names.platform)!.ratio
    const cpuTarget = (name: string, paired: Cost.Paired, max: number) => ({
      name,
      value: paired.ratio,
      shown: `${Stats.formatRatio(paired.ratio)} (${paired.micros.toFixed(1)} vs ${paired.baselineMicros.toFixed(1)} µs)`,
      met: paired.ratio <= max
    })
    const targets = [
      cpuTarget("SDK over the fast client, no policies: client CPU per call ≤ 1.25× raw undici", sdkFastCpu, 1.25),
      ratioTarget("SDK over the fast client, no policies: ≥ 0.75× raw undici req/s at c=32", ratio32(names.sdkFast, names.rawUndici), 0.75),
      ratioTarget("SDK over the fast client, no policies: ≥ 0.85× raw undici req/s at c=32", ratio32(names.sdkFast, names.rawUndici), 0.85),
      {
        name: "SDK over the fast client, no policies: added p50 ≤ 30 µs at c=1",
        value: addedP50Us(names.sdkFast),
        shown: `${addedP50Us(names.sdkFast).toFixed(0)} µs`,
        met: addedP50Us(names.sdkFast) <= 30
      },
      {
        name: "SDK over the fast client, no policies: 0 forked fibers per call",
        value: fastForked,
        shown: fastForked.toFixed(2),
        met: fastForked === 0
      },
      ratioTarget(
        "production stack over the fast client: ≥ 0.5× raw undici req/s at c=32",
        ratio32(names.production, names.rawUndici),
        0.5
      ),
      cpuTarget(
        "production stack over the fast client (metrics on, default tracer): client CPU per call ≤ 1.6× raw undici",
        productionCpu,
        1.6
      ),
      cpuTarget("production stack over the fast client: client CPU per call ≤ 3× raw undici", productionCpu, 3),
      {
        name: "SDK over platform undici: client CPU per call ≤ 1.15× the platform HttpClient alone",
        value: platformShare,
        shown: Stats.formatRatio(platformShare),
        met: platformShare <= 1.15
      },
      ratioTarget(
        "SDK over platform undici: ≥ 0.9× the platform HttpClient alone, req/s at c=32",
        ratio32(names.sdkPlatform, names.platform),
        0.9
      ),
      ...limiterTargets(limit, cost),
      ...(memory === undefined ? [] : [{
        name: `heap flat over ${memory.calls} calls of the production stack (growth < 2 MB after GC)`,
        value: memory.heapGrowth,
        shown: Stats.formatMB(memory.heapGrowth),
        met: memory.heapGrowth < 2 * 1024 * 1024
      }])
    ]

    const report = [
      `## effect-douyin bench${smoke ? " (smoke: tiny counts, figures not meaningful)" : ""}`,
      "",
      `node ${process.version}, ${plan.rounds} round(s) per cell (median), warm-up ${plan.warmup} calls, ` +
      `calls per round: c=1 ${plan.calls[1]}, c=32 ${plan.calls[32]}`,
      "",
      Stats.markdownTable(
        ["client", "c", "req/s", "p50", "p99", "p50 − raw undici", "req/s vs raw undici", "req/s vs raw fetch"],
        rows
      ),
      "",
      `client CPU per call at c=${plan.cpu.concurrency} (process.cpuUsage, ${plan.cpu.pairs} blocks of ${plan.cpu.calls} calls, ` +
      "each paired with a raw undici block in alternation; medians), and fibers forked and Effect steps (instructions " +
      `the runtime evaluates, the loop's own subtracted) per call (${plan.fiberCalls} sequential calls under a counting ` +
      "Supervisor; steps do not depend on the machine). On a shared, loaded machine the CPU ratios " +
      "are the robust figures; req/s and latencies move with the load.",
      "",
      costTable(drivers, cpuFigures, stepFigures),
      "",
      "where the SDK's CPU per call goes: each variant over an in-memory dispatcher (no sockets), blocks in " +
      "rotation, the fastest block of each; a stage is the difference of two variants (validation and decoding " +
      "timed alone).",
      "",
      Stages.table(stages),
      "",
      "targets:",
      "",
      Stats.markdownTable(["target", "measured", "met"], targets.map((t) => [t.name, t.shown, t.met ? "met" : "**not met**"])),
      "",
      memory === undefined ? "heap: skipped (no --expose-gc)" : Stats.markdownTable(
        ["memory (after GC)", "before", "after", "growth"],
        [
          ["heapUsed", Stats.formatMB(memory.before.heapUsed), Stats.formatMB(memory.after.heapUsed), Stats.formatMB(memory.heapGrowth)],
          ["rss", Stats.formatMB(memory.before.rss), Stats.formatMB(memory.after.rss), Stats.formatMB(memory.rssGrowth)]
        ]
      ),
      "",
      limiterTable(limit, cost),
      "",
      Stats.markdownTable(["cold import (fresh node, median)", "import", "process wall"], [
        ["empty process", "—", Stats.formatMillis(imports.emptyProcessWallMs)],
        [
          "@effect/platform (+ effect): baseline",
          Stats.formatMillis(imports.platform.importMs),
          Stats.formatMillis(imports.platform.wallMs)
        ],
        [imports.target, Stats.formatMillis(imports.group.importMs), Stats.formatMillis(imports.group.wallMs)],
        [
          "group − baseline",
          Stats.formatMillis(imports.group.importMs - imports.platform.importMs),
          Stats.formatMillis(imports.group.wallMs - imports.platform.wallMs)
        ]
      ]),
      "",
      imports.withoutOptionalPeers.loads
        ? `${imports.target} loads without its optional peers (ioredis, undici): yes`
        : `${imports.target} loads without its optional peers (ioredis, undici): **no**: ${imports.withoutOptionalPeers.error}`,
      ""
    ].join("\n")
    process.stdout.write(report + "\n")

    Fs.mkdirSync(Path.dirname(outFile), { recursive: true })
    Fs.writeFileSync(
      outFile,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          smoke,
          node: process.version,
          plan,
          agentOptions: Clients.agentOptions,
          throughput: figures,
          ratios: figures.map((f) => ({
            client: f.client,
            concurrency: f.concurrency,
            vsRawUndici: f.reqPerSec / rawUndici(f.concurrency).reqPerSec,
            vsRawFetch: f.reqPerSec / rawFetch(f.concurrency).reqPerSec
          })),
          addedP50UsAtC1: Object.fromEntries(drivers.map((d) => [d.name, addedP50Us(d.name)])),
          cpuPerCall: Object.fromEntries([...cpuFigures]),
          forkedFibersPerCall: Object.fromEntries([...stepFigures].map(([name, s]) => [name, s.forkedFibers])),
          effectStepsPerCall: Object.fromEntries([...stepFigures].map(([name, s]) => [name, s.effectSteps])),
          stages,
          memory,
          limiter: limit,
          permitCost: cost,
          coldImport: imports,
          targets: targets.map(({ met, name, value }) => ({ name, value, met }))
        },
        null,
        2
      ) + "\n"
    )
    log(`figures written to ${Path.relative(process.cwd(), outFile)}`)
  } finally {
    for (const d of drivers) await d.close()
    server.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
