/**
 * A fast `HttpClient` for the SDK, opt-in: the platform's `HttpClient` interface
 * (`HttpClient.makeWith`) over undici's `Dispatcher.dispatch`, with
 *
 * - a keep-alive pool (an undici `Agent`, closed with the layer's scope);
 * - one deadline per request, one timer that aborts the request (and closes its connection)
 *   when no complete response arrived in time: status line, headers and the whole body;
 * - a body size cap: a larger body aborts the request (`BodyTooLarge`);
 * - interruption aborts the request, which closes its socket; so does the closing of a `Scope`
 *   in the request's context (`HttpClient.withScope`: the SDK's attempt deadline closes it);
 * - redirects refused, never followed (`RedirectRefused`): the `access-token` header never
 *   leaves for another origin;
 * - the platform's error mapping: `RequestError` "Transport" before the status line (its
 *   cause the undici or socket error, so `ECONNREFUSED` still proves "not sent"),
 *   `ResponseError` "Decode" after it, `RequestError` "InvalidUrl" / "Encode".
 *
 * Why not `NodeHttpClient.layerUndici`: `HttpClient.make` adds a URL object, an
 * `AbortController` and a `FinalizationRegistry` entry per request, a span per request and a
 * body stream; a CPU profile of the SDK call put that at ~3.9× the CPU of raw `undici.request`. This
 * client buffers the (small, JSON) body directly from the dispatch callbacks instead.
 *
 * It opens no span and sends no trace headers: the SDK opens one span per call (Douyin reads
 * no trace headers). The SDK works the same over any other `HttpClient` (platform undici,
 * fetch, a test fake); this one is only faster.
 *
 * `undici` (^7) is an optional peer dependency: install it to use this module. It is not
 * re-exported from the package index, so programs that inject another client never load it.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
 * import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
 * import { Layer, Redacted } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layerDisabled),
 *   Layer.provide(RateLimit.layerDisabled),
 *   Layer.provide(DouyinHttpClient.layer({ timeout: "10 seconds", maxBodyBytes: 1024 * 1024 })),
 *   Layer.provide(DouyinConfig.layer()),
 *   Layer.provide(AccessToken.layerStatic(Redacted.make("act.example")))
 * )
 * ```
 *
 * @since 0.2.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Agent, type Dispatcher } from "undici"
import * as ConfigCheck from "./ConfigCheck.js"
import * as Deadline from "./internal/deadline.js"
import * as RequestTarget from "./internal/requestTarget.js"
import * as internal from "./internal/dispatchClient.js"

/**
 * The `cause` of the `RequestError` / `ResponseError` when the deadline passed before the
 * whole response arrived. The request was aborted and its connection closed.
 *
 * @since 0.2.0
 * @category errors
 */
export const DeadlineExceeded: typeof internal.DeadlineExceeded = internal.DeadlineExceeded

/**
 * @since 0.2.0
 * @category errors
 */
export type DeadlineExceeded = internal.DeadlineExceeded

/**
 * The `cause` of the `RequestError` / `ResponseError` when the `Scope` the request ran in
 * (`HttpClient.withScope`) closed before the whole response arrived. The request was aborted.
 *
 * @since 0.2.0
 * @category errors
 */
export const ScopeClosed: typeof internal.ScopeClosed = internal.ScopeClosed

/**
 * @since 0.2.0
 * @category errors
 */
export type ScopeClosed = internal.ScopeClosed

/**
 * The `cause` of a `ResponseError` ("Decode") when the body was larger than `maxBodyBytes`
 * (by its `Content-Length`, or while reading it). The request was aborted.
 *
 * @since 0.2.0
 * @category errors
 */
export const BodyTooLarge: typeof internal.BodyTooLarge = internal.BodyTooLarge

/**
 * @since 0.2.0
 * @category errors
 */
export type BodyTooLarge = internal.BodyTooLarge

/**
 * The `cause` of a `ResponseError` ("StatusCode") for a 3xx answer (other than 304): never
 * followed. The request was aborted.
 *
 * @since 0.2.0
 * @category errors
 */
export const RedirectRefused: typeof internal.RedirectRefused = internal.RedirectRefused

/**
 * @since 0.2.0
 * @category errors
 */
