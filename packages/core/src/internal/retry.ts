/**
 * Helpers of the retry policy: the server's `Retry-After` hint and marking an error with
 * `retryBudgetExhausted`.
 */
import type { AttemptError } from "../DouyinClient.js"
import {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  type DouyinCodeError,
  DouyinHttpError,
  DouyinInvalidParams,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinTransportError
} from "../DouyinError.js"
import { defined } from "./defined.js"

/** The server's hint (`Retry-After`) in milliseconds, or 0. */
export const retryAfter = (error: AttemptError): number =>
  "retryAfterMillis" in error && typeof error.retryAfterMillis === "number" && Number.isFinite(error.retryAfterMillis)
    ? Math.max(0, error.retryAfterMillis)
    : 0

const apiFields = (e: DouyinCodeError) =>
  defined({
    endpoint: e.endpoint,
    code: e.code,
    subCode: e.subCode,
    description: e.description,
    logId: e.logId,
    retryBudgetExhausted: true
  })

/**
 * The same error, saying that it was not retried because the retry budget was spent.
 * Errors that are never retried carry no such field and are returned as they are.
 */
export const markBudgetExhausted = (error: AttemptError): AttemptError => {
  switch (error._tag) {
    case "DouyinTransportError":
      return new DouyinTransportError({
        endpoint: error.endpoint,
        sent: error.sent,
        description: error.description,
        retryBudgetExhausted: true
      })
    case "DouyinHttpError":
      return new DouyinHttpError(defined({
        endpoint: error.endpoint,
        status: error.status,
        description: error.description,
        retryAfterMillis: error.retryAfterMillis,
        retryBudgetExhausted: true
      }))
    case "DouyinAuthError":
      return new DouyinAuthError(apiFields(error))
    case "DouyinPermissionError":
      return new DouyinPermissionError(apiFields(error))
    case "DouyinInvalidParams":
      return new DouyinInvalidParams(apiFields(error))
    case "DouyinQuotaError":
      return new DouyinQuotaError(apiFields(error))
    case "DouyinBusyError":
      return new DouyinBusyError(apiFields(error))
    case "DouyinApiError":
      return new DouyinApiError(apiFields(error))
    default:
      return error
  }
}
