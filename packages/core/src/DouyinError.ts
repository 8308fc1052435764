/**
 * The error taxonomy (design §5). Every failure a call can raise is one of these
 * `Schema.TaggedError` classes, so callers `catchTag` on them. Messages carry the
 * endpoint, the Douyin code and the logid; never a token or secret.
 *
 * @since 0.1.0
 */
import type * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as parseIssue from "./internal/parseIssue.js"

const logSuffix = (logId: string | undefined) => (logId === undefined ? "" : `, logid ${logId}`)

/**
 * Why a creator must authorize the app (again), for a program to match on:
 * - `never-authorized`: no token is stored for this `client_key` + `open_id`;
 * - `refresh-token-expired`: the refresh token ran out (10010);
 * - `revoked`: Douyin refused a refresh token before its known expiry (the creator withdrew
 *   the authorization);
 * - `scope-not-granted`: the creator did not grant the scope the call needs (2190003);
 * - `renewal-refused`: Douyin refused to renew the refresh token (10004 no permission, 10020
 *   renewals used up); calls work until it expires.
 *
 * @since 0.4.0
 * @category models
 */
export const ReauthorizationReason = Schema.Literal(
  "never-authorized",
  "refresh-token-expired",
  "revoked",
  "scope-not-granted",
  "renewal-refused"
)

/**
 * @since 0.4.0
 * @category models
 */
export type ReauthorizationReason = typeof ReauthorizationReason.Type

/** Fields every error decoded from a Douyin envelope carries. */
const ApiFields = {
  /** Set when only a (new) authorization by the creator clears this error. */
  reason: Schema.optional(ReauthorizationReason),
  endpoint: Schema.String,
  code: Schema.Number,
  subCode: Schema.optional(Schema.Number),
  description: Schema.String,
  logId: Schema.optional(Schema.String),
  /** Set by the retry policy when it stopped because the shared retry budget was spent. */
  retryBudgetExhausted: Schema.optional(Schema.Boolean)
}

const apiMessage = (self: {
  readonly endpoint: string
  readonly code: number
  readonly subCode?: number | undefined
  readonly description: string
  readonly logId?: string | undefined
  readonly retryBudgetExhausted?: boolean | undefined
  readonly reason?: ReauthorizationReason | undefined
}) =>
  `${self.endpoint}: Douyin error ${self.code}` +
  (self.reason === undefined ? "" : ` [${self.reason}]`) +
  (self.subCode !== undefined && self.subCode !== 0 ? `/${self.subCode}` : "") +
  ` (${self.description || "no description"}${logSuffix(self.logId)})` +
  (self.retryBudgetExhausted === true ? "; not retried: retry budget exhausted" : "")

/**
 * The input failed the endpoint's request Schema. Nothing was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinInvalidInput extends Schema.TaggedError<DouyinInvalidInput>()("DouyinInvalidInput", {
  endpoint: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `${this.endpoint}: invalid input, nothing was sent: ${this.description}`
  }
}

/**
 * No response arrived: connection refused or reset, DNS failure, or a timeout.
 * `sent` is `false` when the request certainly never reached Douyin.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinTransportError extends Schema.TaggedError<DouyinTransportError>()("DouyinTransportError", {
  endpoint: Schema.String,
  sent: Schema.Boolean,
  description: Schema.String,
  retryBudgetExhausted: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return `${this.endpoint}: transport failure (${this.sent ? "request may have been sent" : "request not sent"}): ${this.description}` +
      (this.retryBudgetExhausted === true ? "; not retried: retry budget exhausted" : "")
  }
}

/**
 * What an `unsafe` request carried, for reconciliation. Never holds a token.
 *
 * @since 0.1.0
 * @category models
 */
export const SentRequest = Schema.Struct({
  method: Schema.String,
  path: Schema.String,
  query: Schema.Record({ key: Schema.String, value: Schema.String }),
  body: Schema.optional(Schema.Unknown)
})

/**
 * @since 0.1.0
 * @category models
 */
