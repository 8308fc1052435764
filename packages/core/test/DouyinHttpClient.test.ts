// The fast client over real loopback sockets (127.0.0.1, port 0): what it sends, and how each
// way an exchange can end reaches the caller. Deadlines here (300 ms – 1 s) run against a server
// that never answers, so the outcome does not depend on the machine's speed; where a test then
// checks the server side, the request must have reached it within the deadline (tolerance
// stated there). Every wait on the server is bounded (5 s).
import { HttpClient, HttpClientError, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Layer, Redacted, Stream } from "effect"
import type * as Http from "node:http"
import { Agent } from "undici"
import { AccessToken, DouyinClient, DouyinConfig, Endpoint, RateLimit, Retry } from "../src/index.js"
import * as DouyinHttpClient from "../src/DouyinHttpClient.js"
import { Count } from "./support/descriptors.js"
import * as SocketServer from "./support/socketServer.js"

const serve = SocketServer.serve

const json = (res: Http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers })
  res.end(text)
}

const hold: SocketServer.Handler = () => {}

// The pool lives as long as the test's scope.
const client = (options: DouyinHttpClient.Options = {}) => DouyinHttpClient.make(options)

/**
 * The SDK's count call over the fast client (no retry: one attempt); `wrap` transforms the
 * client first (a wrapped client is no longer the fast client the SDK recognizes).
 */
const sdkCount = (
  baseUrl: string,
  options: DouyinHttpClient.Options = {},
  config: DouyinConfig.Options = {},
  wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient = (client) => client
) =>
  Effect.flatMap(Endpoint.handler(Count), (count) => count({ openId: "op-1" })).pipe(
    Effect.provide(
      DouyinClient.layer.pipe(
        Layer.provide(Retry.layerDisabled),
        Layer.provide(RateLimit.layerDisabled),
        Layer.provide(Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, wrap))),
        Layer.provide(DouyinHttpClient.layer(options)),
        Layer.provide(DouyinConfig.layer({ baseUrl, ...config })),
        Layer.provide(AccessToken.layerStatic(Redacted.make("act.T")))
      )
    )
  )

/** The error of `effect` (it must fail), narrowed to the platform's client error. */
const failure = <A>(effect: Effect.Effect<A, HttpClientError.HttpClientError>) => Effect.flip(effect)

