import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { FanGroupSandbox } from "@effect-douyin/group"
import { ConfigProvider, Console, Effect } from "effect"
import * as Observability from "../examples/observability.js"

// examples/observability.ts end to end: a loopback OTLP/HTTP receiver on 127.0.0.1 stands in
// for the collector; the example runs its calls (the send meets two busy answers, the second
// create fails on the quota) against the embedded sandbox; closing the telemetry layer
// flushes spans and metrics to the receiver, whose JSON payloads are then asserted.
// Bounded: at most 64 requests of 4 MB are kept, the exporters time out after 10 s, the
// test after 60 s.

interface Received {
  readonly path: string
  readonly contentType: string | undefined
  readonly text: string
}

const readBody = (request: IncomingMessage, limit: number) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) request.destroy(new Error("OTLP payload too large"))
      else chunks.push(chunk)
    })
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

/** An OTLP/HTTP receiver on a free loopback port; closed with the scope. */
const receiver = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly received: Array<Received> }>((resume) => {
    const received: Array<Received> = []
    const server = createServer((request, response) => {
      if (received.length >= 64) {
        response.writeHead(503).end()
        return
      }
      readBody(request, 4 * 1024 * 1024).then(
        (text) => {
          received.push({ path: request.url ?? "", contentType: request.headers["content-type"], text })
          response.writeHead(200, { "content-type": "application/json" }).end("{}")
        },
        () => response.writeHead(413).end()
      )
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, received, server }))
    })
  }),
  (r) =>
    Effect.async<void>((resume) =>
      void (r as unknown as { server: ReturnType<typeof createServer> }).server.close(() => resume(Effect.void))
    )
)

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean }
type Attributes = ReadonlyArray<{ key: string; value: AnyValue }>
interface OtlpSpan {
  name: string
  traceId: string
  spanId: string
  parentSpanId?: string
  kind: number
  attributes: Attributes
  status: { code: number; message?: string }
}

const valueOf = (v: AnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue
const attrs = (attributes: Attributes): Record<string, unknown> =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]))

const spansOf = (payloads: ReadonlyArray<Received>): Array<OtlpSpan> =>
  payloads.flatMap((p) =>
    (JSON.parse(p.text).resourceSpans as Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }>)
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
  )

interface OtlpMetric {
  name: string
  unit?: string
  sum?: { isMonotonic?: boolean; dataPoints: Array<{ attributes: Attributes; asDouble?: number; asInt?: number | string }> }
  gauge?: { dataPoints: Array<{ attributes: Attributes; asDouble?: number; asInt?: number | string }> }
  histogram?: { dataPoints: Array<{ attributes: Attributes; count: number | string; sum?: number }> }
}

const metricsOf = (payload: Received): Map<string, OtlpMetric> =>
  new Map(
    (JSON.parse(payload.text).resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<OtlpMetric> }> }>)
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .map((m) => [m.name, m])
  )

/** The value of the data point whose attributes include `match`. */
const pointOf = (metric: OtlpMetric | undefined, match: Record<string, string>) => {
  const points = metric?.sum?.dataPoints ?? metric?.gauge?.dataPoints ?? []
  const point = points.find((p) => Object.entries(match).every(([k, v]) => attrs(p.attributes)[k] === v))
  return point === undefined ? undefined : Number(point.asDouble ?? point.asInt)
}

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
        expect(last.get("douyin.client.call.duration")?.unit).toBe("milliseconds")
        const sendAttempts = last.get("douyin.client.attempt.duration")?.histogram?.dataPoints.filter((p) =>
          attrs(p.attributes).endpoint === send
        )
        expect(sendAttempts?.reduce((n, p) => n + Number(p.count), 0)).toBe(3)
        expect(pointOf(last.get("douyin.client.retry_budget.remaining"), {})).toBeLessThan(500)
      }).pipe(Effect.scoped),
    60_000
  )
})