export type SentRequest = typeof SentRequest.Type

/**
 * An `unsafe` call (create, send) failed after the request may have reached Douyin
 * (timeout after write, reset, 5xx without an envelope). It was not retried, because a
 * retry could duplicate the group or the message. Reconcile with `clientRequestId` and `request`.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinOutcomeUnknown extends Schema.TaggedError<DouyinOutcomeUnknown>()("DouyinOutcomeUnknown", {
  endpoint: Schema.String,
  clientRequestId: Schema.String,
  request: SentRequest,
  description: Schema.String,
  logId: Schema.optional(Schema.String)
}) {
  override get message() {
    return `${this.endpoint}: outcome unknown for client request ${this.clientRequestId} ` +
      `(${this.request.method} ${this.request.path}): ${this.description}${logSuffix(this.logId)}; not retried`
  }
}

/**
 * A non-200 status with no decodable envelope.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinHttpError extends Schema.TaggedError<DouyinHttpError>()("DouyinHttpError", {
  endpoint: Schema.String,
  status: Schema.Number,
  description: Schema.String,
  retryAfterMillis: Schema.optional(Schema.Number),
  retryBudgetExhausted: Schema.optional(Schema.Boolean)
}) {
  override get message() {
    return `${this.endpoint}: HTTP ${this.status}: ${this.description}` +
      (this.retryBudgetExhausted === true ? "; not retried: retry budget exhausted" : "")
  }
}

/**
 * HTTP 200, but the body matches no envelope or the endpoint's success Schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinDecodeError extends Schema.TaggedError<DouyinDecodeError>()("DouyinDecodeError", {
  endpoint: Schema.String,
  description: Schema.String,
  logId: Schema.optional(Schema.String)
}) {
  override get message() {
    return `${this.endpoint}: undecodable response: ${this.description}${logSuffix(this.logId)}`
  }
}

/**
 * The access token is invalid or expired (2190002, 2190008, 10008, 28001003…), or an OAuth
 * credential is (10007, 10010, 10013).
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinAuthError extends Schema.TaggedError<DouyinAuthError>()("DouyinAuthError", ApiFields) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * Scope, capability or ownership is missing (2100007, 2190003, 2190004, 2190015…).
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinPermissionError extends Schema.TaggedError<DouyinPermissionError>()(
  "DouyinPermissionError",
  ApiFields
) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * Douyin rejected the parameters (2100005, 2100006…).
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinInvalidParams extends Schema.TaggedError<DouyinInvalidParams>()("DouyinInvalidParams", ApiFields) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * A quota is spent (2190001; 10020 on OAuth).
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinQuotaError extends Schema.TaggedError<DouyinQuotaError>()("DouyinQuotaError", ApiFields) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * Douyin is busy (2100004, 10001, 28005002): transient, retried by the retry policy.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinBusyError extends Schema.TaggedError<DouyinBusyError>()("DouyinBusyError", ApiFields) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * Any other non-zero code: always typed, never a defect.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinApiError extends Schema.TaggedError<DouyinApiError>()("DouyinApiError", ApiFields) {
  override get message() {
    return apiMessage(this)
  }
}

/**
 * The rate-limit policy refused a permit in fail-fast mode. Nothing was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class DouyinRateLimited extends Schema.TaggedError<DouyinRateLimited>()("DouyinRateLimited", {
  endpoint: Schema.String,
  limit: Schema.String,
  retryAfterMillis: Schema.Number
}) {
  override get message() {
    return `${this.endpoint}: rate limit ${this.limit} reached, nothing was sent; retry after ${this.retryAfterMillis} ms`
  }
}

/**
 * The SDK's own state store (tokens in memory, a file or Redis; rate-limit windows in Redis)
 * failed, e.g. Redis is down or the token directory is read-only. Nothing was sent to Douyin. Not retried within the
 * call: the store bounds its own waits, and the next call tries it again.
 *
 * @since 0.2.0
 * @category errors
 */
