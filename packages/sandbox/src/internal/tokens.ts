/**
 * The `access-token` check of the IM routes, as Douyin does it: a token must have been issued
 * (OAuth) or registered (admin) for the request's `open_id` (2190002 otherwise, 2190015 when it
 * belongs to another `open_id`, 2190008 once expired, 2190002 once the creator revoked the
 * authorization: the token is no longer valid). The lenient mode, only by its explicit
 * option, lets any non-empty token through for an `open_id` that has none registered.
 */
import * as HashMap from "effect/HashMap"
import { Codes as C } from "./codes.js"
import type { State, TokenEntry } from "./model.js"
import { Rejection } from "./request.js"

export const checkToken = (state: State, openId: string, token: string | undefined, now: number): Rejection | undefined => {
  if (token === undefined || token.trim() === "") {
    return new Rejection(C.accessTokenInvalid, "access-token header is missing")
  }
  const entry = HashMap.get(state.tokens, token)
  if (entry._tag === "Some") {
    const e: TokenEntry = entry.value
    if (e.openId !== openId) return new Rejection(C.openIdMismatch, "access_token does not belong to open_id")
    if (e.revoked) return new Rejection(C.accessTokenInvalid, "access_token invalid (authorization revoked)")
    if (e.expiresAt !== undefined && now >= e.expiresAt) {
      return new Rejection(C.accessTokenExpired, "access_token expired")
    }
    return undefined
  }
  const registered = HashMap.some(state.tokens, (e) => e.openId === openId)
  if (!state.config.lenient || registered) return new Rejection(C.accessTokenInvalid, "access_token invalid")
  return undefined
}
