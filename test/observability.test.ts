import { describe, expect, it } from "@effect/vitest"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { ConfigProvider, Console, Effect } from "effect"
import * as Observability from "../examples/observability.js"
import { attrs, metricsOf, pointOf, receiver, spansOf } from "./support/otlp.js"

// examples/observability.ts end to end: a loopback OTLP/HTTP receiver on 127.0.0.1 stands in
// for the collector; the example runs its calls (the send meets two busy answers, the second
// create fails on the quota) against the embedded sandbox; closing the telemetry layer
// flushes spans and metrics to the receiver, whose JSON payloads are then asserted.
// Bounded: at most 64 requests of 4 MB are kept, the exporters time out after 10 s, the
// test after 60 s.

describe("examples/observability.ts → OTLP/HTTP", () => {
  it.live(
    "spans (names, parent-child, semconv + douyin.* attributes, logid) and metrics arrive; no token anywhere",
    () =>
      Effect.gen(function*() {
        const { received, url } = yield* receiver
        const printed: Array<string> = []
        const base = yield* Console.consoleWith(Effect.succeed)
        yield* Observability.main.pipe(
          Effect.withConsole({ ...base, log: (...args) => Effect.sync(() => void printed.push(args.join(" "))) }),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OTEL_EXPORTER_OTLP_ENDPOINT", url]])))
        )
        expect(printed.join("\n")).toContain("second group: group/CreateFanGroup: Douyin error 2190001")

        // what the exporters sent: OTLP JSON
        const traces = received.filter((r) => r.path === "/v1/traces")
        const metrics = received.filter((r) => r.path === "/v1/metrics")
        expect(traces.length).toBeGreaterThan(0)
        expect(metrics.length).toBeGreaterThan(0)
        for (const r of received) expect(r.contentType).toBe("application/json")

        // never a token, in any payload (the sandbox's static token is what every call sent)
        for (const r of received) expect(r.text).not.toContain(FanGroupSandbox.defaultToken)

        const spans = spansOf(traces)
        const root = spans.find((s) => s.name === "announce-launch")
        expect(root).toBeDefined()
        const sdk = spans.filter((s) => s.name.startsWith("group/"))
        expect(sdk.map((s) => s.name)).toEqual([
          "group/FanGroupQuota",
          "group/CreateFanGroup",
          "group/SendGroupMessage",
          "group/CreateFanGroup"
        ])
        for (const s of sdk) {
          // children of the user's own span, in its trace; kind CLIENT (3)
          expect(s.parentSpanId).toBe(root!.spanId)
          expect(s.traceId).toBe(root!.traceId)
          expect(s.kind).toBe(3)
          const a = attrs(s.attributes)
          expect(a["douyin.endpoint"]).toBe(s.name)
          expect(a["server.address"]).toBe("open.douyin.com")
          expect(a["server.port"]).toBe(443)
          expect(a["http.response.status_code"]).toBe(200)
          expect(a["douyin.logid"]).toMatch(/SANDBOX/)
          expect(a["douyin.client_request_id"]).toMatch(/^[0-9a-f-]{36}$/)
          // on every call span, not only after a retry
          expect(a["douyin.attempts"]).toBe(s.name === "group/SendGroupMessage" ? 3 : 1)
        }
        const [quota, created, sent, refused] = sdk.map((s) => attrs(s.attributes))
        expect(quota).toMatchObject({ "douyin.idempotency": "read", "http.request.method": "GET", "url.path": "/im/group/count/" })
        expect(created).toMatchObject({
          "douyin.idempotency": "unsafe",
          "http.request.method": "POST",
          "url.path": "/im/group/fans/create/"
        })
        expect(created["error.type"]).toBeUndefined()
        expect(sent).toMatchObject({
          "douyin.idempotency": "unsafe",
          "http.request.method": "POST",
          "url.path": "/im/send/msg/group/",
          "douyin.attempts": 3,
          "douyin.retry_count": 2
        })
        expect(refused["error.type"]).toBe("DouyinQuotaError")
        expect(refused["douyin.code"]).toBe(2190001)
        expect(created["douyin.code"]).toBeUndefined()
        expect(sdk[3].status.code).toBe(2) // ERROR
        expect(sdk[3].status.message).toContain("2190001")
        // the HttpClient's own spans (children of the SDK's) carry the header only redacted
        const httpSpans = spans.filter((s) => s.name.startsWith("http.client"))
        expect(httpSpans.length).toBeGreaterThanOrEqual(6) // 1 quota + 1 create + 3 send attempts + ≥1 refused create
        for (const s of httpSpans) {
          expect(sdk.map((p) => p.spanId)).toContain(s.parentSpanId)
          expect(attrs(s.attributes)["http.request.header.access-token"]).toBe("<redacted>")
        }

        // metrics: the last push holds the cumulative values
        const last = metricsOf(metrics[metrics.length - 1])
        const send = "group/SendGroupMessage"
        const create = "group/CreateFanGroup"
        expect(last.get("douyin.client.calls")?.sum?.isMonotonic).toBe(true)
        expect(pointOf(last.get("douyin.client.calls"), { endpoint: send, outcome: "success" })).toBe(1)
        expect(pointOf(last.get("douyin.client.calls"), { endpoint: create, outcome: "success" })).toBe(1)
        expect(pointOf(last.get("douyin.client.calls"), { endpoint: create, outcome: "DouyinQuotaError" })).toBe(1)
        expect(pointOf(last.get("douyin.client.calls"), { endpoint: "group/FanGroupQuota", outcome: "success" })).toBe(1)
        expect(pointOf(last.get("douyin.client.retries"), { endpoint: send, reason: "DouyinBusyError" })).toBe(2)
        expect(pointOf(last.get("douyin.client.requests.in_flight"), { endpoint: send })).toBe(0)
        expect(last.get("douyin.client.requests.in_flight")?.sum?.isMonotonic).toBe(false)
        const sendDuration = last.get("douyin.client.call.duration")?.histogram?.dataPoints.find((p) =>
          attrs(p.attributes).endpoint === send
        )
        expect(Number(sendDuration?.count)).toBe(1)
        // seconds, named by the metric's unit, never a unit label
        expect(last.get("douyin.client.call.duration")?.unit).toBe("s")
        expect(last.get("douyin.client.attempt.duration")?.unit).toBe("s")
        for (const p of last.get("douyin.client.call.duration")?.histogram?.dataPoints ?? []) {
          expect(Object.keys(attrs(p.attributes)).sort()).toEqual(["endpoint", "outcome"])
        }
        expect(Number(sendDuration?.sum)).toBeLessThan(30) // seconds: the call took well under the call timeout
        const sendAttempts = last.get("douyin.client.attempt.duration")?.histogram?.dataPoints.filter((p) =>
          attrs(p.attributes).endpoint === send
        )
        expect(sendAttempts?.reduce((n, p) => n + Number(p.count), 0)).toBe(3)
        expect(pointOf(last.get("douyin.client.retry_budget.remaining"), {})).toBeLessThan(500)
      }).pipe(Effect.scoped),
    60_000
  )
})
