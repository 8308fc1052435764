/**
 * Shared steps between the fan-group client and the OAuth client: mapping platform errors,
 * reading a body, turning an envelope status into a typed error.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  type DouyinCodeError,
  DouyinDecodeError,
  DouyinHttpError,
  DouyinInvalidParams,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinTransportError
} from "../DouyinError.js"
import * as Envelope from "../Envelope.js"
import * as ErrorCode from "../ErrorCode.js"
import { defined } from "./defined.js"

// Node error codes that prove the request never reached the server.
const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "EADDRNOTAVAIL"])

const provesNotSent = (cause: unknown, depth = 0): boolean => {
  if (depth > 5 || typeof cause !== "object" || cause === null) return false
  const c = cause as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof c.code === "string" && notSentCodes.has(c.code)) return true
  if (Array.isArray(c.errors) && c.errors.length > 0 && c.errors.every((e) => provesNotSent(e, depth + 1))) return true
  return provesNotSent(c.cause, depth + 1)
}

const causeText = (cause: unknown, depth = 0): string => {
  if (depth > 5 || typeof cause !== "object" || cause === null) return ""
  const c = cause as { code?: unknown; message?: unknown; cause?: unknown }
  const here = typeof c.code === "string" ? c.code : typeof c.message === "string" ? c.message : ""
  const deeper = causeText(c.cause, depth + 1)
  return [here, deeper].filter((s) => s !== "").join(": ")
}

/**
 * A platform client error becomes a transport error; `sent` only when it may have left. A
 * status the client refused to hand over (a redirect it will not follow, `filterStatusOk`) is
 * an answer from the server: `DouyinHttpError`, as when the client returns that response.
 */
export const fromHttpClientError = (
  endpoint: string,
  error: HttpClientError.HttpClientError
): DouyinTransportError | DouyinHttpError => {
  if (error._tag === "ResponseError" && error.reason === "StatusCode") {
    return new DouyinHttpError({
      endpoint,
      status: error.response.status,
      description: causeText(error.cause) || error.description || "status refused by the HTTP client"
    })
  }
  if (error._tag === "RequestError") {
    const sent = error.reason === "Transport" && !provesNotSent(error.cause)
    return new DouyinTransportError({
      endpoint,
      sent,
      description: `${error.reason}: ${causeText(error.cause) || error.description || "request failed"}`
    })
  }
  // A ResponseError while reading the body: the connection broke after Douyin answered.
  return new DouyinTransportError({
    endpoint,
    sent: true,
    description: `${error.reason} while reading the response: ${causeText(error.cause) || error.description || ""}`
  })
}

/** A non-zero envelope code becomes its typed category error. */
export const codeError = (endpoint: string, status: Envelope.Status): DouyinCodeError => {
  const fields = defined({
    endpoint,
    code: status.code,
    subCode: status.subCode,
    description: status.description || ErrorCode.lookup(status.code)?.meaning || "",
    logId: status.logId,
    reason: ErrorCode.reauthorizationReason(status.code)
  })
  switch (ErrorCode.lookup(status.code)?.category) {
    case "auth":
      return new DouyinAuthError(fields)
    case "permission":
      return new DouyinPermissionError(fields)
    case "invalidParams":
      return new DouyinInvalidParams(fields)
    case "quota":
      return new DouyinQuotaError(fields)
    case "busy":
      return new DouyinBusyError(fields)
    default:
      return new DouyinApiError(fields)
  }
}

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (e) {
    return Either.left(e instanceof Error ? e.message : "invalid JSON")
  }
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export const retryAfterMillis = (header: string | undefined, now: number): number | undefined => {
  if (header === undefined || header === "") return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Where a redirect pointed, as an origin only (its path or query may carry anything). */
const redirectTarget = (location: string | undefined, base: string): string => {
  if (location === undefined || location === "") return "no Location"
  try {
    return new URL(location, base).origin
  } catch {
    return "an invalid Location"
  }
}

const isRedirect = (status: number) => status >= 300 && status < 400

const snippet = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat
}

/** The JSON of a successful envelope and its logid. */
export interface Answer {
  readonly body: unknown
  readonly logId: string | undefined
}

/**
 * Reads a response's body `text` into the JSON of a successful envelope, or a typed error:
 * a redirect → `DouyinHttpError` (Douyin's API never redirects, and a token must never follow
 * one to another origin: the client sends no second request), non-200 without envelope →
 * `DouyinHttpError` (an HTTP-date `Retry-After` read against `clock`), bad JSON or shape →
 * `DouyinDecodeError`, non-zero code → its category error.
 */
export const readEnvelope = (
  endpoint: string,
  kind: Envelope.Kind,
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  clock: Clock.Clock
): Either.Either<Answer, DouyinHttpError | DouyinDecodeError | DouyinCodeError> => {
  if (isRedirect(response.status)) {
    return Either.left(
      new DouyinHttpError({
        endpoint,
        status: response.status,
        description: `redirect to ${redirectTarget(response.headers["location"], response.request.url)} refused: ` +
          "Douyin's API does not redirect, and the token never follows one"
      })
    )
  }
  // Read only when the envelope has no logid of its own (a client may build its headers lazily).
  const headerLogId = () => response.headers["x-tt-logid"]
  const json = parseJson(text)
  const status = Either.flatMap(json, (body) => Envelope.status(kind, body))
  if (response.status !== 200) {
    if (Either.isRight(status) && status.right.code !== 0) return Either.left(codeError(endpoint, status.right))
    return Either.left(
      new DouyinHttpError(defined({
        endpoint,
        status: response.status,
        description: snippet(text) || "empty body",
        retryAfterMillis: retryAfterMillis(response.headers["retry-after"], clock.unsafeCurrentTimeMillis())
      }))
    )
  }
  if (Either.isLeft(json)) {
    return Either.left(
      new DouyinDecodeError(defined({ endpoint, description: `malformed JSON: ${json.left}`, logId: headerLogId() }))
    )
  }
  if (Either.isLeft(status)) {
    return Either.left(
      new DouyinDecodeError(defined({
        endpoint,
        description: `not a type-${kind} envelope: ${status.left}`,
        logId: Envelope.findLogId(json.right) ?? headerLogId()
      }))
    )
  }
  if (status.right.code !== 0) return Either.left(codeError(endpoint, status.right))
  return Either.right({ body: json.right, logId: status.right.logId ?? headerLogId() })
}

/** Human text for a duration in error messages. */
export const formatDuration = (d: Duration.Duration) => Duration.format(d)
