/**
 * A loopback OTLP/HTTP receiver (127.0.0.1, port 0) and readers of the OTLP JSON it receives.
 * Bounded: at most 64 requests of 4 MB are kept.
 */
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect } from "effect"

export interface Received {
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
export const receiver = Effect.acquireRelease(
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

export type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean }
export type Attributes = ReadonlyArray<{ key: string; value: AnyValue }>
export interface OtlpSpan {
  name: string
  traceId: string
  spanId: string
  parentSpanId?: string
  kind: number
  attributes: Attributes
  status: { code: number; message?: string }
  events?: ReadonlyArray<{ name: string; attributes?: Attributes }>
}

export const valueOf = (v: AnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue
export const attrs = (attributes: Attributes): Record<string, unknown> =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]))

export const spansOf = (payloads: ReadonlyArray<Received>): Array<OtlpSpan> =>
  payloads.flatMap((p) =>
    (JSON.parse(p.text).resourceSpans as Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }>)
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
  )

export interface OtlpMetric {
  name: string
  unit?: string
  sum?: { isMonotonic?: boolean; dataPoints: Array<{ attributes: Attributes; asDouble?: number; asInt?: number | string }> }
  gauge?: { dataPoints: Array<{ attributes: Attributes; asDouble?: number; asInt?: number | string }> }
  histogram?: { dataPoints: Array<{ attributes: Attributes; count: number | string; sum?: number }> }
}

export const metricsOf = (payload: Received): Map<string, OtlpMetric> =>
  new Map(
    (JSON.parse(payload.text).resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<OtlpMetric> }> }>)
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .map((m) => [m.name, m])
  )

/** The value of the data point whose attributes include `match`. */
export const pointOf = (metric: OtlpMetric | undefined, match: Record<string, string>) => {
  const points = metric?.sum?.dataPoints ?? metric?.gauge?.dataPoints ?? []
  const point = points.find((p) => Object.entries(match).every(([k, v]) => attrs(p.attributes)[k] === v))
  return point === undefined ? undefined : Number(point.asDouble ?? point.asInt)
}