export type RedirectRefused = internal.RedirectRefused

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /**
   * Longest wait for one request, from sending it to the last byte of the body; then it is
   * aborted. Default 10 seconds (the SDK's default attempt timeout). Keep it at or below
   * `DouyinConfig`'s `attemptTimeout`.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Largest response body accepted, in bytes. Default 1 MiB (Douyin's answers are a few KB). */
  readonly maxBodyBytes?: number | undefined
  /** Connections per origin in the pool. Default 64. Ignored with `dispatcher`. */
  readonly connections?: number | undefined
  /** How long an idle connection stays open when the server sends no hint. Default 30 seconds. Ignored with `dispatcher`. */
  readonly keepAliveTimeout?: Duration.DurationInput | undefined
  /** An undici dispatcher to send through instead of an own pool; its lifetime stays yours. */
  readonly dispatcher?: Dispatcher | undefined
}

/**
 * Checks the options: durations above 0, sizes and counts whole numbers above 0; a bad value
 * is a `ConfigError` naming the option.
 */
const settingsOf = (options: Options): Effect.Effect<internal.Settings, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const timeout = yield* ConfigCheck.option("timeout", ConfigCheck.positiveDuration, options.timeout ?? "10 seconds")
    const maxBodyBytes = yield* ConfigCheck.option(
      "maxBodyBytes",
      ConfigCheck.positiveInteger,
      options.maxBodyBytes ?? 1024 * 1024
    )
    return { timeoutMillis: Math.max(1, Duration.toMillis(timeout)), maxBodyBytes, target: RequestTarget.make() }
  })

const poolOf = (options: Options) =>
  Effect.gen(function*() {
    const connections = yield* ConfigCheck.option("connections", ConfigCheck.positiveInteger, options.connections ?? 64)
    const keepAlive = yield* ConfigCheck.option(
      "keepAliveTimeout",
      ConfigCheck.positiveDuration,
      options.keepAliveTimeout ?? "30 seconds"
    )
    return { connections, keepAliveTimeout: Duration.toMillis(keepAlive), pipelining: 1 }
  })

/**
 * The client over an undici dispatcher you own (an `Agent`, a `Pool`, a mock): nothing to
 * close. A bad option fails with a `ConfigError` naming it.
 *
 * @example
 * ```ts
 * import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
 * import { Agent } from "undici"
 *
 * const agent = new Agent({ connections: 16 })
 * const client = DouyinHttpClient.fromDispatcher(agent, { timeout: "5 seconds" })
 * // Effect<HttpClient, ConfigError>
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromDispatcher = (
  dispatcher: Dispatcher,
  options: Omit<Options, "dispatcher" | "connections" | "keepAliveTimeout"> = {}
): Effect.Effect<HttpClient.HttpClient, ConfigError.ConfigError> =>
  Effect.map(settingsOf(options), (settings) => {
    const client = HttpClient.makeWith(
      Effect.flatMap((request: HttpClientRequest.HttpClientRequest) => internal.send(dispatcher, settings, request)),
      Effect.succeed as HttpClient.HttpClient.Preprocess<never, never>
    )
    // The SDK's attempt hands this client its deadline directly (one timer per attempt).
    return Deadline.attach(client, (request, timeoutMillis) => internal.sendWithin(dispatcher, settings, request, timeoutMillis))
  })

/**
 * The client with its own keep-alive pool (or over `options.dispatcher`). The pool is
 * destroyed when the scope closes. Every option is checked first: a bad value fails with a
 * `ConfigError` naming it (e.g. `maxBodyBytes` of `NaN`), and no pool is made.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, ConfigError.ConfigError, Scope.Scope> =>
  options.dispatcher !== undefined
    ? fromDispatcher(options.dispatcher, options)
    : Effect.gen(function*() {
      yield* settingsOf(options)
      const pool = yield* poolOf(options)
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Agent(pool)),
        (agent) => Effect.promise(() => agent.destroy())
      )
      return yield* fromDispatcher(agent, options)
    })

/**
 * `HttpClient` layer: provide it under `DouyinClient.layer` (and `OAuth.layer`).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> =>
  Layer.scoped(HttpClient.HttpClient, make(options))
