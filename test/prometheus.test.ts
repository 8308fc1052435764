/**
 * The SDK's metrics in the Prometheus text format: the OpenTelemetry Prometheus exporter
 * (`@opentelemetry/exporter-prometheus`) as the reader of `DouyinTelemetry.layerMetrics`,
 * mounted on the app's own loopback server at `/metrics`, after the scenario of
 * `support/telemetry.ts` ran the production stack against the loopback sandbox. The scrape is
 * read by a strict parser of the exposition format. Its own file: Effect's metric registry is
 * per process, and this test asserts absolute counts.
 *
 * Wall clock: the second read waits for the 1/s limit; its call's duration is asserted above
 * 0.3 s (about 1 s less the first call's time; the tolerance covers a loaded machine).
 */
import { describe, expect, it } from "@effect/vitest"
import * as DouyinTelemetry from "@effect-douyin/core/DouyinTelemetry"
import * as Resource from "@effect/opentelemetry/Resource"
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { boundedLabels, live, sandboxServer, scenario, tempDir } from "./support/telemetry.js"

describe("Prometheus exposition", () => {
  it.scopedLive(
    "Prometheus: the OpenTelemetry Prometheus exporter over DouyinTelemetry.layerMetrics, mounted on the app's own loopback server; the scrape parses, durations in seconds, no unit label",
    () =>
      Effect.gen(function*() {
        const { url, sandbox } = yield* sandboxServer
        const dir = yield* tempDir
        const exporter = new PrometheusExporter({ preventServerStart: true })
        // the app's own server answers GET /metrics with the exporter's handler
        const server = yield* Effect.acquireRelease(
          Effect.async<ReturnType<typeof createServer>>((resume) => {
            const s = createServer((request, response) => {
              if (request.url === "/metrics") exporter.getMetricsRequestHandler(request, response)
              else response.writeHead(404).end()
            })
            s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
          }),
          (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
        )
        const metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`
        yield* Layer.build(
          DouyinTelemetry.layerMetrics(() => exporter).pipe(Layer.provide(Resource.layer({ serviceName: "telemetry-test" })))
        )
        yield* scenario(sandbox).pipe(Effect.provide(live(url, dir)))

        const response = yield* Effect.promise(() => fetch(metricsUrl))
        expect(response.status).toBe(200)
        expect(response.headers.get("content-type")).toContain("text/plain")
        const text = yield* Effect.promise(() => response.text())
        const scraped = parsePrometheus(text)

        const calls = scraped.samples.filter((s) => s.name === "douyin_client_calls_total")
        const scope = "@effect/opentelemetry/Metrics"
        expect(calls).toEqual(expect.arrayContaining([
          {
            name: "douyin_client_calls_total",
            labels: { endpoint: "group/FanGroupQuota", outcome: "success", otel_scope_name: scope },
            value: 2
          },
          {
            name: "douyin_client_calls_total",
            labels: { endpoint: "group/CreateFanGroup", outcome: "DouyinQuotaError", otel_scope_name: scope },
            value: 1
          }
        ]))
        expect(scraped.types.get("douyin_client_calls_total")).toBe("counter")
        expect(scraped.types.get("douyin_client_call_duration")).toBe("histogram")
        expect(scraped.units.get("douyin_client_call_duration")).toBe("s")
        const count = scraped.samples.find((s) =>
          s.name === "douyin_client_call_duration_count" && s.labels.endpoint === "group/FanGroupQuota" && s.labels.outcome === "success"
        )
        expect(count?.value).toBe(2)
        const sum = scraped.samples.find((s) =>
          s.name === "douyin_client_call_duration_sum" && s.labels.endpoint === "group/FanGroupQuota" && s.labels.outcome === "success"
        )
        expect(sum!.value).toBeGreaterThan(0.3) // the second read waited for its permit: seconds
        expect(sum!.value).toBeLessThan(30)
        const inf = scraped.samples.find((s) =>
          s.name === "douyin_client_call_duration_bucket" && s.labels.endpoint === "group/FanGroupQuota" && s.labels.le === "+Inf"
        )
        expect(inf?.value).toBe(2)
        expect(scraped.samples.some((s) => s.name === "douyin_oauth_calls_total" && s.labels.outcome === "DouyinInvalidParams")).toBe(true)
        for (const s of scraped.samples.filter((s) => s.name.startsWith("douyin_"))) {
          expect(s.labels.unit).toBeUndefined()
          expect(s.labels.time_unit).toBeUndefined()
          for (const key of Object.keys(s.labels)) {
            if (key !== "le" && key !== "otel_scope_name" && key !== "otel_scope_version") {
              expect(boundedLabels.has(key), `${s.name} label ${key}`).toBe(true)
            }
          }
        }
      }),
    60_000
  )
})

interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** A strict reader of the Prometheus text exposition format (0.0.4): any other line fails the test. */
const parsePrometheus = (text: string) => {
  const samples: Array<Sample> = []
  const types = new Map<string, string>()
  const units = new Map<string, string>()
  const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
  for (const line of text.split("\n")) {
    if (line === "") continue
    const meta = /^# (HELP|TYPE|UNIT) (\S+) ?(.*)$/.exec(line)
    if (meta !== null) {
      if (meta[1] === "TYPE") types.set(meta[2]!, meta[3]!)
      if (meta[1] === "UNIT") units.set(meta[2]!, meta[3]!)
      continue
    }
    const match = sample.exec(line)
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? "").matchAll(label)) labels[key!] = value!.replace(/\\(.)/g, "$1")
    const value = match[3] === "+Inf" ? Infinity : Number(match[3])
    if (Number.isNaN(value)) throw new Error(`not a sample value: ${line}`)
    samples.push({ name: match[1]!, labels, value })
  }
  return { samples, types, units }
}
