/**
 * Where the SDK's CPU per call goes, stage by stage, with no network at all: every variant
 * sends through the SDK's fast client over an in-memory undici dispatcher that answers each
 * request with the count sample on the next turn of the event loop. With no sockets and no
 * server, what is left is the SDK's own work (and the fast client's), so the differences
 * between variants are the stages' costs:
 *
 * - client: the fast client alone (same GET, headers, text, JSON.parse);
 * - SDK: the call path without policies, metrics off, the default tracer (includes validation
 *   and decoding, measured on their own below);
 * - metrics: recording on, minus SDK;
 * - span: an OpenTelemetry tracer installed (`NodeSdk.layer`, a batch processor whose exporter
 *   drops what it gets: the SDK's span and the SDK's side of the tracer, no export I/O), minus SDK;
 * - policies: the production retry and limiter, minus SDK;
 * - production: all of them with the default tracer.
 *
 * Blocks of each variant run in rotation (the machine is shared: each variant sees the same
 * load); the figure is the fastest block: other load on the machine only ever adds CPU time
 * (cache misses, frequency), so the least is the closest to the work itself. Validation and decoding are pure functions:
 * timed in loops of their own.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { AccessToken, DouyinClient, DouyinConfig, DouyinMetrics, RateLimit, Retry } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import { FanGroupQuota } from "@effect-douyin/group"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { Dispatcher } from "undici"
import * as Clients from "./clients.js"
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
  readonly run: (calls: number, c: number) => Promise<void>
}

const calls = (call: Effect.Effect<unknown, unknown>, n: number, c: number) =>
  Effect.forEach(Array.from({ length: n }), () => call, { concurrency: c, discard: true })

interface Options {
  readonly policies?: boolean
  readonly metrics?: boolean
  readonly tracer?: boolean
}

const sdkVariant = async (name: string, http: Layer.Layer<HttpClient.HttpClient>, options: Options) => {
  const client = DouyinClient.layer.pipe(
    Layer.provide(options.policies ? Clients.production.rateLimit : RateLimit.layerDisabled),
    Layer.provide(options.policies ? Clients.production.retry : Retry.layerDisabled),
    Layer.provide(DouyinConfig.layer({ baseUrl })),
    Layer.provide(AccessToken.layerStatic(Redacted.make(Clients.token))),
    Layer.provide(http),
    Layer.provide(options.metrics ? Layer.empty : DouyinMetrics.layerDisabled)
  )
  const tracer = options.tracer ? Clients.otelTracer : Layer.empty
  const runtime = ManagedRuntime.make(Layer.merge(FanGroupQuota.layer.pipe(Layer.provide(client)), tracer))
  const quota = await runtime.runPromise(FanGroupQuota.FanGroupQuota)
  const call = quota.remaining({ openId: Clients.openId })
  const variant: Variant = { name, run: (n, c) => runtime.runPromise(calls(call, n, c)) }
  return { variant, runtime }
}

/** CPU µs per call of one block of `calls` calls at concurrency `c`. */
const block = async (variant: Variant, n: number, c: number) => {
  // Each block starts from a collected heap (the bench runs with --expose-gc): no block pays
  // for another's garbage.
  ;(globalThis as { gc?: () => void }).gc?.()
  const before = process.cpuUsage()
  await variant.run(n, c)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / n
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
  const clientAlone: Variant = { name: names.client, run: (n, c) => Effect.runPromise(calls(bare, n, c)) }
  const built = [
    await sdkVariant(names.sdk, http, {}),
    await sdkVariant(names.metrics, http, { metrics: true }),
    await sdkVariant(names.span, http, { tracer: true }),
    await sdkVariant(names.policies, http, { policies: true }),
    await sdkVariant(names.production, http, { policies: true, metrics: true })
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
    // Validation (encode the input, the well-formedness walk) and decoding (envelope and
    // result) of the count endpoint, on their own.
    const encode = Schema.encodeUnknownEither(FanGroupQuota.descriptor.request)
    const decode = Schema.decodeUnknownEither(FanGroupQuota.descriptor.response)
    const input = { openId: Clients.openId }
    const parsed = JSON.parse(countSample) as unknown
    const runs = Math.max(1_000, plan.calls * 4)
    return {
      variants: least,
      stages: {
        client: m(names.client),
        "SDK call path (validation and decoding included)": m(names.sdk) - m(names.client),
        "validation (request Schema encode)": loop(() => encode(input), runs, plan.rounds),
        "decoding (JSON.parse + result Schema)": loop(() => decode(JSON.parse(countSample)), runs, plan.rounds),
        "result Schema alone": loop(() => decode(parsed), runs, plan.rounds),
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
