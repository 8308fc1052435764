/**
 * The faults a test injects, built: busy, expired token, dropped connection, bare HTTP status,
 * latency (documented where the public module re-exports them).
 */
import * as Duration from "effect/Duration"
import type { Fault, FaultKind } from "./model.js"

export interface FaultOptions {
  /** How many matching requests it affects (default 1). */
  readonly times?: number | undefined
  /** `"POST /im/send/msg/group/"` or `"/im/send/msg/group/"`; default every route. */
  readonly route?: string | undefined
}

export const fault = (kind: FaultKind, options: FaultOptions | undefined, rest: Partial<Fault> = {}): Fault => ({
  kind,
  times: options?.times ?? 1,
  route: options?.route,
  executed: true,
  status: 0,
  body: "",
  millis: 0,
  ...rest
})

export const busy = (options?: FaultOptions): Fault => fault("Busy", options)

export const tokenExpired = (options?: FaultOptions): Fault => fault("TokenExpired", options)

export const dropConnection = (options?: FaultOptions & { readonly executed?: boolean | undefined }): Fault =>
  fault("Drop", options, { executed: options?.executed ?? true })

const statusText: Readonly<Record<number, string>> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

export const httpStatus = (
  status: number,
  options?: FaultOptions & {
    readonly body?: string | undefined
    readonly retryAfter?: Duration.DurationInput | undefined
  }
): Fault =>
  fault("HttpStatus", options, {
    status,
    body: options?.body ?? `<html><body><h1>${status} ${statusText[status] ?? "Error"}</h1></body></html>`,
    millis: options?.retryAfter === undefined ? 0 : Duration.toMillis(Duration.decode(options.retryAfter))
  })

export const latency = (duration: Duration.DurationInput, options?: FaultOptions): Fault =>
  fault("Latency", { times: Infinity, ...options }, { millis: Duration.toMillis(Duration.decode(duration)) })
