/**
 * The client's part of the security and retry promises (docs/reliability.md#security): a failed
 * refresh is the refresh's own error, a token echoed by the server is scrubbed everywhere, a
 * redirect never carries the token to another origin (on every injected client), 2190001 is not
 * retried, and an interrupted unsafe call is logged. Every fault is played by real node:http servers on 127.0.0.1.
 */
import type * as ConfigError from "effect/ConfigError"
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import type { DouyinClient } from "@effect-douyin/core"
import { DouyinConfig, type DouyinError, DouyinTest, Endpoint, FailureClass, OAuth, Retry } from "@effect-douyin/core"
import { CreateFanGroup as CreateFanGroupEndpoint, FanGroupQuota, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { Cause, Effect, Exit, Fiber, Inspectable, Layer, Logger, LogLevel, Redacted, Tracer } from "effect"
import * as util from "node:util"
import { clientOver, storeTokens } from "./support/loopbackClient.js"
import * as Server from "./support/LoopbackServer.js"

const Count = FanGroupQuota.descriptor
const Send = SendGroupMessage.descriptor
const CreateFanGroup = CreateFanGroupEndpoint.descriptor
const sendInput = { openId: "op-1", groupId: "@g==", content: MessageContent.text("hello") }
const sendPath = "/im/send/msg/group/"
const refreshPath = "/oauth/refresh_token/"

// Short real backoffs: every test runs in milliseconds on the wall clock.
const fastRetry = Retry.layer({ maxAttempts: 3, base: "2 millis", cap: "10 millis", jitter: false })

const clientKey = "ck_reliability"
const day = 24 * 60 * 60 * 1000

/** The client with a store-backed token (and OAuth) against `baseUrl`. */
const storeClient = (baseUrl: string, accessExpiresAt: number, config: DouyinConfig.Options = {}) =>
  clientOver(baseUrl, {
    retry: fastRetry,
    config,
    tokens: storeTokens({
      clientKey,
      clientSecret: "cs_reliability_secret",
      tokens: [{
        openId: "op-1",
        accessToken: "act.op-1.stale",
        expiresAt: accessExpiresAt,
        refreshToken: "rft.op-1",
        refreshExpiresAt: Date.now() + 30 * day
      }]
    })
  })

/** The client with a static token against `baseUrl` over `http`. */
const staticClient = (
  baseUrl: string,
  token: string,
  options: {
    readonly http?: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>
    readonly retry?: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig>
    readonly config?: DouyinConfig.Options
  } = {}
) => clientOver(baseUrl, { retry: options.retry ?? fastRetry, token, http: options.http, config: options.config })

const send = Effect.flatMap(Endpoint.handler(Send), (send) => send(sendInput))
const count = Effect.flatMap(Endpoint.handler(Count), (count) => count({ openId: "op-1" }))

const sendOk = DouyinTest.successA({ msg_id: "@m==" })
const countOk = DouyinTest.successA({ left_count: 2 })

describe("a failed token refresh is the refresh's own error, not an unknown outcome", () => {
  const refreshFaults: ReadonlyArray<readonly [string, Server.Action]> = [
    ["HTTP 500", DouyinTest.text(500, "<html>Internal Server Error</html>")],
    ["a hang past the attempt timeout", Server.hold],
    ["malformed JSON", { status: 200, headers: { "content-type": "application/json" }, body: "{\"data\": {" }]
  ]

  for (const [fault, action] of refreshFaults) {
    it.scopedLive(`stored token expired, refresh answers ${fault}: zero sends, the OAuth endpoint's error`, () =>
      Effect.gen(function*() {
        const server = yield* Server.make((request) => request.path === refreshPath ? action : sendOk)
        const error = yield* Effect.flip(send).pipe(
          Effect.provide(storeClient(server.url, Date.now() - 1000, { attemptTimeout: "300 millis" }))
        )
        expect(server.received.filter((r) => r.path === sendPath)).toHaveLength(0)
        expect(server.received.filter((r) => r.path === refreshPath).length).toBeGreaterThanOrEqual(1)
        expect(error._tag).not.toBe("DouyinOutcomeUnknown")
        expect("endpoint" in error && error.endpoint).toBe(OAuth.EndpointIds.refreshToken)
        expect(error.message).toContain(OAuth.EndpointIds.refreshToken)
      }))
  }

  it.scopedLive("send answered 2190008 (Douyin did not act), then the refresh fails: one send, the refresh's error", () =>
    Effect.gen(function*() {
      const server = yield* Server.make((request) =>
        request.path === refreshPath
          ? DouyinTest.text(500, "<html>Internal Server Error</html>")
          : DouyinTest.errorA(2190008, "access_token expired")
      )
      const error = yield* Effect.flip(send).pipe(Effect.provide(storeClient(server.url, Date.now() + day)))
      expect(server.received.filter((r) => r.path === sendPath)).toHaveLength(1)
      expect(error._tag).toBe("DouyinHttpError")
      expect(error._tag === "DouyinHttpError" && [error.endpoint, error.status]).toEqual([OAuth.EndpointIds.refreshToken, 500])
    }))

  it.scopedLive("the send itself breaking mid-flight is still an unknown outcome", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => Server.destroy)
      const error = yield* Effect.flip(send).pipe(Effect.provide(staticClient(server.url, "act.static")))
      expect(server.count("POST")).toBe(1)
      expect(error._tag).toBe("DouyinOutcomeUnknown")
    }))
})

