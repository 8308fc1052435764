/**
 * A test kit for code that uses this SDK: a fake `HttpClient` that records every request and
 * answers from fixtures, and helpers that build Douyin envelopes. No sockets, no state
 * outside the layer.
 *
 * @example
 * ```ts
 * import { DouyinTest } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * const TestLive = DouyinTest.layerClient({
 *   "GET /im/group/count/": DouyinTest.successA({ left_count: 2 })
 * })
 * const test = Effect.gen(function*() {
 *   // …run code that uses the endpoint services, then:
 *   const [request] = yield* DouyinTest.requests
 *   return request
 * }).pipe(Effect.provide(TestLive))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as AccessToken from "./AccessToken.js"
import * as DouyinClient from "./DouyinClient.js"
import * as DouyinConfig from "./DouyinConfig.js"
import * as RateLimit from "./RateLimit.js"
import * as Retry from "./Retry.js"

/**
 * A request as it reached the fake server.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-case header names; values as sent (this is a test tool: the token is here). */
  readonly headers: Readonly<Record<string, string>>
  /** The body parsed as JSON, or `undefined` when there was none. */
  readonly body: unknown
  readonly bodyText: string | undefined
  /**
   * The body's bytes as sent (a multipart upload is binary: `bodyText` is its UTF-8 reading).
   *
   * @since 0.3.0
   */
  readonly bodyBytes?: Uint8Array | undefined
}

/**
 * A canned answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body: string
}

/**
 * How the fake server answers: a function of the request, a queue of replies served in
 * order (the last one repeats), or a table keyed by `"METHOD /path/"`.
 *
 * @since 0.1.0
 * @category models
 */
export type Responder =
  | ((request: RecordedRequest) => Reply | Effect.Effect<Reply>)
  | ReadonlyArray<Reply>
  | Readonly<Record<string, Reply | ReadonlyArray<Reply>>>

/**
 * @since 0.1.0
 * @category constants
 */
export const testLogId = "20240101000000TEST0000000000000000"

/**
 * A token used by {@link layerClient}.
 *
 * @since 0.1.0
 * @category constants
 */
export const testToken = "act.test-token-never-logged"

/**
 * Any JSON body.
 *
 * @since 0.1.0
 * @category replies
 */
export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

const extra = (code: number, description: string, logId: string) => ({
  error_code: code,
  description,
  sub_error_code: 0,
  sub_description: "",
  logid: logId,
  now: 1700000000
})

/**
 * Envelope A success with `payload` at the top level, e.g. `successA({ left_count: 2 })`.
 *
 * @since 0.1.0
 * @category replies
 */
export const successA = (payload: Record<string, unknown> = {}, logId = testLogId): Reply =>
  json({ data: { error_code: 0, description: "" }, extra: extra(0, "", logId), ...payload })

/**
 * Envelope A failure with `code`.
 *
 * @since 0.1.0
 * @category replies
 */
export const errorA = (code: number, description = "error", logId = testLogId): Reply =>
  json({ data: { error_code: code, description }, extra: extra(code, description, logId) })

/**
 * Envelope B success: `{ err_no: 0, err_msg: "", log_id }`.
 *
 * @since 0.1.0
 * @category replies
 */
export const successB = (logId = testLogId): Reply => json({ err_no: 0, err_msg: "", log_id: logId })

/**
 * Envelope B failure with `code`.
 *
 * @since 0.1.0
 * @category replies
 */
export const errorB = (code: number, message = "error", logId = testLogId): Reply => json({ err_no: code, err_msg: message, log_id: logId })

/**
 * A non-JSON body, e.g. a gateway's HTML error page.
 *
 * @since 0.1.0
 * @category replies
 */
export const text = (status: number, body: string, contentType = "text/html"): Reply => ({
  status,
  headers: { "content-type": contentType },
  body
})

/**
 * @since 0.1.0
 * @category models
 */
export interface RecorderService {
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly clear: Effect.Effect<void>
}

/**
 * The requests the fake server has seen.
 *
 * @since 0.1.0
 * @category tags
 */
export class Recorder extends Context.Tag("@effect-douyin/core/DouyinTest/Recorder")<Recorder, RecorderService>() {}

