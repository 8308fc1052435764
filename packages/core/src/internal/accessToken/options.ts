/**
 * The store-backed token source's options and the event it reports (defined here, re-exported
 * with their descriptions as `AccessToken.StoreOptions` and `AccessToken.ReauthorizationEvent`),
 * checked and resolved to the settings it runs with.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { ConfigError } from "effect/ConfigError"
import * as ConfigCheck from "../../ConfigCheck.js"
import type * as TokenStore from "../../TokenStore.js"

export interface ReauthorizationEvent {
  readonly clientKey: string
  readonly openId: string
  readonly reason: TokenStore.ReauthorizationReason
  /** Douyin's code: 10010, 10004, 10020 or 2190003. */
  readonly code: number
  /** What found it: a refresh, a renewal of the refresh token, or a call (missing scope). */
  readonly during: "refresh" | "renewal" | "call"
  /** Epoch ms. */
  readonly at: number
}

export interface StoreOptions {
  /**
   * Refresh proactively when the access token expires within this window (default 5 minutes).
   * The call that notices waits for the refresh; if the refresh fails while the old token is
   * still valid, the old token is used.
   */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /**
   * After a successful reactive refresh of token T, further callers that report T as stale
   * within this window get the refreshed token without another refresh, even when Douyin
   * extended T instead of issuing a new value (default 30 seconds).
   */
  readonly reuseWindow?: Duration.DurationInput | undefined
  /**
   * After a refresh failed with a transient error (busy, 5xx, timeout, malformed answer), no
   * new refresh of that key is sent for a backoff that starts at 1 second and doubles with
   * each further failure up to this cap (default 15 seconds): callers meanwhile get the
   * failure at once (or, proactively, the still-valid old token), so an OAuth outage costs a
   * few refresh requests per open_id, whatever the number of calls.
   */
  readonly retryAfterFailure?: Duration.DurationInput | undefined
  /**
   * How long a refresh holds the store's lease for its key (default 20 seconds): across
   * processes sharing the store one refresh runs per key; a holder that crashed loses the
   * lease after this long. Keep it above `DouyinConfig`'s attempt timeout.
   */
  readonly leaseTtl?: Duration.DurationInput | undefined
  /**
   * Renew the refresh token (POST `/oauth/renew_refresh_token/`) when it expires within
   * `renewBefore`, so a creator keeps working without authorizing again (default `true`;
   * needs the app's renew permission: without it Douyin answers 10004 and the creator is
   * marked as needing re-authorization).
   */
  readonly renewRefreshToken?: boolean | undefined
  /** Default 5 days (a refresh token lives 30 days). */
  readonly renewBefore?: Duration.DurationInput | undefined
  /**
   * How long an entry read from (or written to) the `TokenStore` is kept in memory, so that
   * the calls that follow neither read the store nor wait (default 5 seconds; `0` reads the
   * store on every call). A kept token is used only while it is fresh by the rules above
   * (outside `refreshBefore`, no renewal due); anything else reads the store as without it.
   * Failures are never kept.
   *
   * Staleness bound: a change to the store made by someone else (another process's refresh,
   * `TokenStore.authorize`, a removal or revocation) is seen at most `cacheFor` after it, or
   * at once on an expired-token code: the reactive refresh always reads the store, so a token
   * another process refreshed meanwhile is picked up there, without a second refresh. What this
   * source writes itself is seen at once.
   *
   * @example
   * ```ts
   * import { AccessToken } from "@effect-douyin/core"
   *
   * // A revoked authorization stops being used within 1 second on this instance.
   * const Tokens = AccessToken.layerStore({ cacheFor: "1 second" })
   * ```
   *
   * @since 0.3.0
   */
  readonly cacheFor?: Duration.DurationInput | undefined
  /**
   * Called once when the source finds that a creator must authorize again: Douyin refused a
   * refresh (10010: `refresh-token-expired`, or `revoked` before the known expiry) or a renewal
   * (10004 / 10020: `renewal-refused`), or a call found a scope not granted (2190003). The
   * same creator is listed by `TokenStore.needingReauthorization` with the same reason. A
   * failure of the callback is ignored.
   *
   * @example
   * ```ts
   * import { AccessToken } from "@effect-douyin/core"
   * import { Effect } from "effect"
   *
   * const Tokens = AccessToken.layerStore({
   *   onReauthorization: (event) => Effect.log(`ask ${event.openId} to connect again: ${event.reason}`)
   * })
   * ```
   *
   * @since 0.4.0
   */
  readonly onReauthorization?: ((event: ReauthorizationEvent) => Effect.Effect<void>) | undefined
}

export interface Settings {
  readonly refreshBefore: number
  readonly reuseWindow: number
  readonly backoffCap: number
  readonly leaseTtl: Duration.Duration
  readonly renew: boolean
  readonly renewBefore: number
  readonly cacheFor: number
}

/** Every duration of the options finite and not negative (`leaseTtl` above 0): else a `ConfigError` naming it. */
export const checkStoreOptions = (options: StoreOptions): Effect.Effect<void, ConfigError> =>
  Effect.gen(function*() {
    const durations = ["refreshBefore", "reuseWindow", "retryAfterFailure", "renewBefore", "cacheFor"] as const
    for (const name of durations) {
      const value = options[name]
      if (value !== undefined) yield* ConfigCheck.option(name, ConfigCheck.nonNegativeDuration, value)
    }
    if (options.leaseTtl !== undefined) yield* ConfigCheck.option("leaseTtl", ConfigCheck.positiveDuration, options.leaseTtl)
  })

export const settingsOf = (options: StoreOptions): Settings => ({
  refreshBefore: Duration.toMillis(options.refreshBefore ?? "5 minutes"),
  reuseWindow: Duration.toMillis(options.reuseWindow ?? "30 seconds"),
  backoffCap: Duration.toMillis(options.retryAfterFailure ?? "15 seconds"),
  leaseTtl: Duration.decode(options.leaseTtl ?? "20 seconds"),
  renew: options.renewRefreshToken ?? true,
  renewBefore: Duration.toMillis(options.renewBefore ?? "5 days"),
  cacheFor: Duration.toMillis(options.cacheFor ?? "5 seconds")
})
