/**
 * The clients the benchmark compares, all against the same loopback endpoint with the same
 * keep-alive settings (one undici `Agent` configuration, {@link agentOptions}; each client
 * gets its own pool built from it):
 *
 * - raw `undici.request`
 * - raw `fetch` (Node's global fetch, given the Agent as its `dispatcher`)
 * - `@effect/platform`'s HttpClient over undici, and the SDK's fast client
 *   (`DouyinHttpClient`), each alone: no SDK
 * - the SDK over `NodeHttpClient` undici (`layerUndiciWithoutDispatcher` + that Agent)
 * - the SDK over `FetchHttpClient.layer` (global fetch; the Agent via `FetchHttpClient.RequestInit`)
 * - the SDK over the fast client, without policies and as a production stack (default retry,
 *   a rate limiter whose limits never bind, the default tracer), that stack with
 *   `DouyinMetrics.layerDisabled` (the difference is what recording metrics costs), and that
 *   stack with an OpenTelemetry tracer installed ({@link otelTracer})
 *
 * Every client does the same work per call: send the GET with the same headers, read the
 * body as text, parse it as JSON. The SDK additionally checks the envelope and decodes the
 * result: that is the overhead being measured.
 */
import type * as ConfigError from "effect/ConfigError"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { AccessToken, DouyinClient, DouyinConfig, DouyinMetrics, RateLimit, Retry } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import { FanGroupQuota } from "@effect-douyin/group"
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import { Context, Effect, Layer, ManagedRuntime, Redacted } from "effect"
import type { Agent } from "undici"
import { request } from "undici"

/** Keep-alive settings shared by every client. */
export const agentOptions: Agent.Options = {
  keepAliveTimeout: 60_000,
  keepAliveMaxTimeout: 120_000,
  connections: 64,
  pipelining: 1
}

export const openId = "op-bench"
export const token = "act.bench-token"
export const path = "/im/group/count/"

/** The headers the SDK sends on this GET (docs/wire.md#hosts-paths-and-headers); the raw clients send the same. */
const rawHeaders = { "access-token": token, "content-type": "application/json" }

/** A call that resolves when one response has been read and parsed. */
export type PromiseCall = () => Promise<unknown>

export const rawUndici = (baseUrl: string, agent: Agent): PromiseCall => {
  const url = `${baseUrl}${path}?open_id=${openId}`
  return async () => {
    const res = await request(url, { method: "GET", headers: rawHeaders, dispatcher: agent })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`raw undici: HTTP ${res.statusCode}`)
    return JSON.parse(text)
  }
}

export const rawFetch = (baseUrl: string, agent: Agent): PromiseCall => {
  const url = `${baseUrl}${path}?open_id=${openId}`
  // `dispatcher` is Node's non-standard fetch option (undici); not in the DOM RequestInit type.
  const init = { method: "GET", headers: rawHeaders, dispatcher: agent } as RequestInit
  return async () => {
    const res = await fetch(url, init)
    const text = await res.text()
    if (res.status !== 200) throw new Error(`raw fetch: HTTP ${res.status}`)
    return JSON.parse(text)
  }
}

/** The SDK call under test, as a service so the runner does not care how it is built. */
export class BenchCall extends Context.Tag("bench/BenchCall")<
  BenchCall,
  { readonly call: Effect.Effect<{ readonly leftCount: number }, unknown> }
>() {}

// The real count service of @effect-douyin/group (GET /im/group/count/, envelope A).
const benchCallLayer = Layer.effect(
  BenchCall,
  Effect.map(FanGroupQuota.FanGroupQuota, (quota) => ({ call: quota.remaining({ openId }) }))
).pipe(Layer.provide(FanGroupQuota.layer))

/**
 * Not required baselines, but they split the SDK's cost in two: an `HttpClient` over the same
 * undici Agent, without the SDK (same GET, headers, text, JSON.parse).
 */
