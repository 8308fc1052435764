/**
 * The store-backed token source's failures: the errors it raises itself without a request,
 * which of Douyin's refusals are terminal or call for a new authorization, and how a store
 * failure becomes the call's `DouyinStoreError` (see `AccessToken.StoreError`).
 */
import { DouyinAuthError, type DouyinPermissionError, DouyinStoreError } from "../../DouyinError.js"
import * as ErrorCode from "../../ErrorCode.js"
import type * as OAuth from "../../OAuth.js"
import type * as TokenStore from "../../TokenStore.js"

/** The errors of the store-backed source (`AccessToken.StoreError` re-exports it, described there). */
export type StoreError = OAuth.OAuthError | DouyinAuthError | DouyinPermissionError | DouyinStoreError

export const storeEndpoint = "AccessToken/store"

// Inside the store source, store failures travel as they are and become the call's
// `DouyinStoreError` at its boundary.
export type Failure = StoreError | TokenStore.TokenStoreError

export const toCallError = (e: Failure): StoreError =>
  e._tag === "TokenStoreError"
    ? new DouyinStoreError({ endpoint: storeEndpoint, store: e.store, operation: e.operation, description: e.description })
    : e

// A refresh that failed this way will fail the same way with the same refresh token.
export const isTerminal = (e: Failure): boolean => {
  switch (e._tag) {
    case "DouyinAuthError":
    case "DouyinPermissionError":
    case "DouyinInvalidParams":
    case "DouyinQuotaError":
    case "DouyinApiError":
      return true
    default:
      return false
  }
}

// Douyin's answers that mean "only a new authorization helps", on refresh or renewal.
export const reauthorizationCodes: ReadonlySet<number> = new Set([
  ErrorCode.Codes.refreshTokenExpired,
  ErrorCode.Codes.oauthNoPermission,
  ErrorCode.Codes.renewLimitExceeded
])

export const authorizeFirst = new DouyinAuthError({
  endpoint: storeEndpoint,
  code: ErrorCode.Codes.refreshTokenExpired,
  reason: "never-authorized",
  description: "no token stored for this client_key and open_id: the user must authorize"
})

export const authorizeAgain = (reason: TokenStore.ReauthorizationReason) =>
  new DouyinAuthError({
    endpoint: storeEndpoint,
    code: ErrorCode.Codes.refreshTokenExpired,
    reason,
    description: reason === "revoked"
      ? "Douyin refused the refresh token before its expiry (authorization revoked): the user must authorize again"
      : "the stored refresh token has expired or was refused: the user must authorize again"
  })

/**
 * A 10010 on a refresh token that should still have more than this long to live means the
 * creator withdrew the authorization (Douyin kills the tokens at once), not that it ran out.
 */
export const revocationMargin = 60 * 60 * 1000

/** The reason Douyin's refusal of `entry`'s refresh token (on refresh or renewal) means at `now`. */
export const refusalReason = (code: number, entry: TokenStore.StoredToken, now: number): TokenStore.ReauthorizationReason =>
  code === ErrorCode.Codes.refreshTokenExpired
    ? (now < entry.refreshExpiresAt - revocationMargin ? "revoked" : "refresh-token-expired")
    : "renewal-refused"
