/**
 * The OAuth routes (shape C): exchange an authorization code for tokens (single use), and
 * refresh, which keeps and extends a live access token or replaces an expired one.
 */
import { ErrorCode } from "@effect-douyin/core"
import * as HashMap from "effect/HashMap"
import * as envelope from "./envelope.js"
import { nextSeq, pad } from "./ids.js"
import type { Outcome, State } from "./model.js"
import { type Body, type Ctx, isRejection, Rejection, str } from "./request.js"

const C = ErrorCode.Codes

export type OAuthHandled = readonly [Outcome, State]

/** An OAuth route: its fields are the query and the form or JSON body, merged. */
export type OAuthRoute = (state: State, fields: Body, ctx: Ctx) => OAuthHandled

const oauthError = (ctx: Ctx, state: State, code: number, description: string): OAuthHandled => [
  envelope.errorC(code, description, ctx.logId, ctx.nowSeconds),
  state
]

const issueTokens = (state0: State, ctx: Ctx, openId: string, scope: string): OAuthHandled => {
  const [seq, state] = nextSeq(state0)
  const cfg = state.config
  const accessToken = `act.sandbox${pad(seq, 8)}`
  const refreshToken = `rft.sandbox${pad(seq, 8)}`
  return [
    envelope.successC({
      access_token: accessToken,
      expires_in: Math.floor(cfg.accessTokenLifetimeMillis / 1000),
      open_id: openId,
      refresh_token: refreshToken,
      refresh_expires_in: Math.floor(cfg.refreshTokenLifetimeMillis / 1000),
      scope
    }, ctx.logId),
    {
      ...state,
      tokens: HashMap.set(state.tokens, accessToken, {
        token: accessToken,
        openId,
        expiresAt: ctx.now + cfg.accessTokenLifetimeMillis,
        revoked: false
      }),
      refreshTokens: HashMap.set(state.refreshTokens, refreshToken, {
        refreshToken,
        openId,
        accessToken,
        expiresAt: ctx.now + cfg.refreshTokenLifetimeMillis,
        scope
      })
    }
  ]
}

const checkClient = (state: State, fields: Body, withSecret: boolean): Rejection | undefined => {
  const key = str(fields, "client_key")
  if (isRejection(key)) return new Rejection(C.oauthParameterError, "client_key is required")
  const cfg = state.config
  if (cfg.clientKey !== undefined && key !== cfg.clientKey) {
    return new Rejection(C.oauthParameterError, "client_key invalid")
  }
  if (withSecret) {
    const secret = str(fields, "client_secret")
    if (isRejection(secret)) return new Rejection(C.oauthParameterError, "client_secret is required")
    if (cfg.clientSecret !== undefined && secret !== cfg.clientSecret) {
      return new Rejection(C.oauthParameterError, "client_key or client_secret wrong")
    }
  }
  return undefined
}

/** What both grants check first: the client, then the grant type. An error answer, or undefined. */
export const checkGrant = (
  state: State,
  fields: Body,
  ctx: Ctx,
  grantType: string,
  withSecret: boolean
): OAuthHandled | undefined => {
  const client = checkClient(state, fields, withSecret)
  if (client) return oauthError(ctx, state, client.code, client.description)
  if (fields["grant_type"] !== grantType) {
    return oauthError(ctx, state, C.oauthParameterError, `grant_type must be ${grantType}`)
  }
  return undefined
}

/** A string field, or "" (which no code or token matches). */
const field = (fields: Body, key: string): string => typeof fields[key] === "string" ? fields[key] : ""

const accessTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const rejected = checkGrant(state, fields, ctx, "authorization_code", true)
  if (rejected) return rejected
  const code = field(fields, "code")
  const entry = HashMap.get(state.authCodes, code)
  // A code never issued is a parameter error; one issued that expired (10 minutes) or was used
  // (single use) gets Douyin's 10007.
  if (entry._tag === "None") return oauthError(ctx, state, C.oauthParameterError, "authorization code invalid")
  if (ctx.now >= entry.value.expiresAt) {
    return oauthError(ctx, state, C.authorizationCodeExpired, "authorization code expired or used")
  }
  // Single use: kept, expired from now on.
  const used = { ...state, authCodes: HashMap.set(state.authCodes, code, { ...entry.value, expiresAt: ctx.now }) }
  return issueTokens(used, ctx, entry.value.openId, entry.value.scope)
}

const refreshTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const rejected = checkGrant(state, fields, ctx, "refresh_token", false)
  if (rejected) return rejected
  const refreshToken = field(fields, "refresh_token")
  const entry = HashMap.get(state.refreshTokens, refreshToken)
  if (entry._tag === "None") return oauthError(ctx, state, C.oauthParameterError, "refresh_token invalid")
  const r = entry.value
  if (ctx.now >= r.expiresAt) return oauthError(ctx, state, C.refreshTokenExpired, "refresh_token expired")
  const cfg = state.config
  const current = HashMap.get(state.tokens, r.accessToken)
  const alive = current._tag === "Some" && !current.value.revoked &&
    (current.value.expiresAt === undefined || ctx.now < current.value.expiresAt)
  // docs/wire.md#oauth-and-tokens: a live token is kept and extended; an expired one is replaced.
  let state1 = state
  let accessToken = r.accessToken
  if (alive) {
    state1 = {
      ...state,
      tokens: HashMap.set(state.tokens, accessToken, { ...current.value, expiresAt: ctx.now + cfg.accessTokenLifetimeMillis })
    }
  } else {
    const [seq, next] = nextSeq(state)
    accessToken = `act.sandbox${pad(seq, 8)}`
    state1 = {
      ...next,
      tokens: HashMap.set(next.tokens, accessToken, {
        token: accessToken,
        openId: r.openId,
        expiresAt: ctx.now + cfg.accessTokenLifetimeMillis,
        revoked: false
      })
    }
  }
  state1 = { ...state1, refreshTokens: HashMap.set(state1.refreshTokens, refreshToken, { ...r, accessToken }) }
  return [
    envelope.successC({
      access_token: accessToken,
      expires_in: Math.floor(cfg.accessTokenLifetimeMillis / 1000),
      open_id: r.openId,
      refresh_token: refreshToken,
      // The refresh token's own expiry is unchanged by a refresh.
      refresh_expires_in: Math.max(0, Math.floor((r.expiresAt - ctx.now) / 1000)),
      scope: r.scope
    }, ctx.logId),
    state1
  ]
}

export const oauthRoutes: Readonly<Record<string, OAuthRoute>> = {
  "/oauth/access_token/": accessTokenRoute,
  "/oauth/refresh_token/": refreshTokenRoute
}
