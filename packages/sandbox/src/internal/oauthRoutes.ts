/**
 * The OAuth routes (shape C, docs/wire.md#oauth-and-tokens): exchange an authorization code for
 * tokens (single use), refresh (keeps and extends a live access token or replaces an expired
 * one; no `client_secret`), renew a refresh token, and the app's `client_token`. Each route says
 * which body encodings it takes; the router refuses credentials in the query string.
 */
import * as HashMap from "effect/HashMap"
import { Codes as C } from "./codes.js"
import * as envelope from "./envelope.js"
import { nextSeq, pad } from "./ids.js"
import type { Outcome, State } from "./model.js"
import { type Body, type Ctx, isRejection, Rejection, str } from "./request.js"

export type OAuthHandled = readonly [Outcome, State]

/** An OAuth route: the body encodings it takes, and its step over the body's fields. */
export interface OAuthRoute {
  readonly encodings: ReadonlyArray<"form" | "json">
  readonly run: (state: State, fields: Body, ctx: Ctx) => OAuthHandled
}

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
        scope,
        renewals: 0,
        revoked: false
      })
    }
  ]
}

/** The app's credentials: `client_key` always, `client_secret` where the route takes one. */
const checkClient = (state: State, fields: Body, secret: "required" | "refused"): Rejection | undefined => {
  const key = str(fields, "client_key")
  if (isRejection(key)) return new Rejection(C.oauthMissingParameter, "client_key is required")
  const cfg = state.config
  if (key !== cfg.clientKey) return new Rejection(C.oauthClientKeyInvalid, "client_key invalid")
  if (secret === "refused") {
    return fields["client_secret"] === undefined
      ? undefined
      : new Rejection(C.oauthParameterError, "this grant takes no client_secret")
  }
  const given = str(fields, "client_secret")
  if (isRejection(given)) return new Rejection(C.oauthMissingParameter, "client_secret is required")
  if (given !== cfg.clientSecret) return new Rejection(C.oauthClientSecretWrong, "client_key or client_secret wrong")
  return undefined
}

/** What the grants check first: the client, then the grant type. An error answer, or undefined. */
export const checkGrant = (
  state: State,
  fields: Body,
  ctx: Ctx,
  grantType: string | undefined,
  secret: "required" | "refused"
): OAuthHandled | undefined => {
  const client = checkClient(state, fields, secret)
  if (client) return oauthError(ctx, state, client.code, client.description)
  if (grantType !== undefined && fields["grant_type"] !== grantType) {
    return fields["grant_type"] === undefined
      ? oauthError(ctx, state, C.oauthMissingParameter, "grant_type is required")
      : oauthError(ctx, state, C.oauthParameterError, `grant_type must be ${grantType}`)
  }
  return undefined
}

/** A string field, or "" (which no code or token matches). */
const field = (fields: Body, key: string): string => typeof fields[key] === "string" ? fields[key] : ""

const accessTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const rejected = checkGrant(state, fields, ctx, "authorization_code", "required")
  if (rejected) return rejected
  const code = field(fields, "code")
  if (code === "") return oauthError(ctx, state, C.oauthMissingParameter, "code is required")
  const entry = HashMap.get(state.authCodes, code)
  // A code never issued is a bad parameter (10002); one issued but expired (10 minutes) or used
  // (single use) is Douyin's 10007.
  if (entry._tag === "None") return oauthError(ctx, state, C.oauthParameterError, "authorization code invalid")
  if (entry.value.used || ctx.now >= entry.value.expiresAt) {
    return oauthError(ctx, state, C.authorizationCodeExpired, "authorization code expired or used")
  }
  // Single use: kept, marked used, so a second exchange is told so.
  const used = { ...state, authCodes: HashMap.set(state.authCodes, code, { ...entry.value, used: true }) }
  return issueTokens(used, ctx, entry.value.openId, entry.value.scope)
}

/** How many times one refresh token may be renewed before 10020. */
const maxRenewals = 5

const renewRefreshTokenRoute = (state0: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const rejected = checkGrant(state0, fields, ctx, undefined, "refused")
  if (rejected) return rejected
  const refreshToken = field(fields, "refresh_token")
  if (refreshToken === "") return oauthError(ctx, state0, C.oauthMissingParameter, "refresh_token is required")
  const entry = HashMap.get(state0.refreshTokens, refreshToken)
  if (entry._tag === "None" || entry.value.revoked || ctx.now >= entry.value.expiresAt) {
    return oauthError(ctx, state0, C.refreshTokenExpired, "refresh_token expired or invalid")
  }
  if (entry.value.renewals >= maxRenewals) {
    return oauthError(ctx, state0, C.renewLimitExceeded, "refresh_token renewed too many times")
  }
  const [seq, state] = nextSeq(state0)
  const renewed = `rft.sandbox${pad(seq, 8)}`
  const lifetime = state.config.refreshTokenLifetimeMillis
  return [
    envelope.successC({ refresh_token: renewed, expires_in: Math.floor(lifetime / 1000) }, ctx.logId),
    {
      ...state,
      refreshTokens: HashMap.set(HashMap.remove(state.refreshTokens, refreshToken), renewed, {
        ...entry.value,
        refreshToken: renewed,
        expiresAt: ctx.now + lifetime,
        renewals: entry.value.renewals + 1
      })
    }
  ]
}

const refreshTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const rejected = checkGrant(state, fields, ctx, "refresh_token", "refused")
  if (rejected) return rejected
  const refreshToken = field(fields, "refresh_token")
  if (refreshToken === "") return oauthError(ctx, state, C.oauthMissingParameter, "refresh_token is required")
  const entry = HashMap.get(state.refreshTokens, refreshToken)
  if (entry._tag === "None") return oauthError(ctx, state, C.refreshTokenExpired, "refresh_token invalid or expired")
  const r = entry.value
  // A revoked authorization: Douyin has one refusal code for a refresh token (10010).
  if (r.revoked) return oauthError(ctx, state, C.refreshTokenExpired, "refresh_token invalid or expired")
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

/**
 * The OAuth paths. `/oauth/access_token/` takes a form or JSON (vendors' clients send both);
 * refresh and renew take a form only, as the vendor documents. `/oauth/client_token/` is in
 * `clientTokens.ts`.
 */
export const oauthRoutes: Readonly<Record<string, OAuthRoute>> = {
  "/oauth/access_token/": { encodings: ["form", "json"], run: accessTokenRoute },
  "/oauth/refresh_token/": { encodings: ["form"], run: refreshTokenRoute },
  "/oauth/renew_refresh_token/": { encodings: ["form"], run: renewRefreshTokenRoute }
}
