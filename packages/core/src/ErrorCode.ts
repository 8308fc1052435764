/**
 * The one table of Douyin error codes: code → category and documented meaning
 * (docs/wire.md#error-codes). No other module spells a code number.
 *
 * @since 0.1.0
 */

/**
 * What a non-zero code means for the caller.
 *
 * - `auth`: the access token is invalid or expired (`refreshable` tells whether a refresh can fix it)
 * - `permission`: scope, capability or ownership is missing
 * - `invalidParams`: Douyin rejected the parameters
 * - `quota`: a quota is spent
 * - `busy`: transient; retry with backoff
 *
 * @since 0.1.0
 * @category models
 */
export type Category = "auth" | "permission" | "invalidParams" | "quota" | "busy"

/**
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly category: Category
  /** Whether refreshing the access token can clear this error (auth codes only). */
  readonly refreshable: boolean
  readonly meaning: string
}

const entry = (category: Category, meaning: string, refreshable = false): Entry => ({
  category,
  refreshable,
  meaning
})

/**
 * Every known code. Frozen: this is a constant, not state.
 *
 * @since 0.1.0
 * @category constants
 */
export const table: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  // gateway / business codes (§4.1)
  [2100004, entry("busy", "system busy, retry later")],
  [2100005, entry("invalidParams", "invalid parameter")],
  [2100006, entry("invalidParams", "open_id equals follower_open_id")],
  [2100007, entry("permission", "no permission for the operation")],
  [2100009, entry("permission", "user banned from this operation")],
  [2190001, entry("quota", "quota exhausted")],
  [2190002, entry("auth", "access_token invalid", true)],
  [2190003, entry("permission", "user has not authorized this API (scope)")],
  [2190004, entry("permission", "app lacks this capability")],
  [2190008, entry("auth", "access_token expired", true)],
  [2190015, entry("permission", "access_token and open_id mismatch")],
  // OAuth codes (§4.2)
  [10001, entry("busy", "system error")],
  [10002, entry("invalidParams", "parameter error")],
  [10003, entry("invalidParams", "client_key invalid or not found")],
  [10004, entry("permission", "insufficient permission")],
  [10005, entry("invalidParams", "missing parameter")],
  [10006, entry("invalidParams", "illegal redirect URI")],
  [10007, entry("auth", "authorization code expired")],
  [10008, entry("auth", "access_token invalid or expired", true)],
  [10010, entry("auth", "refresh_token expired: the user must authorize again")],
  [10011, entry("permission", "package name mismatch")],
  [10012, entry("permission", "app under review")],
  [10013, entry("auth", "client_key or client_secret wrong")],
  [10014, entry("invalidParams", "client_key mismatch between code and token request")],
  [10015, entry("permission", "wrong app type")],
  [10017, entry("permission", "Android signature mismatch")],
  [10020, entry("quota", "refresh_token renew count exceeded, or client_token frequency limit")],
  // newer v2-style codes (§4.3)
  [28001003, entry("auth", "access token invalid", true)],
  [28001007, entry("invalidParams", "invalid parameter")],
  [28001008, entry("auth", "access token expired", true)],
  [28001018, entry("permission", "app lacks capability")],
  [28005001, entry("invalidParams", "parameter parse failure")],
  [28005002, entry("busy", "internal error")],
  [29002002, entry("invalidParams", "invalid client_key")]
])

/**
 * Looks a code up; `undefined` for a code the table does not know.
 *
 * @since 0.1.0
 * @category lookups
 */
export const lookup = (code: number): Entry | undefined => table.get(code)

/**
 * Whether a refresh of the access token may clear this code.
 *
 * @since 0.1.0
 * @category lookups
 */
export const isRefreshable = (code: number): boolean => table.get(code)?.refreshable === true

/**
 * Named codes the SDK itself branches on (everything else goes through {@link lookup}).
 *
 * @since 0.1.0
 * @category constants
 */
export const Codes = {
  ok: 0,
  systemBusy: 2100004,
  invalidParameter: 2100005,
  noPermission: 2100007,
  quotaExhausted: 2190001,
  accessTokenInvalid: 2190002,
  accessTokenExpired: 2190008,
  openIdMismatch: 2190015,
  scopeNotGranted: 2190003,
  oauthSystemError: 10001,
  oauthParameterError: 10002,
  oauthNoPermission: 10004,
  oauthAccessTokenExpired: 10008,
  authorizationCodeExpired: 10007,
  refreshTokenExpired: 10010,
  renewLimitExceeded: 10020
} as const

/**
 * The re-authorization reason a code means by itself: 10010 `refresh-token-expired`, 2190003
 * `scope-not-granted`; `undefined` for every other code.
 *
 * @since 0.4.0
 * @category utils
 */
export const reauthorizationReason = (code: number): "refresh-token-expired" | "scope-not-granted" | undefined =>
  code === Codes.refreshTokenExpired ? "refresh-token-expired" : code === Codes.scopeNotGranted ? "scope-not-granted" : undefined
