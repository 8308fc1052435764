/**
 * The fault matrix of docs/reliability.md#fault-matrix against a real node:http server on 127.0.0.1,
 * rows 1–7, 10, 11 and 15 (row 12, the rate under load, is in faults-rate.test.ts).
 * The whole matrix runs twice: over the platform's undici client (`NodeHttpClient.layerUndici`)
 * and over the SDK's fast client (`DouyinHttpClient.layer`), which must behave the same.
 */
import type * as ConfigError from "effect/ConfigError"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import type { DouyinConfig } from "@effect-douyin/core"
import { type DouyinError, DouyinTest, Endpoint, Retry } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import { Cause, type Duration, Effect, Layer, Logger, LogLevel, Option, Scope, Tracer } from "effect"
import {
  CreateFanGroup as CreateFanGroupEndpoint,
  FanGroupQuota,
  ListEntryApplications,
  MessageContent,
  ReviewEntryApplication,
  SendGroupMessage
} from "@effect-douyin/group"
import * as Server from "./support/LoopbackServer.js"
import { clientOver } from "./support/loopbackClient.js"

// The real fan-group descriptors: the matrix exercises the endpoints users call.
const Count = FanGroupQuota.descriptor
const Send = SendGroupMessage.descriptor
const ListApplications = ListEntryApplications.descriptor
const ReviewApplication = ReviewEntryApplication.descriptor
const CreateFanGroup = CreateFanGroupEndpoint.descriptor

