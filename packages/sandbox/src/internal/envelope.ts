/**
 * Response bodies with the shapes of the recorded samples (docs/wire.md#recorded-samples).
 */
import type { Outcome } from "./model.js"

const jsonReply = (body: unknown, logId: string, status = 200): Outcome => ({
  _tag: "Reply",
  status,
  headers: { "content-type": "application/json", "x-tt-logid": logId },
  body: JSON.stringify(body)
})

/** Shape A success: `extra`, `data`, then the payload at the top level (samples 1–6). */
export const successA = (payload: Record<string, unknown>, logId: string, nowSeconds: number): Outcome =>
  jsonReply({
    extra: { error_code: 0, description: "", sub_error_code: 0, sub_description: "", now: nowSeconds, logid: logId },
    data: { error_code: 0, description: "" },
    ...payload
  }, logId)

/** Shape A failure (sample 8: note the `log_id` spelling inside `extra`). */
export const errorA = (code: number, description: string, logId: string, nowSeconds: number): Outcome =>
  jsonReply({
    data: { error_code: code, description },
    extra: { error_code: code, description, sub_error_code: 0, sub_description: "", now: nowSeconds, log_id: logId }
  }, logId)

/** Shape B (sample 7). */
export const replyB = (code: number, message: string, logId: string): Outcome =>
  jsonReply({ err_no: code, err_msg: message, log_id: logId }, logId)

/** Shape C success (samples 9–10). */
export const successC = (data: Record<string, unknown>, logId: string): Outcome =>
  jsonReply({ data: { ...data, description: "", error_code: 0, log_id: logId }, message: "success" }, logId)

/** Shape C failure. */
export const errorC = (code: number, description: string, logId: string, nowSeconds: number): Outcome =>
  jsonReply({
    data: { description, error_code: code },
    extra: { logid: logId, now: nowSeconds },
    message: "error"
  }, logId)

/** A non-envelope answer, like a gateway page. */
export const raw = (
  status: number,
  body: string,
  contentType = "text/html",
  extraHeaders: Readonly<Record<string, string>> = {}
): Outcome => ({
  _tag: "Reply",
  status,
  headers: { "content-type": contentType, ...extraHeaders },
  body
})
