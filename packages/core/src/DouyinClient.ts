/**
 * The transport every fan-group endpoint goes through. It wraps the injected
 * `HttpClient`: base URL, `access-token` header, `open_id` query, `Content-Type`,
 * status and envelope check, typed errors, one span per call, and the token refresh rule
 * (refresh once on an expired-token code, then retry once).
 *
 * @since 0.1.0
 */
import { Headers, HttpClient, HttpClientRequest } from "@effect/platform"
import { Cause, Context, Effect, Either, Exit, Layer, Option, Redacted, Ref } from "effect"
import * as AccessToken from "./AccessToken.js"
import { DouyinConfig } from "./DouyinConfig.js"
import {
  type DouyinCommonError,
  DouyinDecodeError,
  type DouyinError,
  DouyinOutcomeUnknown,
  DouyinTransportError
} from "./DouyinError.js"
import type * as Envelope from "./Envelope.js"
import * as ErrorCode from "./ErrorCode.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as FailureClass from "./FailureClass.js"
import { logFailure } from "./internal/failureLog.js"
import * as wire from "./internal/wire.js"
import { defined } from "./internal/defined.js"
import * as RateLimit from "./RateLimit.js"
import * as Retry from "./Retry.js"

/**
 * One call as the client sends it. Built by `Endpoint` from a descriptor and a validated input.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call<A, I extends FailureClass.Idempotency = FailureClass.Idempotency> {
  /** Endpoint id, e.g. `group/SendGroupMessage`: the span name and the `endpoint` of errors. */
  readonly endpoint: string
  readonly method: "GET" | "POST"
  readonly path: string
  /** The operator whose token is used; sent as query `open_id`. */
  readonly openId: string
  /** Further query parameters (GET endpoints). */
  readonly query: Readonly<Record<string, string>>
  /** JSON body (POST endpoints). */
  readonly body: unknown
  readonly envelope: Exclude<Envelope.Kind, "C">
  readonly idempotency: I
  /** Decodes the JSON of a successful envelope into the endpoint's result. */
  readonly decode: (body: unknown) => Either.Either<A, string>
}

/**
 * The errors a call of this idempotency class can fail with: every `unsafe` call may also
 * end in `DouyinOutcomeUnknown`.
 *
 * @since 0.1.0
 * @category models
 */
export type CallError<I extends FailureClass.Idempotency> =
  | DouyinCommonError
  | (I extends "unsafe" ? DouyinOutcomeUnknown : never)

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly execute: <A, I extends FailureClass.Idempotency>(call: Call<A, I>) => Effect.Effect<A, CallError<I>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class DouyinClient extends Context.Tag("@effect-douyin/core/DouyinClient")<DouyinClient, Service>() {}

/**
 * Everything a single HTTP attempt can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptError = Exclude<DouyinCommonError, { readonly _tag: "DouyinInvalidInput" }>

/**
 * Wraps each HTTP attempt of a call: the rate-limit policy (`RateLimit.Service.policy`) plugs
 * in here (take a permit, then send). Every retry is a new attempt and so takes a new permit.
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptPolicy = <A>(call: Call<unknown>, attempt: Effect.Effect<A, AttemptError>) => Effect.Effect<A, AttemptError>

/**
 * Wraps all attempts of one call: the retry policy (`Retry.Service.policy`) plugs in here.
 *
 * @since 0.1.0
 * @category models
 */
export type CallPolicy = <A>(call: Call<unknown>, attempts: Effect.Effect<A, AttemptError>) => Effect.Effect<A, AttemptError>

// OpenTelemetry HTTP client attributes of the host every call goes to.
const serverAttributes = (baseUrl: string): Record<string, string | number> => {
  const url = new URL(baseUrl)
  const port = url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port)
  return { "server.address": url.hostname, "server.port": port }
}

const redactToken = (names: ReadonlyArray<string | RegExp>) =>
  names.includes("access-token") ? names : [...names, "access-token"]

