/**
 * Classifies a failure by whether Douyin acted on the request (docs/reliability.md#failure-classes-and-operation-classes), which,
 * together with the endpoint's idempotency class, decides whether a retry is safe.
 *
 * @since 0.1.0
 */
import type { DouyinError } from "./DouyinError.js"
import * as ErrorCode from "./ErrorCode.js"

/**
 * - `NotSent`: the request never left (refused, DNS, permit denied, invalid input)
 * - `Rejected`: Douyin refused without acting, and may accept soon (busy, 429, expired token)
 * - `Ambiguous`: it may have acted (timeout after write, reset mid-response, 5xx without envelope)
 * - `Definitive`: it acted, or will not within a backoff (any other code, 2190001 quota
 *   exhausted included, an undecodable 200, a redirect)
 *
 * @since 0.1.0
 * @category models
 */
export type FailureClass = "NotSent" | "Rejected" | "Ambiguous" | "Definitive"

/**
 * How an endpoint behaves when repeated: `read` and `convergent` endpoints may be retried
 * after an ambiguous failure, `unsafe` ones (create, send) never.
 *
 * @since 0.1.0
 * @category models
 */
export type Idempotency = "read" | "convergent" | "unsafe"

/**
 * @since 0.1.0
 * @category classification
 */
export const of = (error: DouyinError): FailureClass => {
  switch (error._tag) {
    case "DouyinInvalidInput":
    case "DouyinRateLimited":
    case "DouyinStoreError":
      return "NotSent"
    case "DouyinTransportError":
      return error.sent ? "Ambiguous" : "NotSent"
    case "DouyinOutcomeUnknown":
      return "Ambiguous"
    case "DouyinHttpError":
      return error.status === 429 ? "Rejected" : error.status >= 500 ? "Ambiguous" : "Definitive"
    case "DouyinBusyError":
      return "Rejected"
    // Quota exhaustion does not come back within a backoff (docs/reliability.md#failure-classes-and-operation-classes).
    case "DouyinQuotaError":
      return "Definitive"
    case "DouyinAuthError":
      return ErrorCode.isRefreshable(error.code) ? "Rejected" : "Definitive"
    case "DouyinDecodeError":
    case "DouyinPermissionError":
    case "DouyinInvalidParams":
    case "DouyinApiError":
      return "Definitive"
  }
}

/**
 * Whether this failure may be retried on an endpoint of this idempotency class (the table of
 * docs/reliability.md#failure-classes-and-operation-classes). Invalid input fails the same way every time, a fail-fast rate-limit
 * refusal was asked for, a token-store failure is bounded by the store itself, and token expiry has its own rule (refresh once, retry once), so
 * none of the three is retried here.
 *
 * @since 0.1.0
 * @category classification
 */
export const isRetryable = (error: DouyinError, idempotency: Idempotency): boolean => {
  switch (error._tag) {
    case "DouyinInvalidInput":
    case "DouyinRateLimited":
    case "DouyinStoreError":
    case "DouyinAuthError":
    case "DouyinOutcomeUnknown":
      return false
  }
  switch (of(error)) {
    case "NotSent":
    case "Rejected":
      return true
    case "Ambiguous":
      return idempotency !== "unsafe"
    case "Definitive":
      return false
  }
}
