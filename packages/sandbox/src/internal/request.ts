/**
 * What a route receives (the request's clock and log id, its decoded fields) and how it reads
 * and rejects them: a {@link Rejection} is the Douyin error code and description a route answers.
 */
import { Codes as C } from "./codes.js"

/** The request's clock and log id. */
export interface Ctx {
  readonly now: number
  readonly nowSeconds: number
  readonly logId: string
  /** The sandbox's lenient mode (unknown fields ignored). */
  readonly lenient: boolean
}

export type Body = Readonly<Record<string, unknown>>

export class Rejection {
  constructor(readonly code: number, readonly description: string) {}
}

export const invalid = (description: string) => new Rejection(C.invalidParameter, description)

export const isRejection = (u: unknown): u is Rejection => u instanceof Rejection

export const str = (body: Body, key: string): string | Rejection => {
  const v = body[key]
  return typeof v === "string" && v.trim() !== "" ? v : invalid(`${key} is required and must be a non-empty string`)
}

export const optStr = (body: Body, key: string): string | undefined | Rejection => {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  return typeof v === "string" ? v : invalid(`${key} must be a string`)
}

export const int = (value: unknown, key: string, allowed?: ReadonlyArray<number>): number | Rejection => {
  if (typeof value !== "number" || !Number.isInteger(value)) return invalid(`${key} must be an integer`)
  if (allowed !== undefined && !allowed.includes(value)) return invalid(`${key} must be one of ${allowed.join(", ")}`)
  return value
}

export const optInt = (body: Body, key: string, fallback: number, allowed?: ReadonlyArray<number>): number | Rejection =>
  body[key] === undefined || body[key] === null ? fallback : int(body[key], key, allowed)

export const queryInt = (query: Readonly<Record<string, string>>, key: string): number | undefined | Rejection => {
  const v = query[key]
  if (v === undefined || v === "") return undefined
  return /^-?\d+$/.test(v) ? Number(v) : invalid(`${key} must be an integer`)
}

/** The keys of `body` that are not in `known` (snake_case names as the wire has them). */
export const unknownFields = (body: Body, known: ReadonlyArray<string>): ReadonlyArray<string> =>
  Object.keys(body).filter((k) => !known.includes(k))
