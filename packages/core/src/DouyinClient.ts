/**
 * The transport every fan-group endpoint goes through. It wraps the injected
 * `HttpClient`: base URL, `access-token` header, `open_id` query, `Content-Type`,
 * status and envelope check, typed errors, one span per call, and the token refresh rule
 * (refresh once on an expired-token code, then retry once).
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import * as AccessToken from "./AccessToken.js"
import type { AttemptError, Call, CallContext, CallError, FilePart, TokenSource } from "./Call.js"
import { DouyinConfig } from "./DouyinConfig.js"
import { type DouyinCommonError, type DouyinError, DouyinOutcomeUnknown, DouyinTransportError } from "./DouyinError.js"
import * as ErrorCode from "./ErrorCode.js"
import * as FailureClass from "./FailureClass.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as Attempt from "./internal/attempt.js"
import * as CallSpan from "./internal/callSpan.js"
import { defined } from "./internal/defined.js"
import { logFailure } from "./internal/failureLog.js"
import * as Fifo from "./internal/fifo.js"
import * as Multipart from "./internal/multipart.js"
import * as Server from "./internal/server.js"
import * as wire from "./internal/wire.js"
import * as RateLimit from "./RateLimit.js"
import * as Retry from "./Retry.js"

export type {
  /**
   * Everything a single HTTP attempt can fail with (defined in `Call`).
   *
   * @since 0.1.0
   */
  AttemptError,
  /**
   * Wraps each HTTP attempt of a call: the rate-limit policy (defined in `Call`).
   *
   * @since 0.1.0
   */
  AttemptPolicy,
  /**
   * One call as the client sends it (defined in `Call`).
   *
   * @since 0.1.0
   */
  Call,
  /**
   * What a policy knows of the call it wraps (defined in `Call`).
   *
   * @since 0.3.0
   */
  CallContext,
  /**
   * The errors a call of an idempotency class can fail with (defined in `Call`).
   *
   * @since 0.1.0
   */
  CallError,
  /**
   * Wraps all attempts of one call: the retry policy (defined in `Call`).
   *
   * @since 0.1.0
   */
  CallPolicy,
  /**
   * One file part of a multipart body (defined in `Call`).
   *
   * @since 0.3.0
   */
  FilePart,
  /**
   * The app-level token of a call (defined in `Call`).
   *
   * @since 0.3.0
   */
  TokenSource
} from "./Call.js"

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
export const make: Effect.Effect<Service, never, Requirements> = Effect.gen(function*() {
  const config = yield* DouyinConfig
  const tokens = yield* AccessToken.AccessToken
  const retry = yield* Retry.Retry
  const rateLimit = yield* RateLimit.RateLimit
  const fetch = yield* Effect.serviceOption(FetchHttpClient.Fetch)
  const sender = Attempt.make(yield* HttpClient.HttpClient, {
    attemptTimeout: config.attemptTimeout,
    fetch: Option.getOrUndefined(fetch)
  })
  const metrics = yield* DouyinMetrics.recorder
  const metricsOn = yield* DouyinMetrics.CurrentEnabled
  const server = Server.of(config.baseUrl)
  const userAgent = Option.getOrUndefined(config.userAgent)
  const attemptTimeoutMillis = Duration.toMillis(config.attemptTimeout)
  const callTimeoutMillis = Duration.toMillis(config.callTimeout)
  const callTimeoutText = wire.formatDuration(config.callTimeout)
  // A call waits (for a permit, a backoff, a token) only under a policy or a token source
  // that can block; only then are its waits bounded by a timer. The call deadline itself
  // holds for every call: without such policies it bounds the one attempt (below).
  const canWait = retry !== Retry.disabled || rateLimit !== RateLimit.disabled || tokens.immediate !== true
  // Without a retry or a rate limit, an attempt is run once, as soon as it is built (at the
  // call's run time, or in a refresh's continuation): it needs no suspension of its own.
  const runsOnceWhenBuilt = retry === Retry.disabled && rateLimit === RateLimit.disabled

  // The request of a path with its headers is the same from call to call while the token is:
  // kept per path (one per endpoint of this client) with the token it was built for, so a
  // call only adds its query.
  const withHeaders = new Map<string, HttpClientRequest.HttpClientRequest>()
  const headed = (call: Call<unknown>, token: string) => {
    const known = withHeaders.get(call.path)
    if (known !== undefined && known.method === call.method && known.headers["access-token"] === token) return known
    const headers: Record<string, string> = {
      "access-token": token,
      // Douyin wants the bare type, even on GET (docs/wire.md#hosts-paths-and-headers).
      "content-type": "application/json"
    }
    if (userAgent !== undefined) headers["user-agent"] = userAgent
    const request = HttpClientRequest.make(call.method)(config.baseUrl + call.path, { headers })
    withHeaders.set(call.path, request)
    return request
  }

  const buildRequest = (call: Call<unknown>, token: string) => {
    const query = Object.entries(call.query)
    // The kept request has no query of its own: appending is setting, without `setUrlParams`' merge.
    const request = HttpClientRequest.appendUrlParams(
      headed(call, token),
      call.token === undefined ? [["open_id", call.openId], ...query] : query
    )
    if (call.files !== undefined) return multipartRequest(request, call.files)
    // A POST whose fields all travel in the query has no body (the template delete).
    return call.method === "POST" && call.body !== undefined
      ? HttpClientRequest.setHeader(HttpClientRequest.bodyUnsafeJson(request, call.body), "content-type", "application/json")
      : request
  }

  const callTimeout = (call: Call<unknown>, sent: boolean) =>
    new DouyinTransportError({
      endpoint: call.endpoint,
      sent,
      description: `call not finished within the call timeout of ${callTimeoutText}` +
        (sent ? "" : " (no request in flight)")
    })

  // Bounds a wait by the call deadline: a timer only while something waits.
  const bounded =
    (call: Call<unknown>, state: CallState, deadline: number) =>
    <A, E, R>(wait: Effect.Effect<A, E, R>): Effect.Effect<A, E | DouyinTransportError, R> =>
      Effect.suspend(() => {
        const left = deadline - state.clock.unsafeCurrentTimeMillis()
        return left <= 0
          ? Effect.fail(callTimeout(call, state.sent))
          : Effect.timeoutFail(wait, { duration: Duration.millis(left), onTimeout: () => callTimeout(call, state.sent) })
      })

  // One HTTP attempt, within the attempt timeout and what is left of the call. `state.sent`
  // says whether a request of this call may have reached Douyin without a definitive answer:
  // set when the request starts, cleared by any answer that proves Douyin did not act or did
  // act definitively, kept on an ambiguous failure and on interruption. It alone decides
  // `DouyinOutcomeUnknown`.
  const attemptOnce = <A>(call: Call<A>, token: Redacted.Redacted<string>, state: CallState, context: CallContext) => {
    const value = Redacted.value(token)
    const spec: Attempt.Spec<A> = {
      endpoint: call.endpoint,
      envelope: call.envelope,
      secrets: [value],
      decodeDetail: "scrub",
      span: context.span,
      clock: state.clock,
      decode: call.decode,
      settle: (error) => {
        state.sent = error !== undefined && FailureClass.of(error) === "Ambiguous"
        state.meter.attemptEnded(error === undefined ? "success" : error._tag)
      }
    }
    const start = () => {
      const left = context.deadline - state.clock.unsafeCurrentTimeMillis()
      if (left <= 0) return Effect.fail(callTimeout(call, state.sent))
      state.sent = true
      state.attempts++
      const bound: Attempt.Bound | undefined = left < attemptTimeoutMillis
        ? { millis: left, error: () => callTimeout(call, true) }
        : undefined
      state.meter.attemptStarted()
      return sender.send(buildRequest(call, value), spec, bound)
    }
    // Each run is one attempt (a retry runs it again), so the time left is read per run.
    return runsOnceWhenBuilt ? start() : Effect.suspend(start)
  }

  const isRefreshable = (e: AttemptError) => e._tag === "DouyinAuthError" && ErrorCode.isRefreshable(e.code)
  // A source that records missing scopes (the store-backed one) hears of a 2190003.
  const isScopeMissing = (e: AttemptError) =>
    tokens.scopeNotGranted !== undefined && e._tag === "DouyinPermissionError" && e.code === ErrorCode.Codes.scopeNotGranted
  const isRefreshableOrScope = (e: AttemptError) => isRefreshable(e) || isScopeMissing(e)

  // A token source that answers at once is asked directly; one that can block (a store, a
  // refresh) is asked under the call deadline, as the parent of the spans it opens.
  const ask = <A, E>(context: CallContext, effect: Effect.Effect<A, E>): Effect.Effect<A, E | DouyinTransportError> =>
    tokens.immediate === true ? effect : context.bound(Effect.withParentSpan(effect, context.span))

  // The same rule for an app-level token (the client token): asked under the call deadline,
  // refreshed once on an expired- or invalid-token code, then one more attempt.
  const appTokenAttempt = <A>(
    source: TokenSource,
    send: (token: Redacted.Redacted<string>) => Effect.Effect<A, AttemptError>,
    context: CallContext
  ): Effect.Effect<A, AttemptError> => {
    const bound = <B>(effect: Effect.Effect<B, DouyinCommonError>) =>
      context.bound(Effect.withParentSpan(effect, context.span)) as Effect.Effect<B, AttemptError>
    return Effect.flatMap(
      bound(source.get),
      (token) =>
        Effect.catchIf(
          send(token),
          isRefreshable,
          (expired) =>
            Effect.flatMap(bound(source.refresh(token)), (fresh) =>
              Option.match(fresh, {
                onNone: () => Effect.fail(expired),
                onSome: send
              }))
        )
    )
  }

  // One attempt, and on an expired-token code one refresh and one more attempt. A failure of
  // the token source is its own typed error (it names its endpoint, e.g. oauth/RefreshToken).
  const attemptWithToken = <A>(
    call: Call<A>,
    state: CallState,
    context: CallContext,
    override: Option.Option<Redacted.Redacted<string>>
  ): Effect.Effect<A, AttemptError> => {
    const send = (token: Redacted.Redacted<string>) => rateLimit.policy(call, attemptOnce(call, token, state, context), context)
    const source = call.token
    if (source !== undefined) return appTokenAttempt(source, send, context)
    if (Option.isSome(override)) return send(override.value)
    const withToken = (token: Redacted.Redacted<string>) =>
      Effect.catchIf(
        send(token),
        isRefreshableOrScope,
        (expired) =>
          isScopeMissing(expired)
            ? Effect.zipRight(tokens.scopeNotGranted!(call.openId), Effect.fail(expired))
            : Effect.flatMap(ask(context, tokens.refresh(call.openId, token)), (fresh) =>
              Option.match(fresh, {
                onNone: () => Effect.fail(expired),
                onSome: (fresh) => send(fresh)
              }))
      )
    // A token known at once (`peek`) needs no bound; asked again on every attempt (a retry).
    const start = () => {
      const known = tokens.peek?.(call.openId)
      return known !== undefined ? withToken(known) : Effect.flatMap(ask(context, tokens.get(call.openId)), withToken)
    }
    return (runsOnceWhenBuilt ? start() : Effect.suspend(start)) as Effect.Effect<A, AttemptError>
  }

  // The span of a call nobody records (the default tracer): one stand-in for every such call.
  const unrecorded = CallSpan.unrecorded("douyin.call")

  const execute = <A, I extends FailureClass.Idempotency>(call: Call<A, I>): Effect.Effect<A, CallError<I>> =>
    Effect.withFiberRuntime((fiber) => {
      const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
      const start = clock.unsafeCurrentTimeMillis()
      const recorded = CallSpan.isRecorded(fiber)
      // The span is handed down, not put in the context: that would rewrite the fiber's
      // context on every call. What may open spans of its own (a token refresh, a client
      // that traces) gets it as its parent. Made only when a tracer records it.
      const run = (span: Tracer.Span, restore: Restore) => {
        const state: CallState = {
          sent: false,
          attempts: 0,
          clock,
          meter: metrics.meter(call.endpoint, fiber),
          // Recorded: on the span from the start. Otherwise drawn when a failure names it.
          requestId: recorded ? crypto.randomUUID() : undefined
        }
        if (recorded) annotateCall(span, call, state.requestId!, server)
        const deadline = start + callTimeoutMillis
        const context: CallContext = {
          start,
          deadline,
          // An app-level token source can always block (it may fetch).
          bound: canWait || call.token !== undefined ? bounded(call, state, deadline) : Fifo.unbounded,
          span,
          services: fiber.currentContext
        }
        const override = Context.get(fiber.currentContext, AccessToken.Override)
        const attempts = retry.policy(call, attemptWithToken(call, state, context, override), context)
        // The metrics, then the span's end (as `Effect.useSpan` ends it).
        const end = (exit: Exit.Exit<A, CallError<I>>) => {
          state.meter.callEnded(exit)
          if (!recorded) return
          // On every call span, however many attempts it took (0: refused before sending).
          span.attribute("douyin.attempts", state.attempts)
          span.end(fiber.getFiberRef(FiberRef.currentTracerTimingEnabled) ? clock.unsafeCurrentTimeNanos() : BigInt(0), exit)
        }
        // Logs under the call's span, then ends the call with `exit`.
        const endLogged = (log: Effect.Effect<void>, exit: Exit.Exit<A, CallError<I>>) =>
          Effect.zipRight(
            Effect.withParentSpan(log, span),
            Effect.suspend(() => {
              end(exit)
              return exit
            })
          )
        return Effect.matchCauseEffect(restore(attempts), {
          onSuccess: (a) => {
            end(Exit.succeed(a))
            return Effect.succeed(a)
          },
          onFailure: (cause) => {
            const failure = Cause.failureOrCause(cause)
            const requestId = state.requestId ??= crypto.randomUUID()
            if (failure._tag === "Left") {
              // The call's error as the caller sees it, recorded on the span and logged once.
              const error = failure.left
              const reported = call.idempotency === "unsafe" && state.sent && FailureClass.of(error) === "Ambiguous"
                ? outcomeUnknown(call, requestId, error) as CallError<I>
                : error as CallError<I>
              if (recorded) annotateFailure(span, reported)
              return endLogged(logFailure(requestId, reported), Exit.fail(reported))
            }
            const exit = Exit.failCause(failure.right)
            // An unsafe call cut while its request was in flight: the warning first.
            if (call.idempotency === "unsafe" && state.sent && Cause.isInterruptedOnly(failure.right)) {
              return endLogged(logInterrupted(call, requestId), exit)
            }
            end(exit)
            return exit
          }
        })
      }
      // Ended however it ends (interrupted too): a recorded span, live metrics, the warning of
      // an unsafe call cut in flight. One uninterruptible region, interruptible only inside
      // `restore`. A call with none of these to end has no region: nothing is lost if it is cut.
      if (!recorded && !metricsOn && call.idempotency !== "unsafe") return run(unrecorded, identity)
      return Effect.uninterruptibleMask((restore) =>
        recorded
          ? Effect.flatMap(Effect.makeSpan(call.endpoint, { kind: "client", captureStackTrace: false }), (span) => run(span, restore))
          : run(unrecorded, restore)
      )
    })

  return { execute }
})

