/**
 * How an attempt hands its deadline to the exchange, whatever the client: `Send` takes the
 * request and the deadline and ends the exchange at it with a `DeadlineExceeded` cause.
 *
 * The fast client (`DouyinHttpClient`) carries its own `Send` (attached with {@link attach}):
 * the deadline is the one timer it already has, nothing else per attempt. Any other client
 * goes through `scopedSend.ts` (an `AbortController` through `HttpClient.withScope` and a
 * timer that aborts it).
 *
 * Recognized by a symbol on the exact client object, so any transform of it (a new client
 * object) takes the general path and keeps its behaviour.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

/**
 * No complete response within the deadline: the request was aborted and its connection closed.
 * The `cause` of the `RequestError` (before the status line) or `ResponseError` (while reading
 * the body).
 */
export class DeadlineExceeded extends Data.TaggedError("DeadlineExceeded")<{ readonly timeoutMillis: number }> {
  override get message() {
    return `no complete response within the attempt timeout of ${this.timeoutMillis} ms (request aborted)`
  }
}

/** A finished exchange: the response and its whole body, already read, as text. */
export interface Exchanged {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly text: string
}

/**
 * Sends `request`, reads the whole body, and ends it after at most `timeoutMillis` (or the
 * client's own deadline, if shorter) with a `DeadlineExceeded` cause carrying the deadline
 * that fired. `parent` is the call's span, for a client that opens spans of its own (the fast
 * client opens none). The body comes with the answer: an attempt reads it in the same step.
 */
export type Send = (
  request: HttpClientRequest.HttpClientRequest,
  timeoutMillis: number,
  parent?: Tracer.AnySpan | undefined
) => Effect.Effect<Exchanged, HttpClientError.HttpClientError>

const TypeId: unique symbol = Symbol.for("@effect-douyin/core/internal/deadline/Send")

interface WithSend {
  readonly [TypeId]?: Send
}

/** `client`, which now also takes deadlines through `send`. */
export const attach = <C extends HttpClient.HttpClient>(client: C, send: Send): C => Object.assign(client, { [TypeId]: send })

/** The deadline-taking `send` of `client`, if it has one. */
export const sendOf = (client: HttpClient.HttpClient): Send | undefined => (client as WithSend)[TypeId]

/** Whether `error` ended the request at the deadline of `timeoutMillis`. */
export const expiredAt = (error: HttpClientError.HttpClientError, timeoutMillis: number): boolean =>
  error.cause instanceof DeadlineExceeded && error.cause.timeoutMillis === timeoutMillis
