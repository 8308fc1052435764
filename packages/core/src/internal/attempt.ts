/**
 * One HTTP attempt, written once for the fan-group client and the OAuth client: send through
 * the injected `HttpClient` under a per-attempt deadline, refuse redirects, read the envelope,
 * and turn every failure into a typed error whose text holds no secret.
 *
 * How it stays cheap (test/bench measured the old path: two `Effect.timeout`s forked four
 * fibers per call, and each `Effect.locally` copied the fiber's FiberRefs twice):
 * - a client that enforces deadlines itself (`internal/deadline.ts`: the fast client) is handed
 *   the attempt timeout and sends directly: its one timer, nothing else per attempt.
 * - any other client: the deadline is one timer per attempt that *aborts* the request (no
 *   fiber races it). The request gets its `AbortSignal` through `HttpClient.withScope`: the
 *   attempt runs in a `Scope` of its own that the timer (or the end of the attempt, or an
 *   interruption) closes. Every client built with `HttpClient.make` (fetch, node:http, undici,
 *   `DouyinTest`) passes that signal on; a client built with `HttpClient.makeWith` should
 *   abort its request from a finalizer on the `Scope` it finds in its context (the fast
 *   client does, when wrapped).
 *   What such a client reads from the fiber (the `Scope`, a `Fetch` that does not follow
 *   redirects, tracer propagation off, `access-token` among the redacted header names) is set
 *   in ONE FiberRefs update on entry and put back on exit.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Scope from "effect/Scope"
import { type DouyinCodeError, DouyinDecodeError, type DouyinHttpError, DouyinTransportError } from "../DouyinError.js"
import type * as Envelope from "../Envelope.js"
import * as Deadline from "./deadline.js"
import { defined } from "./defined.js"
import * as secrets from "./secrets.js"
import * as wire from "./wire.js"

/** The JSON of a successful envelope and its logid. */
export interface Answer {
  readonly body: unknown
  readonly logId: string | undefined
}

/** Everything one attempt can fail with. */
export type Failure = DouyinTransportError | DouyinHttpError | DouyinDecodeError | DouyinCodeError

/** What one attempt is, beyond its request. */
export interface Spec {
  /** Endpoint id: the `endpoint` of every error. */
  readonly endpoint: string
  readonly envelope: Envelope.Kind
  /** Secret values this request carries; a server may echo them, so errors never do. */
  readonly secrets: ReadonlyArray<string>
  readonly decodeDetail: secrets.DecodeDetail
}

/** Sends attempts; built once per client layer. */
export interface Sender {
  readonly send: (request: HttpClientRequest.HttpClientRequest, spec: Spec) => Effect.Effect<Answer, Failure>
}

type Fetch = typeof globalThis.fetch

const withAccessToken = (names: ReadonlyArray<string | RegExp>) => names.includes("access-token") ? names : [...names, "access-token"]

interface Saved {
  readonly refs: FiberRefs.FiberRefs
  readonly context: Context.Context<never>
  readonly propagation: boolean
  readonly redacted: ReadonlyArray<string | RegExp>
}

// `setFiberRefs` is how the runtime itself installs FiberRefs (it is on the fiber, not on the
// `RuntimeFiber` interface). One update replaces what three `Effect.locally` would set and
// restore one by one; where it is missing, `settings` falls back to those.
type Settable = Fiber.RuntimeFiber<unknown, unknown> & { setFiberRefs?: (refs: FiberRefs.FiberRefs) => void }

const entries = (id: FiberId.Runtime, context: Context.Context<never>, propagation: boolean, redacted: ReadonlyArray<string | RegExp>) =>
  [
    [FiberRef.currentContext, [[id, context]]],
    [HttpClient.currentTracerPropagation, [[id, propagation]]],
    [Headers.currentRedactedNames, [[id, redacted]]]
  ] as const

/**
 * Runs `effect` with the `Scope` and `Fetch` in its context, tracer propagation off (Douyin
 * reads no trace headers: the wire stays as documented) and `access-token` redacted, then
 * puts the fiber's own values back. Must run uninterruptibly around `effect`.
 */
const settings = <A, E>(
  fiber: Settable,
  scope: Scope.Scope,
  fetch: Fetch,
  effect: Effect.Effect<A, E, Scope.Scope>
): Effect.Effect<Exit.Exit<A, E>> => {
  const saved: Saved = {
    refs: fiber.getFiberRefs(),
    context: fiber.getFiberRef(FiberRef.currentContext),
    propagation: fiber.getFiberRef(HttpClient.currentTracerPropagation),
    redacted: fiber.getFiberRef(Headers.currentRedactedNames)
  }
  const context = Context.add(Context.add(saved.context, Scope.Scope, scope), FetchHttpClient.Fetch, fetch)
  const redacted = withAccessToken(saved.redacted)
  const set = fiber.setFiberRefs
  if (set === undefined) {
    return Effect.exit(
      Effect.provide(effect, context).pipe(
        Effect.locally(HttpClient.currentTracerPropagation, false),
        Effect.locally(Headers.currentRedactedNames, redacted)
      )
    )
  }
  const id = fiber.id()
  set.call(fiber, FiberRefs.updateManyAs(saved.refs, { entries: entries(id, context, false, redacted) }))
  return Effect.map(Effect.exit(effect as Effect.Effect<A, E>), (exit) => {
    set.call(
      fiber,
      FiberRefs.updateManyAs(fiber.getFiberRefs(), {
        entries: entries(id, saved.context, saved.propagation, saved.redacted)
      })
    )
    return exit
  })
}

