/**
 * The `access-token` check of the IM routes: registered and issued tokens are checked against
 * their `open_id` and expiry; an unknown token passes unless tokens are strict or the `open_id`
 * has registered ones.
 */
import { ErrorCode } from "@effect-douyin/core"
import * as HashMap from "effect/HashMap"
import type { State, TokenEntry } from "./model.js"
import { Rejection } from "./request.js"

const C = ErrorCode.Codes

export const checkToken = (state: State, openId: string, token: string | undefined, now: number): Rejection | undefined => {
  if (token === undefined || token.trim() === "") {
    return new Rejection(C.accessTokenInvalid, "access-token header is missing")
  }
  const entry = HashMap.get(state.tokens, token)
  if (entry._tag === "Some") {
    const e: TokenEntry = entry.value
    if (e.openId !== openId) return new Rejection(C.openIdMismatch, "access_token does not belong to open_id")
    if (e.revoked || (e.expiresAt !== undefined && now >= e.expiresAt)) {
      return new Rejection(C.accessTokenExpired, "access_token expired")
    }
    return undefined
  }
  const registered = HashMap.some(state.tokens, (e) => e.openId === openId)
  if (state.config.strictTokens || registered) return new Rejection(C.accessTokenInvalid, "access_token invalid")
  return undefined
}
