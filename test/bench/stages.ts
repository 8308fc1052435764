/**
 * Where the SDK's CPU per call goes, stage by stage, with no network at all: every variant
 * sends through the SDK's fast client over an in-memory undici dispatcher that answers each
 * request with the count sample on the next turn of the event loop. With no sockets and no
 * server, what is left is the SDK's own work (and the fast client's), so the differences
 * between variants are the stages' costs:
 *
 * - client: the fast client alone (same GET, headers, text, JSON.parse);
 * - SDK: the call path without policies, metrics off, the default tracer (decoding included;
 *   the call is built once, so its input is validated once: validation is timed on its own below);
 * - metrics: recording on, minus SDK;
 * - span: an OpenTelemetry tracer installed (`NodeSdk.layer`, a batch processor whose exporter
 *   drops what it gets: the SDK's span and the SDK's side of the tracer, no export I/O), minus SDK;
 * - policies: the production retry and limiter, minus SDK;
 * - production: all of them with the default tracer.
 *
 * Blocks of each variant run in rotation (the machine is shared: each variant sees the same
 * load); the figure is the fastest block: other load on the machine only ever adds CPU time
 * (cache misses, frequency), so the least is the closest to the work itself. Validation and
 * decoding are pure functions: timed in loops of their own.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import { FanGroupQuota } from "@effect-douyin/group"
import { Effect, Layer, type ManagedRuntime, Schema } from "effect"
import { Dispatcher } from "undici"
import * as PlainDecode from "../../packages/core/src/internal/plainDecode.js"
import * as Clients from "./clients.js"
import * as Cost from "./cost.js"
import { driveEffect } from "./drive.js"
import { countSample } from "./sample.js"

const baseUrl = "http://127.0.0.1:9"
const body = Buffer.from(countSample)
const headers = { "content-type": "application/json", "content-length": String(body.length) }

/** Answers every request with the count sample, one event-loop turn later (as a socket would). */
class MemoryDispatcher extends Dispatcher {
  override dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const controller = { abort() {}, pause() {}, resume() {}, paused: false, aborted: false, reason: null }
    setImmediate(() => {
      handler.onRequestStart?.(controller, {})
      handler.onResponseStart?.(controller, 200, headers, "OK")
      handler.onResponseData?.(controller, body)
      handler.onResponseEnd?.(controller, {})
    })
    return true
  }
}

export interface Variant {
  readonly name: string
  /** Runs `calls` calls at concurrency `c` (in the variant's own runtime). */
  readonly run: (calls: number, c: number) => Promise<unknown>
}

/** The bench's SDK call (`Clients.sdkRuntime`, as the socket rows build it) over `http`. */
const sdkVariant = (
  name: string,
  http: Layer.Layer<HttpClient.HttpClient>,
  options: { readonly policies?: boolean; readonly metrics?: boolean; readonly tracer?: boolean }
): { readonly variant: Variant; readonly runtime: ManagedRuntime.ManagedRuntime<Clients.BenchCall, unknown> } => {
  const runtime = Clients.sdkRuntime(
    baseUrl,
    http,
    options.policies ? Clients.production.rateLimit : undefined,
    options.policies ? Clients.production.retry : undefined,
    options.metrics === true,
    options.tracer ? Clients.otelTracer : undefined
  )
  const run = (n: number, c: number) => runtime.runPromise(Effect.flatMap(Clients.BenchCall, ({ call }) => driveEffect(call, n, c, false)))
  return { variant: { name, run }, runtime }
}

/** CPU µs per call of one block, from a collected heap (the bench runs with --expose-gc): no block pays for another's garbage. */
const block = (variant: Variant, n: number, c: number) => {
  ;(globalThis as { gc?: () => void }).gc?.()
  return Cost.cpuMicrosPerCall(() => variant.run(n, c), n)
}

/** µs per run of `f`: the fastest of `rounds` timed loops of `runs` runs. */
const loop = (f: () => unknown, runs: number, rounds: number) => {
  const times: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < runs; i++) f()
    times.push(Number(process.hrtime.bigint() - start) / 1000 / runs)
  }
  return Math.min(...times)
}

export interface StageFigures {
  /** CPU µs per call of each variant (its fastest block). */
  readonly variants: Record<string, number>
  /** µs per call of each stage (differences of variants; validation and decoding timed alone). */
  readonly stages: Record<string, number>
}