/** Everything a user or an exporter can render of an error, a log line and a span. */
const rendered = (error: DouyinError.DouyinError) => [
  error.message,
  String(error),
  JSON.stringify(error),
  util.inspect(error, { depth: 10 }),
  Inspectable.toStringUnknown(error.toJSON()),
  Cause.pretty(Cause.fail(error))
]

interface Span {
  readonly name: string
  readonly attributes: Map<string, unknown>
  exit?: Exit.Exit<unknown, unknown>
}

const recordingTracer = (spans: Array<Span>) =>
  Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: Span = { name, attributes: new Map() }
      spans.push(record)
      const span = Tracer.externalSpan({ spanId: `s${spans.length}`, traceId: "t" })
      return {
        ...span,
        _tag: "Span",
        name,
        parent,
        context,
        links,
        kind,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        sampled: true,
        attribute: (key, value) => void record.attributes.set(key, value),
        event: () => {},
        addLinks: () => {},
        end: (_end, exit) => void (record.exit = exit)
      } satisfies Tracer.Span
    },
    context: (f) => f()
  })

const spanRendered = (span: Span) => [
  span.name,
  ...[...span.attributes].map(([k, v]) => `${k}=${Inspectable.toStringUnknown(v)}`),
  span.exit !== undefined && Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : ""
]

/** Runs `effect` recording every span and every log line (all levels). */
const observed = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const spans: Array<Span> = []
  const logs: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    logs.push(
      `${logLevel.label} ${Inspectable.toStringUnknown(message)} ${Inspectable.toStringUnknown(Object.fromEntries(annotations))} ${
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause)
      }`
    )
  })
  return Effect.map(
    effect.pipe(
      Effect.withTracer(recordingTracer(spans)),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All)
    ),
    (a) => ({ result: a, spans, logs })
  )
}

describe("a token echoed by the server is scrubbed from every error, log line and span", () => {
  // Not shaped like a Douyin token, so only the value-based scrub can catch it.
  const token = "ECHOED-SECRET-7f3a9c1e"
  const echoes: ReadonlyArray<
    readonly [string, "count" | "send", (token: string) => Server.Action, DouyinError.DouyinError["_tag"]]
  > = [
    ["an error description quoting it (read)", "count", (t) => DouyinTest.errorA(2100005, `bad access-token ${t}`), "DouyinInvalidParams"],
    [
      "an error description quoting it (send)",
      "send",
      (t) => DouyinTest.errorA(2190004, `token ${t} lacks scope`),
      "DouyinPermissionError"
    ],
    ["a 502 HTML page naming it (read)", "count", (t) => DouyinTest.text(502, `<html>upstream rejected ${t}</html>`), "DouyinHttpError"],
    [
      "a 502 HTML page naming it (send: the unknown outcome's description)",
      "send",
      (t) => DouyinTest.text(502, `<html>upstream rejected ${t}</html>`),
      "DouyinOutcomeUnknown"
    ],
    ["a payload field holding it", "count", (t) => DouyinTest.successA({ left_count: t }), "DouyinDecodeError"]
  ]

  for (const [what, call, answer, tag] of echoes) {
    it.scopedLive(what, () =>
      Effect.gen(function*() {
        const server = yield* Server.make(() => answer(token))
        const { logs, result: error, spans } = yield* observed(
          Effect.flip<unknown, DouyinError.DouyinError, DouyinClient.DouyinClient>(call === "count" ? count : send).pipe(
            Effect.provide(staticClient(server.url, token, { retry: Retry.layerDisabled }))
          )
        )
        // The token did reach the wire (and came back), so the checks below can fail.
        expect(server.received[0].headers["access-token"]).toBe(token)
        expect(error._tag).toBe(tag)
        expect(logs.some((l) => l.includes("douyin call failed"))).toBe(true)
        expect(spans.some((s) => s.exit !== undefined && Exit.isFailure(s.exit))).toBe(true)
        const everything = [...rendered(error), ...logs, ...spans.flatMap(spanRendered)].join("\n")
        expect(everything).toContain("<redacted>")
        expect(everything).not.toContain(token)
      }))
  }
})

