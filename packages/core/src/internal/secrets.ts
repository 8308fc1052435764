/**
 * Keeps secrets out of error text. OAuth bodies carry tokens and the requests carry the
 * client secret, the authorization code and the refresh token; a fan-group request carries
 * the access token. A server (an error description, a gateway's HTML page, a payload field),
 * a JSON parser or a Schema error may echo any of them, so every error of an HTTP attempt, on
 * every path, passes through {@link scrubError} before anything renders it (message, span,
 * log, `DouyinOutcomeUnknown`'s description).
 */
import * as ParseResult from "effect/ParseResult"
import type { DouyinCodeError, DouyinDecodeError, DouyinHttpError, DouyinTransportError } from "../DouyinError.js"

// Global regexes carry `lastIndex`; each use builds its own so no state is shared.
/** Anything shaped like a Douyin token (`act.`, `rft.`, `clt.`, `bus_act.` …). */
const tokenLike = () => /\b(?:act|rft|clt|bus_act|bus_rft)\.[^\s"'&,;<>)}\]]+/g

/** Fields whose values are secrets, as form pairs (`code=…`) or JSON members (`"code": "…"`). */
const secretFields = "client_secret|code|access_token|refresh_token|ticket"
const formField = () => new RegExp(`\\b(${secretFields})=[^&\\s"'<>]*`, "g")
const jsonField = () => new RegExp(`"(${secretFields})"\\s*:\\s*"(?:[^"\\\\]|\\\\.)*"`, "g")

/**
 * Replaces every known secret value, every secret-named field's value and anything
 * token-like with `<redacted>`.
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
    .replace(formField(), "$1=<redacted>")
    .replace(jsonField(), "\"$1\": \"<redacted>\"")
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("<redacted>")
  }
  return out.replace(tokenLike(), "<redacted>")
}

/**
 * A Schema failure as the paths that failed and why, never the values found there
 * (a ParseError message echoes the actual value, which may be a token).
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const parts = issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(root)"
    return `${path}: ${issue._tag === "Missing" ? "missing" : "invalid"}`
  })
  return [...new Set(parts)].join(", ")
}

type AttemptFailure = DouyinTransportError | DouyinHttpError | DouyinDecodeError | DouyinCodeError

/**
 * What to do with the detail of a decode error: `"withhold"` keeps only its kind (an OAuth
 * body holds *new* tokens, which no list of known secrets can name), `"scrub"` keeps the
 * detail with the known secrets and anything token-like replaced.
 */
export type DecodeDetail = "withhold" | "scrub"

/**
 * The same error with a description that holds no secret.
 */
export const scrubError = <E extends AttemptFailure>(
  error: E,
  secrets: ReadonlyArray<string>,
  decodeDetail: DecodeDetail = "withhold"
): E => {
  const description = error._tag === "DouyinDecodeError" && decodeDetail === "withhold"
    ? withoutDetail(error.description)
    : scrub(error.description, secrets)
  if (description === error.description) return error
  const { _tag, ...fields } = error as unknown as { readonly _tag: string } & Record<string, unknown>
  const Ctor = error.constructor as new(fields: Record<string, unknown>) => E
  return new Ctor({ ...fields, description })
}

// "malformed JSON: Unexpected token … \"act.…\"" → "malformed JSON"
const withoutDetail = (description: string) => {
  const i = description.indexOf(":")
  return i < 0 ? description : `${description.slice(0, i)} (detail withheld: the body may hold secrets)`
}