/**
 * All requests recorded so far, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, Recorder> = Effect.flatMap(
  Recorder,
  (r) => r.requests
)

interface Log {
  readonly requests: Chunk.Chunk<RecordedRequest>
  readonly perRoute: HashMap.HashMap<string, number>
}

const emptyLog: Log = { requests: Chunk.empty(), perRoute: HashMap.empty() }

const notFound = (request: RecordedRequest): Reply =>
  text(404, `<html><body>no fixture for ${request.method} ${request.path}</body></html>`)

const bodyText = (body: unknown): string | undefined => {
  const b = body as { _tag: string; body?: unknown }
  if (b._tag === "Uint8Array" && b.body instanceof Uint8Array) return new TextDecoder().decode(b.body)
  return undefined
}

const parseBody = (text: string | undefined): unknown => {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

// A function responder may wait (a gate, a sleep): it ends when the request is aborted, as a
// socket would (the client aborts at the attempt deadline). Fixed replies answer at once.
const abortable = (reply: Effect.Effect<Reply>, signal: AbortSignal): Effect.Effect<Reply, Aborted> =>
  Effect.raceFirst(
    reply,
    Effect.async<never, Aborted>((resume) => {
      const onAbort = () => resume(Effect.fail(new Aborted(signal.reason)))
      if (signal.aborted) return onAbort()
      signal.addEventListener("abort", onAbort, { once: true })
      return Effect.sync(() => signal.removeEventListener("abort", onAbort))
    })
  )

class Aborted {
  readonly _tag = "Aborted"
  constructor(readonly cause: unknown) {}
}

const responderFor = (responder: Responder) => {
  if (typeof responder === "function") {
    return (request: RecordedRequest, _count: number, _perRoute: number, signal: AbortSignal) => {
      const reply = responder(request)
      return Effect.isEffect(reply) ? abortable(reply, signal) : Effect.succeed(reply)
    }
  }
  const pick = (replies: Reply | ReadonlyArray<Reply> | undefined, index: number): Reply | undefined =>
    replies === undefined ? undefined : "status" in replies ? replies : replies[Math.min(index, replies.length - 1)]
  if (Array.isArray(responder)) {
    return (request: RecordedRequest, count: number) => Effect.succeed(pick(responder, count) ?? notFound(request))
  }
  const table = responder as Readonly<Record<string, Reply | ReadonlyArray<Reply>>>
  return (request: RecordedRequest, _count: number, perRoute: number) =>
    Effect.succeed(pick(table[`${request.method} ${request.path}`], perRoute) ?? notFound(request))
}

/**
 * A fake `HttpClient` answering from `responder`, plus the `Recorder` of what it saw.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (responder: Responder): Layer.Layer<HttpClient.HttpClient | Recorder> =>
  Layer.effectContext(
    Effect.gen(function*() {
      // Persistent structures: recording a request costs the same however many came before.
      const seen = yield* Ref.make(emptyLog)
      const answer = responderFor(responder)
      const client = HttpClient.make((request, url, signal) =>
        Effect.gen(function*() {
          const text = bodyText(request.body)
          const recorded: RecordedRequest = {
            method: request.method,
            url: url.toString(),
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: { ...request.headers },
            body: parseBody(text),
            bodyText: text,
            bodyBytes: request.body._tag === "Uint8Array" ? request.body.body : undefined
          }
          const route = `${recorded.method} ${recorded.path}`
          const before = yield* Ref.getAndUpdate(seen, (log) => ({
            requests: Chunk.append(log.requests, recorded),
            perRoute: HashMap.modifyAt(log.perRoute, route, (n) => Option.some(Option.getOrElse(n, () => 0) + 1))
          }))
          const sameRoute = Option.getOrElse(HashMap.get(before.perRoute, route), () => 0)
          const reply = yield* answer(recorded, Chunk.size(before.requests), sameRoute, signal).pipe(
            Effect.mapError((aborted) => new HttpClientError.RequestError({ request, reason: "Transport", cause: aborted.cause }))
          )
          return HttpClientResponse.fromWeb(
            request,
            new Response(reply.body, { status: reply.status, headers: { ...reply.headers } })
          )
        }).pipe(
          Effect.catchAllDefect((cause) => Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
        )
      )
      return Context.make(HttpClient.HttpClient, client).pipe(
        Context.add(Recorder, {
          requests: Effect.map(Ref.get(seen), (log) => Chunk.toReadonlyArray(log.requests)),
          clear: Ref.set(seen, emptyLog)
        })
      )
    })
  )

/**
 * A ready `DouyinClient` over the fake server: production base URL, static
 * {@link testToken}, no retry and no rate limit (`Retry.layerDisabled`,
 * `RateLimit.layerDisabled`: one request per call, so a test sees exactly what a call sends).
 * Provide the endpoint layers on top. To test under policies, build `DouyinClient.layer` over
 * {@link layer} yourself. Options that fail `DouyinConfig`'s checks fail the layer with a
 * `ConfigError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  responder: Responder,
  options: DouyinConfig.Options & { readonly token?: string } = {}
): Layer.Layer<DouyinClient.DouyinClient | Recorder, ConfigError.ConfigError> =>
  DouyinClient.layer.pipe(
    Layer.provideMerge(layer(responder)),
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(DouyinConfig.layer(options)),
    Layer.provide(AccessToken.layerStatic(Redacted.make(options.token ?? testToken)))
  )
