/**
 * The store-backed token source's options (`AccessToken.StoreOptions`, documented there), checked
 * and resolved to the settings it runs with.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { ConfigError } from "effect/ConfigError"
import * as ConfigCheck from "../../ConfigCheck.js"
import type * as TokenStore from "../../TokenStore.js"

/** What `AccessToken.ReauthorizationEvent` carries (documented there). */
export interface ReauthorizationEvent {
  readonly clientKey: string
  readonly openId: string
  readonly reason: TokenStore.ReauthorizationReason
  readonly code: number
  readonly during: "refresh" | "renewal" | "call"
  readonly at: number
}

/** The options read from `AccessToken.StoreOptions` (documented there). */
export interface Options {
  readonly refreshBefore?: Duration.DurationInput | undefined
  readonly reuseWindow?: Duration.DurationInput | undefined
  readonly retryAfterFailure?: Duration.DurationInput | undefined
  readonly leaseTtl?: Duration.DurationInput | undefined
  readonly renewRefreshToken?: boolean | undefined
  readonly renewBefore?: Duration.DurationInput | undefined
  readonly cacheFor?: Duration.DurationInput | undefined
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
export const checkStoreOptions = (options: Options): Effect.Effect<void, ConfigError> =>
  Effect.gen(function*() {
    const durations = ["refreshBefore", "reuseWindow", "retryAfterFailure", "renewBefore", "cacheFor"] as const
    for (const name of durations) {
      const value = options[name]
      if (value !== undefined) yield* ConfigCheck.option(name, ConfigCheck.nonNegativeDuration, value)
    }
    if (options.leaseTtl !== undefined) yield* ConfigCheck.option("leaseTtl", ConfigCheck.positiveDuration, options.leaseTtl)
  })

export const settingsOf = (options: Options): Settings => ({
  refreshBefore: Duration.toMillis(options.refreshBefore ?? "5 minutes"),
  reuseWindow: Duration.toMillis(options.reuseWindow ?? "30 seconds"),
  backoffCap: Duration.toMillis(options.retryAfterFailure ?? "15 seconds"),
  leaseTtl: Duration.decode(options.leaseTtl ?? "20 seconds"),
  renew: options.renewRefreshToken ?? true,
  renewBefore: Duration.toMillis(options.renewBefore ?? "5 days"),
  cacheFor: Duration.toMillis(options.cacheFor ?? "5 seconds")
})