const token = "act.FAULT-MATRIX-SECRET-TOKEN"
const countOk = DouyinTest.successA({ left_count: 2 })
const sendOk = DouyinTest.successA({ msg_id: "@m==" })
const busy = DouyinTest.errorA(2100004, "system busy")
const badGateway = DouyinTest.text(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
const sendInput = { openId: "op-1", groupId: "@g==", content: MessageContent.text("hello") }

// Short real backoffs keep each test in milliseconds; no test sleeps on its own.
const fastRetry = Retry.layer({ maxAttempts: 3, base: "2 millis", cap: "10 millis", jitter: false })

const tag = <A>(
  result: { readonly _tag: "Left"; readonly left: DouyinError.DouyinError } | { readonly _tag: "Right"; readonly right: A }
) => result._tag === "Left" ? result.left._tag : "success"

interface Transport {
  readonly name: string
  /** The HttpClient layer; `timeout` is the client's own deadline, where it has one. */
  readonly http: (timeout?: Duration.DurationInput) => Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>
  /** Spans the HttpClient itself opens per request (the SDK opens one per call either way). */
  readonly httpSpansPerRequest: number
}

const transports: ReadonlyArray<Transport> = [
  { name: "the platform's undici client", http: () => NodeHttpClient.layerUndici, httpSpansPerRequest: 1 },
  {
    name: "the fast client (DouyinHttpClient)",
    http: (timeout = "5 seconds") => DouyinHttpClient.layer({ timeout }),
    httpSpansPerRequest: 0
  }
]

describe.each(transports)("fault matrix on a loopback server (docs/reliability.md#fault-matrix), over $name", (transport) => {
  /** The client over `transport` to `baseUrl`, with the `retry` policy provided into it (no rate limit). */
  const clientLayer = (
    baseUrl: string,
    retry: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig>,
    config: DouyinConfig.Options = {},
    http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> = transport.http()
  ) => clientOver(baseUrl, { retry, http, token, config: { attemptTimeout: "5 seconds", ...config } })

  it.scopedLive("row 1: connection refused, then up: reads and unsafe calls are retried and succeed", () =>
    Effect.gen(function*() {
      const scope = yield* Effect.scope
      const port = yield* Server.freePort
      let server: Server.LoopbackServer | undefined
      // The server comes up when the first attempt has been refused: no timing guesswork.
      const startServer = yield* Effect.cached(
        Effect.tap(
          Scope.extend(Server.make((r) => (r.method === "POST" ? sendOk : countOk), port), scope),
          (s) => Effect.sync(() => (server = s))
        )
      )
      const http = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, HttpClient.tapError(() => startServer))
      ).pipe(Layer.provide(transport.http()))
      const refused: Array<DouyinError.DouyinError> = []
      yield* Effect.gen(function*() {
        // Without retry, a refused connection is a transport error that was certainly not sent.
        const countOnce = yield* Endpoint.handler(Count)
        const error = yield* Effect.flip(countOnce({ openId: "op-1" }).pipe(Retry.disable))
        refused.push(error)
      }).pipe(Effect.provide(clientLayer(`http://127.0.0.1:${port}`, fastRetry)))
      expect(refused[0]._tag).toBe("DouyinTransportError")
      expect(refused[0]._tag === "DouyinTransportError" && refused[0].sent).toBe(false)

      yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const send = yield* Endpoint.handler(Send)
        expect(yield* send(sendInput)).toEqual({ msgId: "@m==" })
        expect(yield* count({ openId: "op-1" })).toEqual({ leftCount: 2 })
      }).pipe(Effect.provide(clientLayer(`http://127.0.0.1:${port}`, fastRetry, {}, http)))
      // The refused attempt never reached the server: one POST, one GET.
      expect(server?.count("POST")).toBe(1)
      expect(server?.count("GET")).toBe(1)
    }))

  it.scopedLive("row 2: the server reads the send request, then destroys the socket: exactly one POST, DouyinOutcomeUnknown", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => Server.destroy)
      const result = yield* Effect.gen(function*() {
        const send = yield* Endpoint.handler(Send)
        return yield* Effect.either(send(sendInput))
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(tag(result)).toBe("DouyinOutcomeUnknown")
      expect(server.count("POST")).toBe(1)
      expect(server.received).toHaveLength(1)
      if (result._tag === "Left" && result.left._tag === "DouyinOutcomeUnknown") {
        expect(result.left.endpoint).toBe("group/SendGroupMessage")
        expect(result.left.request).toEqual({
          method: "POST",
          path: "/im/send/msg/group/",
          query: { open_id: "op-1" },
          body: { group_id: "@g==", content: { msg_type: 1, text: { text: "hello" } } }
        })
        expect(result.left.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
        expect(JSON.stringify(result.left)).not.toContain(token)
      }
    }))

  it.scopedLive("row 3: the same drop on a read is retried and succeeds", () =>
    Effect.gen(function*() {
      const server = yield* Server.make((_, n) => (n === 0 ? Server.destroy : countOk))
      const result = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        return yield* count({ openId: "op-1" })
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(result).toEqual({ leftCount: 2 })
      expect(server.count("GET")).toBe(2)
    }))

  it.scopedLive("row 4: 2100004 twice, then success, on send: 3 POSTs and success", () =>
    Effect.gen(function*() {
      const server = yield* Server.make((_, n) => (n < 2 ? busy : sendOk))
      const result = yield* Effect.gen(function*() {
        const send = yield* Endpoint.handler(Send)
        return yield* send(sendInput)
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(result).toEqual({ msgId: "@m==" })
      expect(server.count("POST")).toBe(3)
    }))

  it.scopedLive("row 5: 502 with an HTML body: a read is retried, a send fails DouyinOutcomeUnknown without retry", () =>
    Effect.gen(function*() {
      const server = yield* Server.make((r, _, nth) => (r.method === "POST" || nth === 0 ? badGateway : countOk))
      const [read, sent] = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const send = yield* Endpoint.handler(Send)
        return [yield* Effect.either(count({ openId: "op-1" })), yield* Effect.either(send(sendInput))] as const
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(read._tag === "Right" && read.right).toEqual({ leftCount: 2 })
      expect(server.count("GET")).toBe(2)
      expect(tag(sent)).toBe("DouyinOutcomeUnknown")
      expect(sent._tag === "Left" && sent.left.message).toContain("HTTP 502")
      expect(server.count("POST")).toBe(1)
    }))

  it.scopedLive("row 6: 200 with malformed JSON: DouyinDecodeError with the logid, no retry", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => ({
        status: 200,
        headers: { "content-type": "application/json", "x-tt-logid": "202401010000000ROW6" },
        body: "{\"data\": {\"error_code\": 0,"
      }))
      const result = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        return yield* Effect.either(count({ openId: "op-1" }))
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(tag(result)).toBe("DouyinDecodeError")
      expect(result._tag === "Left" && result.left._tag === "DouyinDecodeError" && result.left.logId).toBe(
        "202401010000000ROW6"
      )
      expect(result._tag === "Left" && result.left.message).toContain("202401010000000ROW6")
      expect(server.count()).toBe(1)
    }))

  it.scopedLive("row 7: a response slower than the attempt timeout: a read is retried, a send ends DouyinOutcomeUnknown", () =>
    Effect.gen(function*() {
      // The first request of each method is held forever; the next one is answered at once.
      const server = yield* Server.make((r, _, nth) => (nth === 0 ? Server.hold : r.method === "POST" ? sendOk : countOk))
      const [read, sent] = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        const send = yield* Endpoint.handler(Send)
        return [yield* Effect.either(count({ openId: "op-1" })), yield* Effect.either(send(sendInput))] as const
      }).pipe(
        // The fast client's own deadline (200 ms) ends the held attempt; the platform's client has
        // none, so the SDK's attempt timeout (300 ms) does. Either way the outcome is the same.
        Effect.provide(clientLayer(server.url, fastRetry, { attemptTimeout: "300 millis" }, transport.http("200 millis")))
      )
      expect(read._tag === "Right" && read.right).toEqual({ leftCount: 2 })
      expect(server.count("GET")).toBe(2)
      expect(tag(sent)).toBe("DouyinOutcomeUnknown")
      expect(sent._tag === "Left" && sent.left.message).toContain("attempt timeout")
      expect(server.count("POST")).toBe(1)
    }))

  it.scopedLive("row 10: invalid input (page size 0, status 4, empty name): typed error, zero requests", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => countOk)
      const errors = yield* Effect.gen(function*() {
        const list = yield* Endpoint.handler(ListApplications)
        const review = yield* Endpoint.handler(ReviewApplication)
        const create = yield* Endpoint.handler(CreateFanGroup)
        return [
          yield* Effect.flip(list({ openId: "op-1", count: 0 })),
          yield* Effect.flip(review({ openId: "op-1", applyId: "@a==", decision: 4 as unknown as "approve" })),
          yield* Effect.flip(create({ openId: "op-1", groupName: "  ", description: "d", avatarUri: "https://x" }))
        ]
      }).pipe(Effect.provide(clientLayer(server.url, fastRetry)))
      expect(errors.map((e) => e._tag)).toEqual(["DouyinInvalidInput", "DouyinInvalidInput", "DouyinInvalidInput"])
      expect(errors.map((e) => e._tag === "DouyinInvalidInput" && e.endpoint)).toEqual([
        "group/ListEntryApplications",
        "group/ReviewEntryApplication",
        "group/CreateFanGroup"
      ])
      expect(server.received).toHaveLength(0)
    }))

  it.scopedLive("row 11: the retry budget is exhausted during an outage: later failures are not retried and say so", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => DouyinTest.text(503, "<html>Service Unavailable</html>"))
      const budgetRetry = Retry.layer({
        maxAttempts: 3,
        base: "1 millis",
        jitter: false,
        budget: { capacity: 20, retryCost: 5 }
      })
      const { counts, errors, left } = yield* Effect.gen(function*() {
        const retry = yield* Retry.Retry
        const count = yield* Endpoint.handler(Count)
        const counts: Array<number> = []
        const errors: Array<DouyinError.DouyinError> = []
        for (let i = 0; i < 4; i++) {
          const before = server.count()
          errors.push(yield* Effect.flip(count({ openId: "op-1" })))
          counts.push(server.count() - before)
        }
        return { counts, errors, left: yield* retry.remainingBudget }
      }).pipe(Effect.provide(clientLayer(server.url, budgetRetry)))
      // 20 tokens pay four retries: two full calls; after that, one attempt per call.
      expect(counts).toEqual([3, 3, 1, 1])
      expect(left).toBe(0)
      const flags = errors.map((e) => e._tag === "DouyinHttpError" && e.retryBudgetExhausted === true)
      expect(flags).toEqual([false, false, true, true])
      expect(errors[3].message).toContain("HTTP 503")
      expect(errors[3].message).toContain("retry budget exhausted")
    }))

  it.scopedLive("row 15: a failing call's logs, spans and error carry the logid and never the token", () =>
    Effect.gen(function*() {
      const logId = "20240101000000ROW15LOGID"
      const server = yield* Server.make((_, n) =>
        n === 0 ? DouyinTest.errorA(2100004, "system busy", logId) : DouyinTest.errorA(2190004, "no permission", logId)
      )
      const spans: Array<RecordedSpan> = []
      const logs: Array<string> = []
      const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
        logs.push(JSON.stringify({
          level: logLevel.label,
          message,
          annotations: Object.fromEntries(annotations),
          cause: Cause.isEmpty(cause) ? undefined : Cause.pretty(cause)
        }))
      })
      const error = yield* Effect.gen(function*() {
        const count = yield* Endpoint.handler(Count)
        return yield* Effect.flip(count({ openId: "op-1" }))
      }).pipe(
        Effect.provide(clientLayer(server.url, fastRetry)),
        Effect.withTracer(recordingTracer(spans)),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.All)
      )
      // The token did go out (so the checks below can fail), in its header only.
      expect(server.received[0].headers["access-token"]).toBe(token)

      expect(error._tag).toBe("DouyinPermissionError")
      expect(error._tag === "DouyinPermissionError" && error.logId).toBe(logId)
      expect(error.message).toContain(logId)

      // Spans are serialized when they end, inside the fiber, as an exporter's span processor
      // does: that is where the client's redacted header names apply.
      expect(spans.every((s) => s.exported !== "")).toBe(true)
      const callSpan = spans.find((s) => s.name === "group/FanGroupQuota")
      expect(callSpan?.attributes.get("douyin.logid")).toBe(logId)
      expect(spans.filter((s) => s.name.startsWith("http.client"))).toHaveLength(2 * transport.httpSpansPerRequest)
      expect(logs.some((l) => l.includes(logId))).toBe(true)

      const everything = [
        ...spans.map((s) => s.exported),
        ...logs,
        error.message,
        String(error),
        JSON.stringify(error),
        Cause.pretty(Cause.fail(error))
      ].join("\n")
      expect(everything).not.toContain(token)
      expect(everything).not.toContain("FAULT-MATRIX-SECRET")
    }))
})

