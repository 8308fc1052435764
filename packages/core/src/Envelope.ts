/**
 * Schemas of Douyin's three response envelopes (docs/wire.md#response-envelopes) and the rule that
 * reads a status out of each: success ⇔ every code present is 0.
 *
 * - A: `{ data: { error_code, description }, extra: { …, logid }, <payload fields> }`
 * - B: `{ err_no, err_msg, log_id }`
 * - C: `{ data: { …token fields, error_code, description }, message, extra? }` (OAuth)
 * - D: `{ data: { error_code, description, <payload fields> }, extra }`: the status is read as
 *   for A, the payload is the `data` object (see {@link payload}), e.g. the mini-program card
 *   template endpoints
 *
 * Codes are accepted as numbers or numeric strings, the logid as `logid` or `log_id`,
 * unknown fields are ignored.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as parseIssue from "./internal/parseIssue.js"

/**
 * A code that arrives as a number or as a numeric string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Code = Schema.Union(Schema.Number, Schema.NumberFromString)

/**
 * A number that may arrive as a numeric string (OAuth samples do this).
 *
 * @since 0.1.0
 * @category schemas
 */
export const LenientNumber = Code

const OptionalCode = Schema.optional(Code)
const OptionalText = Schema.optional(Schema.NullOr(Schema.String))

/**
 * The `extra` object of envelopes A and C.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Extra = Schema.Struct({
  error_code: OptionalCode,
  description: OptionalText,
  sub_error_code: OptionalCode,
  sub_description: OptionalText,
  logid: OptionalText,
  log_id: OptionalText,
  now: OptionalCode
})

/**
 * The `data` object of envelope A.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Data = Schema.Struct({
  error_code: OptionalCode,
  description: OptionalText
})

/**
 * Envelope A: gateway envelope, payload fields are siblings of `data` and `extra`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnvelopeA = Schema.Struct({
  data: Schema.optional(Schema.NullOr(Data)),
  extra: Schema.optional(Schema.NullOr(Extra))
})

/**
 * Envelope B: `err_no` / `err_msg` / `log_id`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnvelopeB = Schema.Struct({
  err_no: Code,
  err_msg: OptionalText,
  log_id: OptionalText
})

/**
 * Envelope C: OAuth. Token fields live inside `data`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnvelopeC = Schema.Struct({
  data: Schema.Struct({
    error_code: OptionalCode,
    description: OptionalText,
    log_id: OptionalText
  }),
  message: OptionalText,
  extra: Schema.optional(Schema.NullOr(Extra))
})

/**
 * Which envelope an endpoint answers with.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "A" | "B" | "C" | "D"

/**
 * The outcome an envelope reports. `code` 0 means success.
 *
 * @since 0.1.0
 * @category models
 */
export interface Status {
  readonly code: number
  readonly subCode: number | undefined
  readonly description: string
  readonly logId: string | undefined
}

const text = (s: string | null | undefined) => (s === null || s === undefined || s === "" ? undefined : s)
const firstNonZero = (...codes: ReadonlyArray<number | undefined>) => codes.find((c) => c !== undefined && c !== 0) ?? 0

type Extra = typeof Extra.Type

const logIdOf = (extra: Extra | null | undefined): string | undefined => extra ? text(extra.logid) ?? text(extra.log_id) : undefined

const subCodeOf = (extra: Extra | null | undefined) =>
  extra?.sub_error_code !== undefined && extra.sub_error_code !== 0 ? extra.sub_error_code : undefined

const statusA = (e: typeof EnvelopeA.Type): Status => ({
  code: firstNonZero(e.data?.error_code, e.extra?.error_code),
  subCode: subCodeOf(e.extra),
  description: text(e.data?.description) ?? text(e.extra?.description) ?? text(e.extra?.sub_description) ?? "",
  logId: logIdOf(e.extra)
})

const statusB = (e: typeof EnvelopeB.Type): Status => ({
  code: e.err_no,
  subCode: undefined,
  description: text(e.err_msg) ?? "",
  logId: text(e.log_id)
})

const statusC = (e: typeof EnvelopeC.Type): Status => ({
  code: firstNonZero(e.data.error_code, e.extra?.error_code),
  subCode: subCodeOf(e.extra),
  description: text(e.data.description) ?? text(e.extra?.description) ?? text(e.message) ?? "",
  logId: text(e.data.log_id) ?? logIdOf(e.extra)
})

const decodeA = Schema.decodeUnknownEither(EnvelopeA)
const decodeB = Schema.decodeUnknownEither(EnvelopeB)
const decodeC = Schema.decodeUnknownEither(EnvelopeC)