describe("DouyinHttpClient over loopback sockets", () => {
  it.scoped("success: sends the request as built (method, path, query, headers, body) and reads the answer", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res, seen) => json(res, 200, { echo: seen.body }, { "x-tt-logid": "LOG-1" }))
      const http = yield* client()
      const response = yield* http.execute(
        HttpClientRequest.post(`${server.url}/im/send/msg/group/`, {
          urlParams: { open_id: "op 1", x: "é" },
          headers: { "access-token": "act.T" }
        }).pipe(HttpClientRequest.bodyUnsafeJson({ hello: "世界" }))
      )
      expect(response.status).toBe(200)
      expect(response.headers["x-tt-logid"]).toBe("LOG-1")
      expect(yield* response.json).toEqual({ echo: JSON.stringify({ hello: "世界" }) })
      expect(yield* response.text).toBe(JSON.stringify({ echo: JSON.stringify({ hello: "世界" }) }))
      expect(server.seen).toHaveLength(1)
      expect(server.seen[0]).toMatchObject({ method: "POST", url: "/im/send/msg/group/?open_id=op+1&x=%C3%A9" })
      expect(server.seen[0]!.headers).toMatchObject({ "access-token": "act.T", "content-type": "application/json" })
      expect(server.seen[0]!.headers["traceparent"]).toBeUndefined()
    }))

  it.scoped("keep-alive: sequential requests reuse the pool's connections", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, { ok: true }))
      // One connection per origin: every request must go over the same socket.
      const one = yield* client({ connections: 1 })
      for (let i = 0; i < 5; i++) expect(yield* (yield* one.get(`${server.url}/x`)).json).toEqual({ ok: true })
      expect(server.connections()).toBe(1)
      // The default pool: undici may open a second socket while the first is being released.
      const pooled = yield* client()
      for (let i = 0; i < 10; i++) yield* (yield* pooled.get(`${server.url}/x`)).text
      expect(server.seen).toHaveLength(15)
      expect(server.connections()).toBeLessThanOrEqual(3)
    }))

  it.scoped("timeout before the status line: RequestError Transport caused by DeadlineExceeded; the socket is closed", () =>
    Effect.gen(function*() {
      const server = yield* serve(hold)
      // Tolerance: the request must reach the loopback server within the 1 s deadline.
      const http = yield* client({ timeout: "1 second" })
      const error = yield* failure(http.get(`${server.url}/slow`))
      expect(error).toBeInstanceOf(HttpClientError.RequestError)
      expect(error.reason).toBe("Transport")
      expect(error.cause).toBeInstanceOf(DouyinHttpClient.DeadlineExceeded)
      expect(String(error.cause)).toContain("attempt timeout of 1000 ms")
      yield* server.socketClosed(0).pipe(Effect.timeout("5 seconds"))
    }))

  it.scoped("timeout while the body trickles: ResponseError Decode caused by DeadlineExceeded", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
        res.write("{\"partial\":")
      })
      const http = yield* client({ timeout: "300 millis" })
      const error = yield* failure(http.get(`${server.url}/trickle`))
      expect(error).toBeInstanceOf(HttpClientError.ResponseError)
      expect(error.reason).toBe("Decode")
      expect(error._tag === "ResponseError" && error.response.status).toBe(200)
      expect(error.cause).toBeInstanceOf(DouyinHttpClient.DeadlineExceeded)
      yield* server.socketClosed(0).pipe(Effect.timeout("5 seconds"))
    }))

  it.scoped("a body over the cap is a typed error, by Content-Length or while streaming; the request is aborted", () =>
    Effect.gen(function*() {
      const big = "x".repeat(4096)
      const server = yield* serve((req, res) => {
        if (req.url === "/declared") {
          res.writeHead(200, { "content-type": "text/plain", "content-length": String(big.length) })
          res.end(big)
        } else {
          // Chunked, no length: the cap is found while reading.
          res.writeHead(200, { "content-type": "text/plain" })
          res.write(big.slice(0, 512))
          setTimeout(() => res.end(big.slice(512)), 20)
        }
      })
      const http = yield* client({ maxBodyBytes: 1024 })
      for (const [n, path] of [[0, "/declared"], [1, "/chunked"]] as const) {
        const error = yield* failure(http.get(`${server.url}${path}`))
        expect(error).toBeInstanceOf(HttpClientError.ResponseError)
        expect(error.reason).toBe("Decode")
        expect(error.cause).toBeInstanceOf(DouyinHttpClient.BodyTooLarge)
        expect(error.cause).toMatchObject({ maxBodyBytes: 1024 })
        yield* server.socketClosed(n).pipe(Effect.timeout("5 seconds"))
      }
      // Through the SDK: the exchange broke after Douyin answered.
      const sdk = yield* Effect.flip(sdkCount(server.url, { maxBodyBytes: 1024 }))
      expect(sdk).toMatchObject({ _tag: "DouyinTransportError", sent: true })
      expect(sdk.message).toContain("larger than the cap of 1024 bytes")
      // A body at the cap is fine.
      const server2 = yield* serve((_, res) => {
        res.writeHead(200, { "content-length": "1024" })
        res.end("y".repeat(1024))
      })
      expect((yield* (yield* http.get(server2.url)).text).length).toBe(1024)
    }))

  it.scoped("interruption aborts the request: the server sees its socket close", () =>
    Effect.gen(function*() {
      const server = yield* serve(hold)
      const http = yield* client({ timeout: "1 minute" })
      const fiber = yield* Effect.fork(http.get(`${server.url}/held`))
      yield* server.arrived(0)
      yield* Fiber.interrupt(fiber)
      // Without the abort the socket would stay open for the 1 minute deadline.
      yield* server.socketClosed(0).pipe(Effect.timeout("5 seconds"))
    }))

  // Row 7 of the fault matrix (docs/reliability.md#fault-matrix) with the deadlines the other way round: the client's own (1 minute)
  // is longer than the SDK's attempt timeout (300 ms), so the SDK's must abort the request.
  // Tolerance: the socket must close within 5 s (the held request otherwise stays open for the
  // client's minute); on an idle machine it closes ~300 ms after the call started.
  for (
    const [name, wrap] of [
      ["as given", (client: HttpClient.HttpClient) => client],
      ["wrapped by a transform", HttpClient.mapRequest((request: HttpClientRequest.HttpClientRequest) => request)]
    ] as const
  ) {
    it.scoped(
      `the SDK's attempt timeout aborts the in-flight request (client ${name}): the server sees its socket close, the error is the timeout`,
      () =>
        Effect.gen(function*() {
          const server = yield* serve(hold)
          const call = yield* Effect.fork(sdkCount(server.url, { timeout: "1 minute" }, { attemptTimeout: "300 millis" }, wrap))
          const started = Date.now()
          yield* server.socketClosed(0).pipe(Effect.timeout("5 seconds"))
          const closedAfter = Date.now() - started
          const error = yield* Effect.flip(Fiber.join(call).pipe(Effect.timeout("5 seconds")))
          expect(error).toMatchObject({ _tag: "DouyinTransportError", sent: true })
          expect(error.message).toContain("no response within the attempt timeout of 300ms")
          expect(closedAfter).toBeLessThan(5_000)
          expect(server.seen).toHaveLength(1)
        }),
      15_000
    )
  }

  it.scoped("a request interrupted or timed out while queued for a connection is never sent", () =>
    Effect.gen(function*() {
      const arrived = yield* Deferred.make<void>()
      const server = yield* serve((req, res) => req.url === "/last" ? json(res, 200, {}) : Deferred.unsafeDone(arrived, Exit.void))
      // One connection for both clients, taken by a held request: the next ones wait in undici's queue.
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Agent({ connections: 1 })),
        (a) => Effect.promise(() => a.destroy())
      )
      const patient = yield* DouyinHttpClient.fromDispatcher(agent, { timeout: "1 minute" })
      const hasty = yield* DouyinHttpClient.fromDispatcher(agent, { timeout: "300 millis" })
      const first = yield* Effect.fork(patient.get(`${server.url}/first`))
      yield* Deferred.await(arrived).pipe(Effect.timeout("5 seconds"))
      const queued = yield* Effect.fork(patient.get(`${server.url}/interrupted`))
      yield* Fiber.interrupt(queued)
      const timedOut = yield* failure(hasty.get(`${server.url}/timed-out`))
      expect(timedOut).toMatchObject({ _tag: "RequestError", reason: "Transport" })
      expect(timedOut.cause).toBeInstanceOf(DouyinHttpClient.DeadlineExceeded)
      yield* Fiber.interrupt(first)
      // undici's queue is FIFO: had the two been sent, they would have reached the server before this one.
      yield* server.socketClosed(0).pipe(Effect.timeout("5 seconds"))
      yield* (yield* patient.get(`${server.url}/last`)).text
      expect(server.seen.map((r) => r.url)).toEqual(["/first", "/last"])
    }))

  it.scoped("a redirect is refused, never followed: the other origin sees nothing", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_, res) => json(res, 200, { stolen: true }))
      const server = yield* serve((_, res) => {
        res.writeHead(302, { location: `${elsewhere.url}/steal`, "content-length": "0" })
        res.end()
      })
      const http = yield* client()
      for (const status of [302]) {
        const error = yield* failure(
          http.execute(HttpClientRequest.get(`${server.url}/im/group/count/`, { headers: { "access-token": "act.T" } }))
        )
        expect(error).toBeInstanceOf(HttpClientError.ResponseError)
        expect(error.reason).toBe("StatusCode")
        expect(error.cause).toBeInstanceOf(DouyinHttpClient.RedirectRefused)
        expect(error.cause).toMatchObject({ status, location: `${elsewhere.url}/steal` })
        expect(String(error.cause)).toBe(`RedirectRefused: redirect refused: HTTP 302 to ${elsewhere.url} (redirects are never followed)`)
      }
      // Through the SDK: an HTTP error (an answer, not a transport failure), not retried.
      const sdk = yield* Effect.flip(sdkCount(server.url))
      expect(sdk).toMatchObject({ _tag: "DouyinHttpError", status: 302 })
      expect(server.seen).toHaveLength(2)
      expect(elsewhere.seen).toHaveLength(0)
    }))

  it.scoped("connection refused: RequestError Transport whose cause proves it was never sent", () =>
    Effect.gen(function*() {
      // A port that was bound and released: nothing listens on it.
      const port = yield* Effect.scoped(Effect.map(serve(hold), (s) => new URL(s.url).port))
      const http = yield* client()
      const error = yield* failure(http.get(`http://127.0.0.1:${port}/`))
      expect(error).toBeInstanceOf(HttpClientError.RequestError)
      expect(error.reason).toBe("Transport")
      expect(JSON.stringify(error.cause) + String((error.cause as { code?: string }).code)).toContain("ECONNREFUSED")

      // Through the SDK: a transport error that was certainly not sent.
      const sdk = yield* Effect.flip(sdkCount(`http://127.0.0.1:${port}`))
      expect(sdk).toMatchObject({ _tag: "DouyinTransportError", sent: false })
    }))

  it.scoped("an invalid URL and a streamed body are typed request errors; nothing is sent", () =>
    Effect.gen(function*() {
      const http = yield* client()
      const invalid = yield* failure(http.get("not a url"))
      expect(invalid).toMatchObject({ _tag: "RequestError", reason: "InvalidUrl" })
      const server = yield* serve((_, res) => json(res, 200, {}))
      const streamed = yield* failure(
        http.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyStream(Stream.make(new Uint8Array([1])))))
      )
      expect(streamed).toMatchObject({ _tag: "RequestError", reason: "Encode" })
      expect(server.seen).toHaveLength(0)
    }))
})
