/**
 * The consent page URL (`GET /platform/oauth/connect/`), built from checked input. The
 * parameters are written in the documented order (client_key, response_type, scope,
 * optionalScope, redirect_uri, state, comment_id), each value percent-encoded, except the
 * commas that separate scopes, which are written as they are (a reserved character allowed in
 * a query; Douyin's own samples write them so).
 */
import * as Either from "effect/Either"
import { DouyinInvalidInput } from "../DouyinError.js"

export const endpoint = "oauth/Authorize"
export const path = "/platform/oauth/connect/"

/** Longest `state` accepted (characters). */
export const maxStateLength = 1024

/** A scope name: letters, digits, `.` and `_` (never a comma, which separates scopes). */
const scopePattern = /^[A-Za-z0-9_.]+$/

export interface OptionalScope {
  readonly scope: string
  /** Checked on the consent page by default (`,1`) or not (`,0`). */
  readonly checked: boolean
}

export interface Input {
  readonly baseUrl: string
  readonly clientKey: string
  readonly redirectUri: string
  readonly state: string
  readonly scopes: ReadonlyArray<string>
  readonly optionalScopes?: ReadonlyArray<OptionalScope> | undefined
  readonly commentId?: string | undefined
}

const invalid = (description: string) => Either.left(new DouyinInvalidInput({ endpoint, description }))

const checkScopes = (what: string, scopes: ReadonlyArray<string>): string | undefined => {
  for (const scope of scopes) {
    if (!scopePattern.test(scope)) {
      return `${what} ${JSON.stringify(scope)} is not a scope name (letters, digits, "." and "_")`
    }
  }
  return undefined
}

const isHttpUrl = (s: string): boolean => {
  try {
    const url = new URL(s)
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== ""
  } catch {
    return false
  }
}

// Percent-encodes a value and keeps the commas that separate a list.
const list = (values: ReadonlyArray<string>) => values.map(encodeURIComponent).join(",")

export const build = (input: Input): Either.Either<string, DouyinInvalidInput> => {
  if (input.clientKey.trim() === "") return invalid("client_key is empty")
  if (input.redirectUri.trim() === "") return invalid("redirectUri is empty")
  if (!isHttpUrl(input.redirectUri)) return invalid("redirectUri must be an absolute http(s) URL")
  if (input.state === "") return invalid("state is empty: pass the state that guards the callback")
  if (input.state.length > maxStateLength) {
    return invalid(`state is ${input.state.length} characters long; at most ${maxStateLength}`)
  }
  if (input.scopes.length === 0) return invalid("the scope list is empty: name at least one scope")
  const optional = input.optionalScopes ?? []
  const bad = checkScopes("scope", input.scopes) ?? checkScopes("optional scope", optional.map((o) => o.scope))
  if (bad !== undefined) return invalid(bad)
  if (input.commentId !== undefined && input.commentId.trim() === "") return invalid("commentId is empty")
  const required = [...new Set(input.scopes)]
  const params = [
    `client_key=${encodeURIComponent(input.clientKey)}`,
    "response_type=code",
    `scope=${list(required)}`,
    ...(optional.length === 0 ? [] : [`optionalScope=${list(optional.flatMap((o) => [o.scope, o.checked ? "1" : "0"]))}`]),
    `redirect_uri=${encodeURIComponent(input.redirectUri)}`,
    `state=${encodeURIComponent(input.state)}`,
    ...(input.commentId === undefined ? [] : [`comment_id=${encodeURIComponent(input.commentId)}`])
  ]
  return Either.right(`${input.baseUrl.replace(/\/+$/, "")}${path}?${params.join("&")}`)
}