const bareCall = (baseUrl: string, client: HttpClient.HttpClient): Effect.Effect<unknown, unknown> => {
  const request = HttpClientRequest.get(`${baseUrl}${path}`, { urlParams: { open_id: openId }, headers: rawHeaders })
  return Effect.flatMap(client.execute(request), (response) =>
    response.status === 200
      ? Effect.map(response.text, (text) => JSON.parse(text) as unknown)
      : Effect.fail(new Error(`bare client: HTTP ${response.status}`)))
}

/** `@effect/platform`'s HttpClient over undici (`NodeHttpClient`), alone. */
export const platformCall = (baseUrl: string, agent: Agent): Effect.Effect<unknown, unknown> =>
  bareCall(baseUrl, Effect.runSync(Effect.provide(HttpClient.HttpClient, undiciLayer(agent))))

/** The SDK's fast client (`DouyinHttpClient`), alone. */
export const fastCall = (baseUrl: string, agent: Agent): Effect.Effect<unknown, unknown> =>
  bareCall(baseUrl, Effect.runSync(DouyinHttpClient.fromDispatcher(agent)))

/** HttpClient layer: the SDK's fast client through the given Agent. */
export const fastLayer = (agent: Agent): Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> =>
  Layer.orDie(DouyinHttpClient.layer({ dispatcher: agent }))

/** HttpClient layer: undici through the given Agent. */
export const undiciLayer = (agent: Agent): Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(Layer.provide(Layer.succeed(NodeHttpClient.Dispatcher, agent)))

/** HttpClient layer: global fetch with the given Agent as its dispatcher. */
export const fetchLayer = (agent: Agent): Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> =>
  FetchHttpClient.layer.pipe(
    Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { dispatcher: agent } as RequestInit))
  )

/**
 * The production stack's policies: the default retry, and the default limiter's shape (global,
 * per `open_id`, in flight) with limits the benchmark never reaches, so it costs what a
 * production limiter costs without ever making a call wait.
 */
export const production = {
  retry: Retry.layerDefault,
  rateLimit: RateLimit.layer({
    global: { limit: 1_000_000, interval: "1 second" },
    perOpenId: { limit: 1_000_000, interval: "1 second" },
    maxConcurrent: 1_000
  })
}

/** Drops every span it is handed: the tracer's own work stays, export I/O does not. */
class DroppingExporter implements SpanExporter {
  export(_spans: Array<ReadableSpan>, done: (result: { readonly code: number }) => void): void {
    done({ code: 0 })
  }
  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * An OpenTelemetry tracer as an application installs one (`NodeSdk.layer`, a batch span
 * processor), whose exporter drops the spans: what recording spans costs the client, without
 * the export's own I/O.
 */
export const otelTracer: Layer.Layer<never> = NodeSdk.layer(() => ({
  resource: { serviceName: "effect-douyin-bench" },
  spanProcessor: new BatchSpanProcessor(new DroppingExporter())
}))

/** The SDK as an application would assemble it, over the given HttpClient layer. */
export const sdkRuntime = (
  baseUrl: string,
  http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>,
  rateLimit: Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError> = RateLimit.layerDisabled,
  retry: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig> = Retry.layerDisabled,
  metrics = true,
  tracer: Layer.Layer<never> = Layer.empty
) => {
  const client = DouyinClient.layer.pipe(
    Layer.provide(rateLimit),
    Layer.provide(retry),
    Layer.provide(DouyinConfig.layer({ baseUrl })),
    Layer.provide(AccessToken.layerStatic(Redacted.make(token))),
    Layer.provide(http),
    // Every layer above reads it when built: off here means no metric recorded by any of them.
    Layer.provide(metrics ? Layer.empty : DouyinMetrics.layerDisabled)
  )
  return ManagedRuntime.make(Layer.merge(benchCallLayer.pipe(Layer.provide(client)), tracer))
}