interface RecordedSpan extends Tracer.Span {
  readonly attributes: Map<string, unknown>
  readonly events: Array<readonly [string, bigint, Record<string, unknown>]>
  /** The span as an exporter's on-end hook would serialize it (inside the fiber). */
  exported: string
}

const recordingTracer = (spans: Array<RecordedSpan>): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const allLinks = [...links]
      const span: RecordedSpan = {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: Option.match(parent, { onNone: () => "trace", onSome: (p) => p.traceId }),
        parent,
        context,
        get status() {
          return status
        },
        attributes: new Map(),
        events: [],
        links: allLinks,
        sampled: true,
        kind,
        exported: "",
        end(endTime, exit) {
          status = { _tag: "Ended", startTime, endTime, exit }
          this.exported = serializeSpan(this)
        },
        attribute(key, value) {
          this.attributes.set(key, value)
        },
        event(eventName, time, attributes) {
          this.events.push([eventName, time, attributes ?? {}])
        },
        addLinks(more) {
          allLinks.push(...more)
        }
      } as RecordedSpan
      spans.push(span)
      return span
    },
    context: (f) => f()
  })

const serializeSpan = (span: RecordedSpan) =>
  JSON.stringify(
    {
      name: span.name,
      attributes: Object.fromEntries(span.attributes),
      events: span.events,
      // What exporters record of the end: the outcome, and for a failure its cause (the value of
      // a success, e.g. the platform's HttpClientResponse, is not exported).
      exit: span.status._tag === "Ended" ? span.status.exit._tag : undefined,
      cause: span.status._tag === "Ended" && span.status.exit._tag === "Failure"
        ? [Cause.pretty(span.status.exit.cause), JSON.stringify(Cause.squash(span.status.exit.cause))]
        : undefined
    },
    (_, v) => (typeof v === "bigint" ? v.toString() : v)
  )
