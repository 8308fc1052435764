/**
 * The SDK's signals by the OpenTelemetry conventions, as an on-call engineer filters on them:
 * the production stack (`FanGroupLive.layer`: the fast undici client, OAuth, the file token
 * store, a global limit of 1 per second) against the sandbox on a real loopback socket,
 * exported over OTLP/HTTP to a loopback receiver.
 *
 * Wall clock: the second call waits for the 1/s limit; its wait is asserted above 0.3 s (it is
 * about 1 s less the time the first call took; the tolerance covers a loaded machine).
 */
import { describe, expect, it } from "@effect/vitest"
import * as DouyinTelemetry from "@effect-douyin/core/DouyinTelemetry"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer } from "effect"
import { attrs, metricsOf, receiver, spansOf } from "./support/otlp.js"
import { boundedLabels, clientSecret, live, sandboxServer, scenario, tempDir } from "./support/telemetry.js"

describe("telemetry by the OpenTelemetry conventions", () => {
  it.scopedLive(
    "OTLP: douyin.attempts on every call span, douyin.code + error.type on failures, the rate-limit wait on the span, OAuth spans with server.address/port and their metrics, durations in s with no unit label, one-string log events",
    () =>
      Effect.gen(function*() {
        const { received, url: otlp } = yield* receiver
        const { url, port, sandbox } = yield* sandboxServer
        const dir = yield* tempDir
        const Telemetry = DouyinTelemetry.layerMetrics(() =>
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter({ url: `${otlp}/v1/metrics` }),
            exportIntervalMillis: 60_000
          })
        ).pipe(
          Layer.provideMerge(NodeSdk.layer(() => ({
            resource: { serviceName: "telemetry-test" },
            spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }))
          })))
        )
        const { badCode, refused } = yield* scenario(sandbox).pipe(Effect.provide(live(url, dir)), Effect.provide(Telemetry))
        expect(badCode._tag).toBe("DouyinInvalidParams")
        expect(refused._tag).toBe("DouyinQuotaError")

        const spans = spansOf(received.filter((r) => r.path === "/v1/traces"))
        for (const r of received) expect(r.text).not.toContain(clientSecret)

        // every call span: douyin.attempts, server.address / server.port of the loopback sandbox
        const calls = spans.filter((s) => s.name.startsWith("group/"))
        expect(calls.map((s) => s.name)).toEqual(["group/FanGroupQuota", "group/FanGroupQuota", "group/CreateFanGroup"])
        for (const s of calls) {
          const a = attrs(s.attributes)
          expect(a["douyin.attempts"]).toBe(1)
          expect(a["server.address"]).toBe("127.0.0.1")
          expect(a["server.port"]).toBe(port)
        }
        const [first, second, create] = calls.map((s) => attrs(s.attributes))
        expect(first["error.type"]).toBeUndefined()
        expect(first["douyin.code"]).toBeUndefined()

        // the second read waited for the 1/s permit: attribute (seconds) and an event with the duration
        expect(first["douyin.ratelimit.wait.duration"]).toBeUndefined()
        expect(second["douyin.ratelimit.wait.duration"]).toBeGreaterThan(0.3)
        expect(second["douyin.ratelimit.wait.duration"]).toBeLessThan(1.5)
        const waitEvent = calls[1]!.events?.find((e) => e.name === "douyin.ratelimit.wait")
        expect(waitEvent).toBeDefined()
        expect(attrs(waitEvent!.attributes ?? [])["douyin.ratelimit.wait.duration"]).toBe(second["douyin.ratelimit.wait.duration"])

        // a failure: error.type and the Douyin code on the span; the log line is one string
        expect(create["error.type"]).toBe("DouyinQuotaError")
        expect(create["douyin.code"]).toBe(2190001)
        expect(calls[2]!.status.code).toBe(2)
        const logged = calls[2]!.events?.map((e) => e.name) ?? []
        expect(logged.some((name) => name.startsWith("douyin call failed: group/CreateFanGroup: Douyin error 2190001"))).toBe(true)
        for (const name of logged) expect(name.startsWith("[")).toBe(false)

        // OAuth calls: their own spans with the server attributes; the failure with its code
        const oauth = spans.filter((s) => s.name === "oauth/AccessToken").map((s) => attrs(s.attributes))
        expect(oauth).toHaveLength(2)
        for (const a of oauth) {
          expect(a["server.address"]).toBe("127.0.0.1")
          expect(a["server.port"]).toBe(port)
          expect(a["http.request.method"]).toBe("POST")
        }
        const oauthFailed = oauth.find((a) => a["error.type"] !== undefined)
        expect(oauthFailed?.["error.type"]).toBe("DouyinInvalidParams")
        expect(oauthFailed?.["douyin.code"]).toBe("code" in badCode ? badCode.code : -1)

        // metrics: the last push holds the cumulative values
        const pushes = received.filter((r) => r.path === "/v1/metrics")
        expect(pushes.length).toBeGreaterThan(0)
        const metrics = metricsOf(pushes[pushes.length - 1]!)
        for (
          const name of [
            "douyin.client.call.duration",
            "douyin.client.attempt.duration",
            "douyin.ratelimit.wait.duration",
            "douyin.oauth.call.duration"
          ]
        ) {
          expect(metrics.get(name)?.unit, name).toBe("s")
        }
        const oauthCalls = metrics.get("douyin.oauth.calls")?.sum?.dataPoints.map((p) => attrs(p.attributes))
        expect(oauthCalls).toEqual(expect.arrayContaining([
          { endpoint: "oauth/AccessToken", outcome: "success" },
          { endpoint: "oauth/AccessToken", outcome: "DouyinInvalidParams" }
        ]))
        const oauthSeconds = metrics.get("douyin.oauth.call.duration")?.histogram?.dataPoints ?? []
        expect(oauthSeconds.reduce((n, p) => n + Number(p.count), 0)).toBe(2)
        for (const p of oauthSeconds) expect(p.sum).toBeLessThan(10) // seconds, not milliseconds
        const waits = metrics.get("douyin.ratelimit.wait.duration")?.histogram?.dataPoints ?? []
        expect(waits.reduce((n, p) => n + (p.sum ?? 0), 0)).toBeGreaterThan(0.3)
        // bounded label sets, and never a unit label
        for (const [name, metric] of metrics) {
          if (!name.startsWith("douyin.")) continue
          const points = metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? metric.histogram?.dataPoints ?? []
          for (const p of points) {
            for (const key of Object.keys(attrs(p.attributes))) expect(boundedLabels.has(key), `${name} label ${key}`).toBe(true)
          }
        }
      }),
    60_000
  )
})
