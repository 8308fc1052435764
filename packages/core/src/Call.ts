/**
 * The call model: what one call of an endpoint is (`Call`), what it can fail with
 * (`CallError`, `AttemptError`), what a policy sees of it (`CallContext`) and the two shapes a
 * policy takes (`AttemptPolicy` around each HTTP attempt, `CallPolicy` around all attempts of a
 * call). `DouyinClient` runs calls; `Retry` and `RateLimit` are policies; all three stand on this
 * module, which knows none of them (docs/architecture.md#layers).
 *
 * @since 0.3.0
 */
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"
import type { DouyinCommonError, DouyinOutcomeUnknown, DouyinTransportError } from "./DouyinError.js"
import type * as Envelope from "./Envelope.js"
import type * as FailureClass from "./FailureClass.js"
import type * as Fifo from "./internal/fifo.js"
import type * as Multipart from "./internal/multipart.js"

/**
 * The token of a call that does not take the operator's user token: the app's client token
 * (`ClientToken`), asked for each attempt and refreshed once on an invalid-token answer,
 * exactly like a user token from `AccessToken`.
 *
 * @since 0.3.0
 * @category models
 */
export interface TokenSource {
  readonly get: Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  /** Douyin rejected `stale`: a fresh token (`None`: this source cannot refresh). */
  readonly refresh: (stale: Redacted.Redacted<string>) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, DouyinCommonError>
}

/**
 * One file part of a `multipart/form-data` body (see {@link Call.files}).
 *
 * @since 0.3.0
 * @category models
 */
export type FilePart = Multipart.FilePart

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
  /**
   * The app-level token of the call, instead of the operator's from `AccessToken`: no
   * `open_id` is sent and `AccessToken.withToken` does not apply (it overrides user tokens).
   *
   * @since 0.3.0
   */
  readonly token?: TokenSource | undefined
  /**
   * A `multipart/form-data` body of these parts instead of JSON; every attempt gets a fresh
   * boundary.
   *
   * @since 0.3.0
   */
  readonly files?: ReadonlyArray<FilePart> | undefined
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
 * Everything a single HTTP attempt can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptError = Exclude<DouyinCommonError, { readonly _tag: "DouyinInvalidInput" }>

/**
 * What a policy knows of the call it wraps, besides the call itself.
 *
 * A call waits (for a permit, a backoff, a token) only under a policy or a token source that
 * can block. Such a wait is bounded by the call timeout through {@link CallContext.bound}, so
 * the call needs no timer racing it as a whole (that forked two fibers per call): nothing is
 * forked unless something actually waits.
 *
 * @since 0.3.0
 * @category models
 */
export interface CallContext {
  /** When the call started, in epoch milliseconds of the `Clock`. */
  readonly start: number
  /** When the call times out (`DouyinConfig.callTimeout` after `start`; `Infinity` if nothing can wait). */
  readonly deadline: number
  /**
   * `wait`, failing with the call-timeout error (a `DouyinTransportError`) if it has not
   * ended by the deadline. Put it around what may wait, not around the attempt.
   */
  readonly bound: Bound<DouyinTransportError>
  /** The call's span: a policy annotates it, and makes it the parent of what it runs. */
  readonly span: Tracer.Span
  /**
   * The calling fiber's context, as the call started: a policy reads its per-call override
   * (`Retry.with`, `RateLimit.with`) from it with `Context.get`, without an effect.
   */
  readonly services: Context.Context<never>
}

/**
 * Wraps each HTTP attempt of a call: the rate-limit policy (`RateLimit.Service.policy`) plugs
 * in here (take a permit, then send). Every retry is a new attempt and so takes a new permit.
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptPolicy = <A>(
  call: Call<unknown>,
  attempt: Effect.Effect<A, AttemptError>,
  context: CallContext
) => Effect.Effect<A, AttemptError>

/**
 * Wraps all attempts of one call: the retry policy (`Retry.Service.policy`) plugs in here.
 *
 * @since 0.1.0
 * @category models
 */
export type CallPolicy = <A>(
  call: Call<unknown>,
  attempts: Effect.Effect<A, AttemptError>,
  context: CallContext
) => Effect.Effect<A, AttemptError>

/**
 * Bounds an effect that may wait by the call's deadline, failing with `EB` when it is reached
 * (the type of {@link CallContext.bound}).
 *
 * @since 0.3.0
 * @category models
 */
export type Bound<EB> = Fifo.Bound<EB>