// Nearly every answer is already in decoded form (codes are numbers, not numeric strings).
// Such a body is read directly: Schema would return the same fields, and costs a few µs and
// KB per call. Any other body goes through Schema, which decides and explains.

type Json = Record<string, unknown>
const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const isText = (u: unknown) => u === undefined || u === null || typeof u === "string"
const isCode = (u: unknown) => u === undefined || typeof u === "number"

/** The check of each field of a flat envelope object, read off its Schema. */
const checksOf = (fields: Schema.Struct.Fields): ReadonlyArray<readonly [string, (u: unknown) => boolean]> =>
  Object.entries(fields).map(([key, schema]) => {
    if (schema === Code || schema === OptionalCode) return [key, isCode]
    if (schema === OptionalText) return [key, isText]
    throw new Error(`Envelope: field ${key} has no decoded-form check`)
  })
const decodedForm = (fields: Schema.Struct.Fields) => {
  const checks = checksOf(fields)
  return (o: Json) => checks.every(([key, check]) => check(o[key]))
}
const optionalObject = (isDecoded: (o: Json) => boolean) => (u: unknown) => u === undefined || u === null || (isObject(u) && isDecoded(u))

const isDecodedExtra = optionalObject(decodedForm(Extra.fields))
const isDecodedData = optionalObject(decodedForm(Data.fields))
const isDecodedBFields = decodedForm(EnvelopeB.fields)
const isDecodedCData = decodedForm(EnvelopeC.fields.data.fields)

const isDecodedA = (b: Json): b is typeof EnvelopeA.Type => isDecodedData(b["data"]) && isDecodedExtra(b["extra"])
// `err_no` is required: absent, it is Schema's to refuse.
const isDecodedB = (b: Json): b is typeof EnvelopeB.Type => b["err_no"] !== undefined && isDecodedBFields(b)
const isDecodedC = (b: Json): b is typeof EnvelopeC.Type =>
  isObject(b["data"]) && isDecodedCData(b["data"]) && isText(b["message"]) && isDecodedExtra(b["extra"])

/**
 * Reads the status out of a parsed JSON body, or `Left` with a reason when the body is not
 * an envelope of that kind. A body already in decoded form (codes as numbers: nearly every
 * answer) is read directly; any other goes through the kind's Schema.
 *
 * @since 0.1.0
 * @category decoding
 */
export const status = (kind: Kind, body: unknown): Either.Either<Status, string> => {
  if (!isObject(body)) return Either.left("the body is not a JSON object")
  switch (kind) {
    case "A":
    case "D":
      return isDecodedA(body)
        ? Either.right(statusA(body))
        : Either.mapBoth(decodeA(body), { onLeft: parseIssue.describe, onRight: statusA })
    case "B":
      return isDecodedB(body)
        ? Either.right(statusB(body))
        : Either.mapBoth(decodeB(body), { onLeft: parseIssue.describe, onRight: statusB })
    case "C":
      return isDecodedC(body)
        ? Either.right(statusC(body))
        : Either.mapBoth(decodeC(body), { onLeft: parseIssue.describe, onRight: statusC })
  }
}

/**
 * Where the payload of a successful body of this kind is: the `data` object for D (the
 * payload sits beside `data.error_code`), the body itself for A, B and C. Said once, here:
 * an endpoint's success Schema reads what this returns.
 *
 * @example
 * ```ts
 * import { Envelope } from "@effect-douyin/core"
 *
 * Envelope.payload("D", { data: { error_code: 0, card_template_id: "@tpl" }, extra: {} })
 * // { error_code: 0, card_template_id: "@tpl" }
 * ```
 *
 * @since 0.3.0
 * @category decoding
 */
export const payload = (kind: Kind, body: unknown): unknown =>
  kind === "D" ? (isObject(body) && isObject(body["data"]) ? body["data"] : {}) : body

/**
 * Looks for a logid anywhere an envelope may put it, even in a body that decodes as no
 * envelope (for error reports).
 *
 * @since 0.1.0
 * @category decoding
 */
export const findLogId = (body: unknown): string | undefined => {
  if (typeof body !== "object" || body === null) return undefined
  const record = body as Record<string, unknown>
  const pick = (o: unknown): string | undefined => {
    if (typeof o !== "object" || o === null) return undefined
    const r = o as Record<string, unknown>
    const v = r["logid"] ?? r["log_id"]
    return typeof v === "string" && v !== "" ? v : undefined
  }
  return pick(record["extra"]) ?? pick(record) ?? pick(record["data"])
}