describe("a redirect never carries the token to another origin, on every injected client", () => {
  const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>]> = [
    ["FetchHttpClient", FetchHttpClient.layer],
    ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
    ["NodeHttpClient.layer (node:http)", NodeHttpClient.layer]
  ]
  for (const [name, http] of clients) {
    for (const status of [302, 307]) {
      it.scopedLive(`${name}: ${status} to another origin is a typed error; the other origin gets nothing`, () =>
        Effect.gen(function*() {
          const other = yield* Server.make(() => countOk)
          const douyin = yield* Server.make((request) => ({
            status,
            headers: { location: `${other.url}${request.path}?open_id=op-1` },
            body: ""
          }))
          const error = yield* Effect.flip(count).pipe(
            Effect.provide(staticClient(douyin.url, "act.REDIRECT-SECRET", { http }))
          )
          expect(douyin.count()).toBe(1)
          expect(other.received).toHaveLength(0)
          expect(error._tag).toBe("DouyinHttpError")
          expect(error._tag === "DouyinHttpError" && error.status).toBe(status)
          expect(error.message).toContain("redirect")
          expect(error.message).not.toContain("REDIRECT-SECRET")
        }))
    }
  }

  it.scopedLive("a redirected send is a typed error too, not retried and not sent twice", () =>
    Effect.gen(function*() {
      const other = yield* Server.make(() => sendOk)
      const douyin = yield* Server.make(() => ({ status: 307, headers: { location: `${other.url}${sendPath}` }, body: "" }))
      const error = yield* Effect.flip(send).pipe(
        Effect.provide(staticClient(douyin.url, "act.REDIRECT-SECRET", { http: FetchHttpClient.layer }))
      )
      expect([douyin.count("POST"), other.received.length]).toEqual([1, 0])
      expect(error._tag).toBe("DouyinHttpError")
    }))
})

describe("on the OAuth path: a refresh token never follows a redirect either", () => {
  it.scopedLive("FetchHttpClient: the refresh answered 307 to another origin is a typed error; the other origin gets nothing", () =>
    Effect.gen(function*() {
      const other = yield* Server.make(() => DouyinTest.json({ data: { error_code: 0, access_token: "act.x", expires_in: 1 } }))
      const douyin = yield* Server.make(() => ({ status: 307, headers: { location: `${other.url}${refreshPath}` }, body: "" }))
      const error = yield* Effect.flip(
        Effect.flatMap(OAuth.OAuth, (oauth) => oauth.refreshToken(Redacted.make("rft.REDIRECT-SECRET")))
      ).pipe(
        Effect.provide(
          OAuth.layer({ clientKey, clientSecret: Redacted.make("cs_secret") }).pipe(
            Layer.provide(DouyinConfig.layer({ baseUrl: douyin.url })),
            Layer.provide(FetchHttpClient.layer)
          )
        )
      )
      expect([douyin.count("POST"), other.received.length]).toEqual([1, 0])
      expect(error._tag === "DouyinHttpError" && [error.endpoint, error.status]).toEqual([OAuth.EndpointIds.refreshToken, 307])
      expect(error.message).not.toContain("REDIRECT-SECRET")
    }))
})

describe("also: quota exhaustion is definitive; an interrupted unsafe call is reported", () => {
  it.scopedLive("2190001 on create is not retried under Retry.layerDefault: one POST, DouyinQuotaError", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => DouyinTest.errorA(2190001, "quota exhausted"))
      const error = yield* Effect.flip(
        Effect.flatMap(Endpoint.handler(CreateFanGroup), (create) =>
          create({ openId: "op-1", groupName: "fans", description: "d", avatarUri: "https://x" }))
      ).pipe(Effect.provide(staticClient(server.url, "act.static", { retry: Retry.layerDefault })))
      expect(error._tag).toBe("DouyinQuotaError")
      expect(FailureClass.of(error)).toBe("Definitive")
      expect(FailureClass.isRetryable(error, "read")).toBe(false)
      expect(server.count("POST")).toBe(1)
    }))

  it.scopedLive("interrupting a send in flight logs a warning: endpoint, client request id, outcome unknown (interrupted)", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => Server.hold)
      const token = "act.INTERRUPT-SECRET"
      const { logs, spans } = yield* observed(
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(send)
          yield* server.awaitCount(1)
          yield* Fiber.interrupt(fiber)
        }).pipe(Effect.provide(staticClient(server.url, token)))
      )
      expect(server.count("POST")).toBe(1)
      const warnings = logs.filter((l) => l.startsWith("WARN"))
      expect(warnings).toHaveLength(1)
      const clientRequestId = spans.find((s) => s.name === Send.id)?.attributes.get("douyin.client_request_id")
      expect(typeof clientRequestId).toBe("string")
      expect(warnings[0]).toContain(Send.id)
      expect(warnings[0]).toContain(String(clientRequestId))
      expect(warnings[0]).toContain("outcome unknown (interrupted)")
      expect(logs.join("\n")).not.toContain("INTERRUPT-SECRET")
    }))

  it.scopedLive("interrupting a read in flight is not reported as an unknown outcome", () =>
    Effect.gen(function*() {
      const server = yield* Server.make(() => Server.hold)
      const { logs } = yield* observed(
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(count)
          yield* server.awaitCount(1)
          yield* Fiber.interrupt(fiber)
        }).pipe(Effect.provide(staticClient(server.url, "act.static")))
      )
      expect(logs.filter((l) => l.startsWith("WARN"))).toEqual([])
    }))
})