/**
 * The sender over `http`. `fetch` is what a fetch-based client calls (default: the global
 * `fetch`); it is always asked not to follow redirects, so a token never reaches another
 * origin (a redirect then arrives as a 3xx, a typed error).
 */
export const make = (
  http: HttpClient.HttpClient,
  options: { readonly attemptTimeout: Duration.Duration; readonly fetch?: Fetch | undefined }
): Sender => {
  const scoped = HttpClient.withScope(http)
  const base = options.fetch
  const noRedirects: Fetch = (input, init) => (base ?? globalThis.fetch)(input, { ...init, redirect: "manual" })
  const timeoutMillis = Duration.toMillis(options.attemptTimeout)
  const timeoutText = wire.formatDuration(options.attemptTimeout)

  const direct = Deadline.sendOf(http)
  const read = (spec: Spec, response: HttpClientResponse.HttpClientResponse) =>
    Effect.zipRight(
      Effect.annotateCurrentSpan("http.response.status_code", response.status),
      wire.readEnvelope(spec.endpoint, spec.envelope, response)
    )
  const timeoutError = (spec: Spec) =>
    new DouyinTransportError({
      endpoint: spec.endpoint,
      sent: true,
      description: `no response within the attempt timeout of ${timeoutText}`
    })
  const finish = (spec: Spec, attempt: Effect.Effect<Answer, Failure>) =>
    Effect.tapBoth(Effect.mapError(attempt, (failure) => secrets.scrubError(failure, spec.secrets, spec.decodeDetail)), {
      onFailure: (e) => "logId" in e && e.logId !== undefined ? annotateLogId(e.logId) : Effect.void,
      onSuccess: (answer) => answer.logId === undefined ? Effect.void : annotateLogId(answer.logId)
    })

  // A client that takes the deadline itself (the fast client): no Scope, no timer, no
  // AbortController, no FiberRefs update; it reads nothing from the fiber (no span, no trace
  // headers, no fetch), so none of `settings` applies to it.
  const sendDirect = (send: Deadline.Send) => (request: HttpClientRequest.HttpClientRequest, spec: Spec) =>
    finish(
      spec,
      Effect.flatMap(
        Effect.mapError(send(request, timeoutMillis), (e) =>
          Deadline.expiredAt(e, timeoutMillis) ? timeoutError(spec) : wire.fromHttpClientError(spec.endpoint, e)),
        (response) =>
          read(spec, response)
      )
    )

  const sendScoped = (request: HttpClientRequest.HttpClientRequest, spec: Spec): Effect.Effect<Answer, Failure> =>
    Effect.flatMap(Scope.make(), (scope) => {
      let timedOut = false
      const exchange = Effect.flatMap(
        Effect.mapError(scoped.execute(request), (e) => wire.fromHttpClientError(spec.endpoint, e)),
        (response) => read(spec, response)
      )
      const attempt = Effect.uninterruptibleMask((restoreInterruption) =>
        Effect.withFiberRuntime<Answer, Failure>((fiber) => {
          // One timer: at the deadline it closes the attempt's scope, which aborts the request.
          const timer = Number.isFinite(timeoutMillis)
            ? setTimeout(() => {
              timedOut = true
              Effect.runFork(Scope.close(scope, Exit.void))
            }, timeoutMillis)
            : undefined
          return Effect.flatMap(settings(fiber, scope, noRedirects, restoreInterruption(exchange)), (exit) => {
            if (timer !== undefined) clearTimeout(timer)
            return Effect.zipRight(Scope.close(scope, exit), exit)
          })
        })
      )
      // An abort by the deadline surfaces as whatever the client makes of an aborted request.
      return finish(
        spec,
        Effect.mapError(attempt, (error) => timedOut && error._tag === "DouyinTransportError" ? timeoutError(spec) : error)
      )
    })

  return { send: direct !== undefined ? sendDirect(direct) : sendScoped }
}

const annotateLogId = (logId: string) => Effect.annotateCurrentSpan("douyin.logid", logId)

/**
 * Decodes the answer's JSON into the endpoint's result; a failure is a `DouyinDecodeError`
 * with the answer's logid, scrubbed of the request's secrets (a Schema error shows the values
 * it found, and a payload field may hold an echoed token).
 */
export const decode = <A>(
  spec: Spec,
  answer: Answer,
  decoder: (body: unknown) => Either.Either<A, string>
): Effect.Effect<A, DouyinDecodeError> =>
  Either.match(decoder(answer.body), {
    onLeft: (description) =>
      Effect.fail(
        new DouyinDecodeError(defined({
          endpoint: spec.endpoint,
          description: secrets.scrub(description, spec.secrets),
          logId: answer.logId
        }))
      ),
    onRight: Effect.succeed
  })
