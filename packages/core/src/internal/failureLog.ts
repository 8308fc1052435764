/**
 * The one log line per failed call: a level that fits the failure, and the fields an on-call
 * engineer searches by (endpoint, code, logid, client request id). Error messages never hold a
 * token (secrets are scrubbed where errors are built), and no other value reaches the line.
 */
import * as Effect from "effect/Effect"
import * as LogLevel from "effect/LogLevel"
import type { DouyinError } from "../DouyinError.js"

/**
 * Warning: someone has to act (an unsafe call may have reached people; a creator's token or
 * scope is lost; Douyin answered something the SDK cannot read; retries were cut by the
 * budget). Info: every other final failure (busy after retries, quota, parameters…).
 * Retried attempts are logged at debug by the retry policy.
 */
export const levelOf = (error: DouyinError): LogLevel.LogLevel => {
  switch (error._tag) {
    case "DouyinOutcomeUnknown":
    case "DouyinAuthError":
    case "DouyinPermissionError":
    case "DouyinDecodeError":
      return LogLevel.Warning
    default:
      return "retryBudgetExhausted" in error && error.retryBudgetExhausted === true ? LogLevel.Warning : LogLevel.Info
  }
}

/** The searchable fields of a failure (no secret among them). */
export const annotationsOf = (error: DouyinError): Record<string, string | number> => {
  const fields: Record<string, string | number> = { "douyin.endpoint": error.endpoint, "error.type": error._tag }
  if ("code" in error) fields["douyin.code"] = error.code
  if ("status" in error) fields["http.response.status_code"] = error.status
  if ("logId" in error && error.logId !== undefined) fields["douyin.logid"] = error.logId
  return fields
}

/** Logs a failed call of the client request `clientRequestId`. */
export const logFailure = (clientRequestId: string, error: DouyinError): Effect.Effect<void> =>
  // One string: an OpenTelemetry log record (and a span event) is named by the whole message.
  Effect.logWithLevel(levelOf(error), `douyin call failed: ${error.message}`).pipe(
    Effect.annotateLogs({ ...annotationsOf(error), "douyin.client_request_id": clientRequestId })
  )