export const names = {
  client: "fast client alone",
  sdk: "SDK, no policies, metrics off, default tracer",
  metrics: "SDK + metrics",
  span: "SDK + OpenTelemetry tracer",
  policies: "SDK + production policies",
  production: "production stack (policies, metrics, default tracer)"
} as const

export const run = async (plan: { readonly calls: number; readonly rounds: number; readonly concurrency: number }) => {
  const dispatcher = new MemoryDispatcher()
  const fast = await Effect.runPromise(DouyinHttpClient.fromDispatcher(dispatcher))
  const http = Layer.succeed(HttpClient.HttpClient, fast)
  const request = HttpClientRequest.get(`${baseUrl}${Clients.path}`, {
    urlParams: { open_id: Clients.openId },
    headers: { "access-token": Clients.token, "content-type": "application/json" }
  })
  const bare = Effect.flatMap(fast.execute(request), (response) => Effect.map(response.text, (text) => JSON.parse(text)))
  const clientAlone: Variant = { name: names.client, run: (n, c) => Effect.runPromise(driveEffect(bare, n, c, false)) }
  const built = [
    sdkVariant(names.sdk, http, {}),
    sdkVariant(names.metrics, http, { metrics: true }),
    sdkVariant(names.span, http, { tracer: true }),
    sdkVariant(names.policies, http, { policies: true }),
    sdkVariant(names.production, http, { policies: true, metrics: true })
  ]
  const variants = [clientAlone, ...built.map((b) => b.variant)]
  try {
    for (const v of variants) await block(v, plan.calls, plan.concurrency) // warm-up
    const samples = new Map<string, Array<number>>(variants.map((v) => [v.name, []]))
    for (let r = 0; r < plan.rounds; r++) {
      // Rotate the order so that no variant always runs first (or after the same one).
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + r) % variants.length]!
        samples.get(v.name)!.push(await block(v, plan.calls, plan.concurrency))
      }
    }
    const least = Object.fromEntries([...samples].map(([name, s]) => [name, Math.min(...s)]))
    const m = (name: string) => least[name]!
    // Validation (the request Schema's encode) and decoding (JSON, then the result decoder the
    // SDK uses: a plain function for this record; Schema's own decode beside it) on their own.
    const encode = Schema.encodeUnknownEither(FanGroupQuota.descriptor.request)
    const decode = PlainDecode.decoder(FanGroupQuota.descriptor.response)
    const schemaDecode = Schema.decodeUnknownEither(FanGroupQuota.descriptor.response)
    const input = { openId: Clients.openId }
    const parsed = JSON.parse(countSample) as unknown
    const runs = Math.max(1_000, plan.calls * 4)
    return {
      variants: least,
      stages: {
        client: m(names.client),
        "SDK call path (decoding included; not validation: the call is built once)": m(names.sdk) - m(names.client),
        "validation (request Schema encode)": loop(() => encode(input), runs, plan.rounds),
        "decoding (JSON.parse + the SDK's result decoder)": loop(() => decode(JSON.parse(countSample)), runs, plan.rounds),
        "result decoder alone (a plain function for this record)": loop(() => decode(parsed), runs, plan.rounds),
        "result Schema's decode alone (what the plain function spares)": loop(() => schemaDecode(parsed), runs, plan.rounds),
        metrics: m(names.metrics) - m(names.sdk),
        "span (OpenTelemetry tracer installed)": m(names.span) - m(names.sdk),
        policies: m(names.policies) - m(names.sdk)
      }
    } satisfies StageFigures
  } finally {
    for (const b of built) await b.runtime.dispose()
  }
}

export const table = (figures: StageFigures): string => {
  const lines = [
    "| variant (in-memory dispatcher, no sockets) | CPU per call |",
    "| --- | --- |",
    ...Object.entries(figures.variants).map(([name, micros]) => `| ${name} | ${micros.toFixed(1)} µs |`),
    "",
    "| stage | µs per call |",
    "| --- | --- |",
    ...Object.entries(figures.stages).map(([name, micros]) => `| ${name} | ${micros.toFixed(2)} µs |`)
  ]
  return lines.join("\n")
}
