/**
 * The general path: the SDK over an injected `HttpClient` that does not take deadlines itself
 * (`internal/scopedSend.ts`). Over the platform's own clients (undici, fetch, node:http) on a
 * real loopback server (127.0.0.1, port 0), and the send alone over a client built with
 * `HttpClient.make` that shows the `AbortSignal` it is handed.
 *
 * Deadlines here (50–300 ms) run against a server or client that never answers, so the outcome
 * does not depend on the machine's speed; every wait is bounded (5 s, the tolerance: the socket
 * closes ~300 ms after the call starts on an idle machine).
 */
import type * as ConfigError from "effect/ConfigError"
import { FetchHttpClient, Headers, HttpClient, HttpClientError, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { DouyinTest, Endpoint } from "@effect-douyin/core"
import { FanGroupQuota } from "@effect-douyin/group"
import { type Duration, Effect, Exit, Fiber, FiberRef, Layer, Option, Scope, Tracer } from "effect"
import * as Deadline from "../packages/core/src/internal/deadline.js"
import * as ScopedSend from "../packages/core/src/internal/scopedSend.js"
import * as SocketServer from "../packages/core/test/support/socketServer.js"
import { clientOver } from "./support/loopbackClient.js"

const token = "act.GENERAL-PATH-SECRET"
const countOk = DouyinTest.successA({ left_count: 2 })
const count = Effect.flatMap(Endpoint.handler(FanGroupQuota.descriptor), (count) => count({ openId: "op-1" }))

/** What the server does with a request: answer it, never answer, or send the head and part of the body only. */
type Action = "answer" | "hold" | "trickle"

const serve = (action: Action) =>
  SocketServer.serve((_, res) => {
    if (action === "answer") {
      res.writeHead(countOk.status, { ...countOk.headers, "content-length": String(Buffer.byteLength(countOk.body)) })
      res.end(countOk.body)
    }
    if (action === "trickle") {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
      res.write("{\"err_no\":0,")
    }
  })

/** A tracer that keeps every span the default tracer makes. */
const recordingTracer = (spans: Array<Tracer.Span>) =>
  Effect.map(Effect.tracer, (native) =>
    Tracer.make({
      span: (...args) => {
        const span = native.span(...args)
        spans.push(span)
        return span
      },
      context: native.context
    }))

/** A `fetch` that records what it is asked, then fetches. */
const recordingFetch = (inits: Array<RequestInit | undefined>): typeof globalThis.fetch => (input, init) => {
  inits.push(init)
  return globalThis.fetch(input, init)
}

/** `keepsAlive`: its connections outlive a request; `fetches`: it calls the provided `Fetch`. */
const transports: ReadonlyArray<{
  readonly name: string
  readonly http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>
  readonly keepsAlive: boolean
  readonly fetches: boolean
}> = [
  { name: "NodeHttpClient.layerUndici", http: NodeHttpClient.layerUndici, keepsAlive: true, fetches: false },
  { name: "FetchHttpClient.layer", http: FetchHttpClient.layer, keepsAlive: true, fetches: true },
  // Its default agent does not keep connections alive: each request closes its own.
  { name: "NodeHttpClient.layer (node:http)", http: NodeHttpClient.layer, keepsAlive: false, fetches: false }
]

describe.each(transports)("the SDK over $name (the general path) on a loopback server", ({ fetches, http, keepsAlive }) => {
  const inits: Array<RequestInit | undefined> = []
  const client = (baseUrl: string, attemptTimeout: Duration.DurationInput = "5 seconds") =>
    // The call timeout above every attempt timeout used here (it may not be shorter).
    clientOver(baseUrl, { http, token, config: { attemptTimeout, callTimeout: "2 minutes" } }).pipe(
      Layer.provide(Layer.succeed(FetchHttpClient.Fetch, recordingFetch(inits)))
    )

  it.scopedLive("completed calls abort nothing: no socket closed, a fetch's signal never aborted", () =>
    Effect.gen(function*() {
      inits.length = 0
      const server = yield* serve("answer")
      const results = yield* Effect.replicateEffect(count, 3).pipe(Effect.provide(client(server.url)))
      expect(results).toEqual([{ leftCount: 2 }, { leftCount: 2 }, { leftCount: 2 }])
      expect(server.seen).toHaveLength(3)
      if (keepsAlive) expect(server.closed()).toBe(0)
      // A fetch-based client is handed the exchange's signal, and asked not to follow redirects.
      expect(inits.map((init) => [init?.redirect, init?.signal?.aborted])).toEqual(fetches ? Array(3).fill(["manual", false]) : [])
    }))

  it.scopedLive.each(
    [
      ["hold", "a request the server never answers"],
      ["trickle", "a body that never completes"]
    ] as const
  )("the attempt deadline ends %s (%s): the timeout error, the socket closed", ([mode]) =>
    Effect.gen(function*() {
      const server = yield* serve(mode)
      const error = yield* Effect.flip(count).pipe(Effect.provide(client(server.url, "300 millis")), Effect.timeout("5 seconds"))
      expect(error).toMatchObject({ _tag: "DouyinTransportError", sent: true })
      expect(error.message).toContain("no response within the attempt timeout of 300ms")
      yield* server.socketClosed(0)
      expect(server.seen).toHaveLength(1)
    }))

  it.scopedLive("interruption aborts the request: the server sees its socket close", () =>
    Effect.gen(function*() {
      const server = yield* serve("hold")
      const call = yield* Effect.fork(Effect.provide(count, client(server.url, "1 minute")))
      yield* server.arrived(0)
      yield* Fiber.interrupt(call)
      // Without the abort the socket would stay open for the attempt's minute.
      yield* server.socketClosed(0)
    }))

  it.scopedLive("no trace headers on the wire; the client's span is a child of the call span, access-token redacted in it", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const server = yield* serve("answer")
      const tracer = yield* recordingTracer(spans)
      yield* count.pipe(Effect.provide(client(server.url)), Effect.withTracer(tracer))
      expect(server.seen[0]!.headers["access-token"]).toBe(token)
      expect(Object.keys(server.seen[0]!.headers).filter((name) => ["traceparent", "b3", "tracestate"].includes(name))).toEqual([])
      const call = spans.find((s) => s.name === FanGroupQuota.descriptor.id)!
      const exchange = spans.filter((s) => s.name === "http.client GET")
      expect(exchange).toHaveLength(1)
      expect(Option.map(exchange[0]!.parent, (p) => p.spanId)).toEqual(Option.some(call.spanId))
      expect(String(exchange[0]!.attributes.get("http.request.header.access-token"))).toBe("<redacted>")
    }))
})

