/**
 * One HTTP attempt, written once for the fan-group client and the OAuth client: send through
 * the injected `HttpClient` under a per-attempt deadline, refuse redirects, read the envelope,
 * and turn every failure into a typed error whose text holds no secret.
 *
 * The deadline is handed to the exchange (`internal/deadline.ts`): the fast client enforces it
 * with the one timer it already has; any other client goes through `internal/scopedSend.ts`,
 * one timer that aborts the request. No fiber races the request either way.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Tracer from "effect/Tracer"
import { type DouyinCodeError, DouyinDecodeError, type DouyinHttpError, DouyinTransportError } from "../DouyinError.js"
import type * as Envelope from "../Envelope.js"
import * as Deadline from "./deadline.js"
import { defined } from "./defined.js"
import * as ScopedSend from "./scopedSend.js"
import * as secrets from "./secrets.js"
import * as wire from "./wire.js"

/** Everything one attempt can fail with. */
export type Failure = DouyinTransportError | DouyinHttpError | DouyinDecodeError | DouyinCodeError

/** What one attempt is, beyond its request. */
export interface Spec<A> {
  /** Endpoint id: the `endpoint` of every error. */
  readonly endpoint: string
  readonly envelope: Envelope.Kind
  /** Secret values this request carries; a server may echo them, so errors never do. */
  readonly secrets: ReadonlyArray<string>
  readonly decodeDetail: secrets.DecodeDetail
  /** The call's span: gets the status and the logid, and is the parent of a client's own span. */
  readonly span: Tracer.Span
  /** The call's clock (an HTTP-date `Retry-After` is read against it). */
  readonly clock: Clock.Clock
  /** The JSON of a successful envelope, and its logid, into the result (`Left`: why not). */
  readonly decode: (body: unknown, logId: string | undefined) => Either.Either<A, string>
  /** Told how the attempt ended, before it ends: its error, or `undefined` on success. Not on interruption. */
  readonly settle?: ((error: Failure | undefined) => void) | undefined
}

/** Sends attempts; built once per client layer. */
export interface Sender {
  /** Sends one attempt within `bound` (default: the attempt timeout) and decodes its answer. */
  readonly send: <A>(request: HttpClientRequest.HttpClientRequest, spec: Spec<A>, bound?: Bound) => Effect.Effect<A, Failure>
}

type Fetch = typeof globalThis.fetch

/** How long one attempt may take, and the error when it does not finish in time. */
export interface Bound {
  readonly millis: number
  readonly error: () => DouyinTransportError
}

/**
 * The sender over `http`. `fetch` is what a fetch-based client calls (default: the global
 * `fetch`); it is always asked not to follow redirects, so a token never reaches another
 * origin (a redirect then arrives as a 3xx, a typed error).
 *
 * An attempt is one step (the exchange, which reads the body); the rest (envelope, decode,
 * span attributes, `settle`) is plain code in its continuation.
 */
export const make = (
  http: HttpClient.HttpClient,
  options: { readonly attemptTimeout: Duration.Duration; readonly fetch?: Fetch | undefined }
): Sender => {
  // A client that takes the deadline itself (the fast client) is handed it; any other goes
  // through a scope of its own that the deadline closes (scopedSend.ts).
  const exchange = Deadline.sendOf(http) ?? ScopedSend.make(http, { fetch: options.fetch })
  const timeoutMillis = Duration.toMillis(options.attemptTimeout)
  const timeoutText = wire.formatDuration(options.attemptTimeout)
  const attemptBound = (spec: Spec<unknown>): Bound => ({
    millis: timeoutMillis,
    error: () =>
      new DouyinTransportError({
        endpoint: spec.endpoint,
        sent: true,
        description: `no response within the attempt timeout of ${timeoutText}`
      })
  })

  const fail = (spec: Spec<unknown>, error: Failure) => {
    spec.settle?.(error)
    return Effect.fail(error)
  }

  const failed = (spec: Spec<unknown>, failure: Failure) => {
    const error = secrets.scrubError(failure, spec.secrets, spec.decodeDetail)
    if ("logId" in error && error.logId !== undefined) spec.span.attribute("douyin.logid", error.logId)
    return fail(spec, error)
  }

  // A decode failure is a `DouyinDecodeError` with the answer's logid, scrubbed of the
  // request's secrets (a Schema error shows the values it found, and a payload field may hold
  // an echoed token).
  const decoded = <A>(spec: Spec<A>, text: string, response: HttpClientResponse.HttpClientResponse) => {
    const answer = wire.readEnvelope(spec.endpoint, spec.envelope, response, text, spec.clock)
    if (Either.isLeft(answer)) return failed(spec, answer.left)
    const { body, logId } = answer.right
    if (logId !== undefined) spec.span.attribute("douyin.logid", logId)
    const result = spec.decode(body, logId)
    if (Either.isLeft(result)) {
      return fail(
        spec,
        new DouyinDecodeError(defined({ endpoint: spec.endpoint, description: secrets.scrub(result.left, spec.secrets), logId }))
      )
    }
    spec.settle?.(undefined)
    return Effect.succeed(result.right)
  }

  const send = <A>(request: HttpClientRequest.HttpClientRequest, spec: Spec<A>, bound = attemptBound(spec)) =>
    Effect.matchEffect(exchange(request, bound.millis, spec.span), {
      onFailure: (e) => failed(spec, Deadline.expiredAt(e, bound.millis) ? bound.error() : wire.fromHttpClientError(spec.endpoint, e)),
      onSuccess: ({ response, text }) => {
        spec.span.attribute("http.response.status_code", response.status)
        return decoded(spec, text, response)
      }
    })

  return { send }
}