export class DouyinStoreError extends Schema.TaggedError<DouyinStoreError>()("DouyinStoreError", {
  endpoint: Schema.String,
  /** Which store: `memory`, `file`, `redis` (tokens), `redis rate-limit`, or a custom one. */
  store: Schema.String,
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `${this.endpoint}: ${this.store} store ${this.operation} failed, nothing was sent: ${this.description}`
  }
}

/**
 * The errors decoded from a Douyin business code.
 *
 * @since 0.1.0
 * @category models
 */
export type DouyinCodeError =
  | DouyinAuthError
  | DouyinPermissionError
  | DouyinInvalidParams
  | DouyinQuotaError
  | DouyinBusyError
  | DouyinApiError

/**
 * What any endpoint call can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type DouyinCommonError =
  | DouyinInvalidInput
  | DouyinTransportError
  | DouyinHttpError
  | DouyinDecodeError
  | DouyinRateLimited
  | DouyinStoreError
  | DouyinCodeError

/**
 * What a `read` endpoint call can fail with (count, lists): everything but
 * `DouyinOutcomeUnknown`, since a read that may have reached Douyin changed nothing and is
 * simply retried or reported as the failure it was.
 *
 * @example
 * ```ts
 * import type { DouyinError } from "@effect-douyin/core"
 * import type { Effect } from "effect"
 *
 * type Count = Effect.Effect<number, DouyinError.ReadError>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ReadError = DouyinCommonError

/**
 * What a `convergent` endpoint call can fail with (recall, settings, review): repeating it
 * ends in the same state, so an ambiguous failure is retried, never `DouyinOutcomeUnknown`.
 *
 * @example
 * ```ts
 * import type { DouyinError } from "@effect-douyin/core"
 * import type { Effect } from "effect"
 *
 * type Recall = Effect.Effect<void, DouyinError.ConvergentError>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ConvergentError = DouyinCommonError

/**
 * What an `unsafe` endpoint call can fail with (create, send): also `DouyinOutcomeUnknown`,
 * when the request may have reached Douyin and a retry could act twice.
 *
 * @example
 * ```ts
 * import type { DouyinError } from "@effect-douyin/core"
 * import type { Effect } from "effect"
 *
 * type Send = Effect.Effect<{ readonly msgId: string }, DouyinError.UnsafeError>
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type UnsafeError = DouyinCommonError | DouyinOutcomeUnknown

/**
 * Every error of the SDK.
 *
 * @since 0.1.0
 * @category models
 */
export type DouyinError = DouyinCommonError | DouyinOutcomeUnknown

const tags: ReadonlySet<string> = new Set([
  "DouyinInvalidInput",
  "DouyinTransportError",
  "DouyinOutcomeUnknown",
  "DouyinHttpError",
  "DouyinDecodeError",
  "DouyinAuthError",
  "DouyinPermissionError",
  "DouyinInvalidParams",
  "DouyinQuotaError",
  "DouyinBusyError",
  "DouyinApiError",
  "DouyinRateLimited",
  "DouyinStoreError"
])

/**
 * @since 0.1.0
 * @category guards
 */
export const isDouyinError = (u: unknown): u is DouyinError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag)

/**
 * A Schema failure as the short text the SDK puts in `description`: `path: what was wrong`
 * for the first few issues, e.g. `data.open_id: missing; data.expires_in: invalid (expected
 * number, got string)`. It never prints the value found (which may be a token, or nested
 * thousands of levels deep), and its length and cost are bounded whatever the input. Use it
 * for your own Schema failures to keep the same guarantees.
 *
 * @example
 * ```ts
 * import { DouyinError } from "@effect-douyin/core"
 * import { Either, Schema } from "effect"
 *
 * const result = Schema.decodeUnknownEither(Schema.Struct({ open_id: Schema.String }))({})
 * if (Either.isLeft(result)) console.log(DouyinError.describeParseError(result.left)) // "open_id: missing"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const describeParseError: (error: ParseResult.ParseError | ParseResult.ParseIssue) => string = parseIssue.describe