/**
 * What building the client needs. The two policies are required on purpose: a composition
 * that forgets or misplaces one (e.g. `Layer.mergeAll(DouyinClient.layer, Retry.layerDefault)`)
 * leaves `Retry` unsatisfied and does not compile. "No retry" / "no limit" is said out loud
 * with `Retry.layerDisabled` / `RateLimit.layerDisabled`.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | HttpClient.HttpClient
  | DouyinConfig
  | AccessToken.AccessToken
  | Retry.Retry
  | RateLimit.RateLimit

/**
 * Builds the client from the injected `HttpClient`, `DouyinConfig`, `AccessToken` and the two
 * policies, `Retry` and `RateLimit` (read once: every call of this client shares them).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Requirements> = Effect
  .gen(function*() {
    const config = yield* DouyinConfig
    const tokens = yield* AccessToken.AccessToken
    // Douyin reads no trace headers; keep the wire exactly as documented.
    const http = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
    const userAgent = Option.getOrUndefined(config.userAgent)
    const attemptPolicy = (yield* RateLimit.RateLimit).policy
    const callPolicy = (yield* Retry.Retry).policy
    const metrics = yield* DouyinMetrics.recorder
    const server = serverAttributes(config.baseUrl)

    const buildRequest = (call: Call<unknown>, token: Redacted.Redacted<string>) => {
      const headers: Record<string, string> = {
        "access-token": Redacted.value(token),
        // Douyin wants the bare type, even on GET (douyin-api.md §1.3).
        "content-type": "application/json"
      }
      if (userAgent !== undefined) headers["user-agent"] = userAgent
      const request = HttpClientRequest.make(call.method)(config.baseUrl + call.path, {
        urlParams: { open_id: call.openId, ...call.query },
        headers
      })
      return call.method === "POST"
        ? HttpClientRequest.setHeader(HttpClientRequest.bodyUnsafeJson(request, call.body), "content-type", "application/json")
        : request
    }

    const attemptTimeoutText = wire.formatDuration(config.attemptTimeout)

    const attemptOnce = <A>(call: Call<A>, token: Redacted.Redacted<string>): Effect.Effect<A, AttemptError> =>
      // The request (and its token header) exists only inside `execute`: that is where the HttpClient
      // (its span, any wrapper) may render headers, so the redacted names are set around it alone.
      // Set around the whole call, the changed FiberRef made every fiber forked by the timeouts
      // copy and merge it back (test/bench measured ~5-10% of the SDK overhead per call).
      Effect.locallyWith(http.execute(buildRequest(call, token)), Headers.currentRedactedNames, redactToken).pipe(
        Effect.mapError((e) => wire.fromHttpClientError(call.endpoint, e)),
        Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
        Effect.flatMap((response) => wire.readEnvelope(call.endpoint, call.envelope, response)),
        Effect.timeoutFail({
          duration: config.attemptTimeout,
          onTimeout: () =>
            new DouyinTransportError({
              endpoint: call.endpoint,
              sent: true,
              description: `no response within the attempt timeout of ${attemptTimeoutText}`
            })
        }),
        Effect.tapError((e) => "logId" in e && e.logId !== undefined ? Effect.annotateCurrentSpan("douyin.logid", e.logId) : Effect.void),
        Effect.flatMap(({ body, logId }) =>
          Effect.zipRight(
            logId === undefined ? Effect.void : Effect.annotateCurrentSpan("douyin.logid", logId),
            Either.match(call.decode(body), {
              onLeft: (description) =>
                Effect.fail(new DouyinDecodeError(defined({ endpoint: call.endpoint, description, logId }))),
              onRight: (a) => Effect.succeed(a)
            })
          )
        ),
        (attempt) => metrics.attempt(call.endpoint, attempt)
      )

    const isRefreshable = (e: AttemptError) => e._tag === "DouyinAuthError" && ErrorCode.isRefreshable(e.code)

    // `inFlight`: an HTTP request has started and its outcome is not known yet (it stays set
    // when the attempt is interrupted, e.g. by the call timeout).
    const tracked = <A>(inFlight: Ref.Ref<boolean>, attempt: Effect.Effect<A, AttemptError>) =>
      Effect.zipRight(
        Ref.set(inFlight, true),
        Effect.onExit(attempt, (exit) =>
          Exit.isFailure(exit) && Cause.isInterruptedOnly(exit.cause) ? Effect.void : Ref.set(inFlight, false))
      )

    // One attempt, and on an expired-token code one refresh and one more attempt.
    const attemptWithToken = <A>(call: Call<A>, inFlight: Ref.Ref<boolean>): Effect.Effect<A, AttemptError> =>
      Effect.flatMap(AccessToken.Override, (override) => {
        const send = (token: Redacted.Redacted<string>) => attemptPolicy(call, tracked(inFlight, attemptOnce(call, token)))
        if (Option.isSome(override)) return send(override.value)
        return Effect.flatMap(tokens.get(call.openId), (token) =>
          Effect.catchIf(send(token), isRefreshable, (expired) =>
            Effect.flatMap(tokens.refresh(call.openId, token), (fresh) =>
              Option.match(fresh, {
                onNone: () => Effect.fail(expired),
                onSome: (fresh) => send(fresh)
              }))))
      }) as Effect.Effect<A, AttemptError>

    const callTimeoutText = wire.formatDuration(config.callTimeout)

    const execute = <A, I extends FailureClass.Idempotency>(call: Call<A, I>): Effect.Effect<A, CallError<I>> => {
      const clientRequestId = crypto.randomUUID()
      const outcomeUnknown = (error: DouyinError) =>
        new DouyinOutcomeUnknown(defined({
          endpoint: call.endpoint,
          clientRequestId,
          request: defined({ method: call.method, path: call.path, query: { open_id: call.openId, ...call.query }, body: call.body }),
          description: error.message,
          logId: "logId" in error ? error.logId : undefined
        }))
      return Effect.flatMap(Ref.make(false), (inFlight) =>
        callPolicy(call, attemptWithToken(call, inFlight)).pipe(
          Effect.timeout(config.callTimeout),
          // Timed out while waiting for a permit or a backoff: nothing was in flight.
          Effect.catchTag("TimeoutException", () =>
            Effect.flatMap(Ref.get(inFlight), (sent) =>
              Effect.fail(
                new DouyinTransportError({
                  endpoint: call.endpoint,
                  sent,
                  description: `call not finished within the call timeout of ${callTimeoutText}` +
                    (sent ? "" : " (no request in flight)")
                })
              )))
        )).pipe(
          Effect.mapError((error): CallError<I> =>
            call.idempotency === "unsafe" && FailureClass.of(error) === "Ambiguous"
              ? outcomeUnknown(error) as CallError<I>
              : error
          ),
          Effect.tapError((error) =>
            Effect.zipRight(Effect.annotateCurrentSpan("error.type", error._tag), logFailure(clientRequestId, error))
          ),
          (effect) => metrics.call(call.endpoint, effect),
          Effect.withSpan(call.endpoint, {
            kind: "client",
            attributes: {
              "douyin.endpoint": call.endpoint,
              "douyin.idempotency": call.idempotency,
              "douyin.client_request_id": clientRequestId,
              "http.request.method": call.method,
              "url.path": call.path,
              ...server
            }
          })
        )
    }

    return { execute }
  })

/**
 * The client as a layer. It requires both policies: provide them *into* it.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layerDefault), // or Retry.layerDisabled: no retry, said out loud
 *   Layer.provide(RateLimit.layerDefault), // or RateLimit.layerDisabled
 *   Layer.provide(AccessToken.layerStatic(Redacted.make("act.xxx"))),
 *   Layer.provide(DouyinConfig.layer()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DouyinClient, never, Requirements> = Layer.effect(DouyinClient, make)