/**
 * A client built with `HttpClient.make`, as the platform's are, that shows the signal it is
 * handed and what it finds in its fiber: `answer` ends the exchange (or never, for `hold`).
 */
const signalClient = (answer: "answer" | "hold" | "fail body") => {
  const signals: Array<AbortSignal> = []
  const inside: Array<{ propagation: boolean; redacted: ReadonlyArray<string | RegExp>; scope: boolean; fetch: boolean }> = []
  const client = HttpClient.make((request, _url, signal) =>
    Effect.gen(function*() {
      signals.push(signal)
      inside.push({
        propagation: yield* FiberRef.get(HttpClient.currentTracerPropagation),
        redacted: yield* FiberRef.get(Headers.currentRedactedNames),
        scope: Option.isSome(yield* Effect.serviceOption(Scope.Scope)),
        fetch: Option.isSome(yield* Effect.serviceOption(FetchHttpClient.Fetch))
      })
      if (answer === "hold") {
        // Ends only when aborted, as a real client does.
        return yield* Effect.async<never, HttpClientError.RequestError>((resume) => {
          signal.addEventListener("abort", () =>
            resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: signal.reason }))))
        })
      }
      const response = HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 }))
      if (answer === "answer") {
        return response
      }
      return Object.create(response, {
        text: { value: Effect.fail(new HttpClientError.ResponseError({ request, response, reason: "Decode", cause: "reset" })) }
      }) as HttpClientResponse.HttpClientResponse
    })
  )
  return { client, signals, inside }
}