/** The call's attributes, set one by one (an `attributes` option is copied into an array of entries first). */
const annotateCall = (span: Tracer.Span, call: Call<unknown>, clientRequestId: string, server: Server.Server) => {
  span.attribute("douyin.endpoint", call.endpoint)
  span.attribute("douyin.idempotency", call.idempotency)
  span.attribute("douyin.client_request_id", clientRequestId)
  span.attribute("http.request.method", call.method)
  span.attribute("url.path", call.path)
  Server.annotate(span, server)
}

/**
 * The failure attributes an on-call engineer filters on: `error.type` (the error's `_tag`),
 * and Douyin's `douyin.code` / `douyin.sub_code` when the answer carried them.
 */
const annotateFailure = (span: Tracer.Span, error: DouyinError) => {
  span.attribute("error.type", error._tag)
  if ("code" in error) span.attribute("douyin.code", error.code)
  if ("subCode" in error && error.subCode !== undefined) span.attribute("douyin.sub_code", error.subCode)
}

/** Lets the attempts of a call be interrupted inside its uninterruptible region. */
type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/** Per-call bookkeeping, local to one `execute` (no state outlives the call). */
interface CallState {
  /** A request of this call may have reached Douyin without a definitive answer. */
  sent: boolean
  /** HTTP attempts started so far (`douyin.attempts` on the call's span). */
  attempts: number
  /** The call's client request id (in its span, its failure log, `DouyinOutcomeUnknown`). */
  requestId: string | undefined
  /** The calling fiber's clock. */
  readonly clock: Clock.Clock
  readonly meter: DouyinMetrics.CallMeter
}

