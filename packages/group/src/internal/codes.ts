/**
 * The Douyin codes the fan-group endpoints document (docs/wire.md#error-codes), said once.
 */
import { ErrorCode } from "@effect-douyin/core"

/** Documented by every fan-group endpoint. */
export const commonCodes: ReadonlyArray<number> = [
  ErrorCode.Codes.invalidParameter,
  ErrorCode.Codes.noPermission,
  ErrorCode.Codes.accessTokenInvalid,
  ErrorCode.Codes.accessTokenExpired,
  ErrorCode.Codes.systemBusy
]

/** Documented by the endpoints that spend a quota (create, send). */
export const quotaCodes: ReadonlyArray<number> = [...commonCodes, ErrorCode.Codes.quotaExhausted]