const request = () => HttpClientRequest.get("http://127.0.0.1:9/im/group/count/", { headers: { "access-token": token } })

/** The fiber's own settings, which the send must leave as it found them. */
const fiberSettings = Effect.all({
  propagation: FiberRef.get(HttpClient.currentTracerPropagation),
  redacted: FiberRef.get(Headers.currentRedactedNames),
  scope: Effect.map(Effect.serviceOption(Scope.Scope), Option.isSome),
  fetch: Effect.map(Effect.serviceOption(FetchHttpClient.Fetch), Option.isSome)
})

describe("scopedSend: the deadline-taking send over a client built with HttpClient.make", () => {
  it.live("a completed exchange: body read, its signal never aborted, the fiber's settings its own again", () =>
    Effect.gen(function*() {
      const { client, inside, signals } = signalClient("answer")
      const before = yield* fiberSettings
      const { response, text } = yield* ScopedSend.make(client)(request(), 5_000)
      expect(response.status).toBe(200)
      expect(text).toBe("{}")
      expect(inside).toEqual([{ propagation: false, redacted: [...before.redacted, "access-token"], scope: true, fetch: true }])
      expect(signals[0]!.aborted).toBe(false)
      expect(yield* fiberSettings).toEqual(before)
    }))

  it.live("at the deadline: the signal aborted, a RequestError caused by DeadlineExceeded, the fiber's settings its own", () =>
    Effect.gen(function*() {
      const { client, signals } = signalClient("hold")
      const before = yield* fiberSettings
      const error = yield* Effect.flip(ScopedSend.make(client)(request(), 50)).pipe(Effect.timeout("5 seconds"))
      expect(error).toBeInstanceOf(HttpClientError.RequestError)
      expect(error).toMatchObject({ reason: "Transport", cause: new Deadline.DeadlineExceeded({ timeoutMillis: 50 }) })
      expect(Deadline.expiredAt(error, 50)).toBe(true)
      expect(signals[0]!.aborted).toBe(true)
      expect(yield* fiberSettings).toEqual(before)
    }))

  it.live("interruption aborts the signal", () =>
    Effect.gen(function*() {
      const { client, signals } = signalClient("hold")
      const fiber = yield* Effect.fork(ScopedSend.make(client)(request(), 60_000))
      yield* Effect.yieldNow().pipe(Effect.repeat({ until: () => signals.length > 0, times: 1_000 }))
      expect(signals[0]!.aborted).toBe(false)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(signals[0]!.aborted).toBe(true)
    }))

  it.live("a failed exchange (not the deadline) aborts the request and keeps the client's own error", () =>
    Effect.gen(function*() {
      const { client, signals } = signalClient("fail body")
      const before = yield* fiberSettings
      const error = yield* Effect.flip(ScopedSend.make(client)(request(), 5_000))
      expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode", cause: "reset" })
      expect(signals[0]!.aborted).toBe(true)
      expect(yield* fiberSettings).toEqual(before)
    }))

  it.live("the client's span is a child of the given parent, else of the current span", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = yield* recordingTracer(spans)
      const { client } = signalClient("answer")
      const send = ScopedSend.make(client)
      const parentOfExchange = (n: number) => Option.map(spans.filter((s) => s.name === "http.client GET")[n]!.parent, (p) => p.spanId)
      yield* Effect.gen(function*() {
        const given = yield* Effect.makeSpan("given")
        yield* Effect.withSpan(send(request(), 5_000, given), "current")
        expect(parentOfExchange(0)).toEqual(Option.some(given.spanId))
        yield* Effect.withSpan(send(request(), 5_000), "current")
        expect(parentOfExchange(1)).toEqual(Option.some(spans.filter((s) => s.name === "current")[1]!.spanId))
      }).pipe(Effect.withTracer(tracer))
    }))
})