/** The request with a `multipart/form-data` body of `files` under a boundary drawn for this attempt. */
const multipartRequest = (request: HttpClientRequest.HttpClientRequest, files: ReadonlyArray<FilePart>) => {
  const boundary = Multipart.freshBoundary(files)
  const type = Multipart.contentType(boundary)
  return HttpClientRequest.setHeader(
    HttpClientRequest.bodyUint8Array(request, Multipart.encode(files, boundary), type),
    "content-type",
    type
  )
}

const outcomeUnknown = (call: Call<unknown>, clientRequestId: string, error: DouyinError) =>
  new DouyinOutcomeUnknown(defined({
    endpoint: call.endpoint,
    clientRequestId,
    request: defined({
      method: call.method,
      path: call.path,
      query: call.token === undefined ? { open_id: call.openId, ...call.query } : call.query,
      body: call.files === undefined ? call.body : call.files.map((f) => ({ name: f.name, filename: f.filename, bytes: f.bytes.length }))
    }),
    // Already scrubbed of the token by the attempt.
    description: error.message,
    logId: "logId" in error ? error.logId : undefined
  }))

const logInterrupted = (call: Call<unknown>, clientRequestId: string) =>
  Effect.logWarning(
    `${call.endpoint}: outcome unknown (interrupted) for client request ${clientRequestId}: ` +
      "the request was in flight; reconcile before sending again"
  ).pipe(Effect.annotateLogs({ "douyin.endpoint": call.endpoint, "douyin.client_request_id": clientRequestId }))

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
