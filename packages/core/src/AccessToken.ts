/**
 * Where the user access token for an operator (`open_id`) comes from. Every call asks this
 * service for the token of its `open_id`; on an expired-token code the client asks it once
 * to refresh.
 *
 * Implementations: {@link layerStatic} / {@link layerConfig} (one fixed token),
 * {@link layerFunction} (bring your own), and {@link layerStore} (tokens kept in a
 * `TokenStore`, refreshed through `OAuth`: proactively before expiry, reactively once on an
 * expired-token code, single-flight per `client_key` + `open_id`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { ConfigError } from "effect/ConfigError"
import { dual } from "effect/Function"
import type * as Scope from "effect/Scope"
import type { DouyinAuthError, DouyinCommonError, DouyinPermissionError, DouyinStoreError } from "./DouyinError.js"
import * as internalStore from "./internal/accessToken/store.js"
import type * as OAuth from "./OAuth.js"
import type * as TokenStore from "./TokenStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The token to use for `openId` now. */
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  /**
   * Douyin rejected `stale` as expired or invalid: obtain a fresh token. `None` means this
   * source cannot refresh, and the call fails with Douyin's auth error.
   */
  readonly refresh: (
    openId: string,
    stale: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, DouyinCommonError>
  /**
   * `true` when `get` and `refresh` answer at once (a fixed token): the client then needs no
   * call timeout around them.
   */
  readonly immediate?: boolean | undefined
  /**
   * The token for `openId` when it is known at once, without waiting (a fixed token, or one
   * the store-backed source read moments ago and that is still fresh); else `undefined`, and
   * the client asks `get` (under the call timeout unless `immediate`). Must not block or fail.
   */
  readonly peek?: ((openId: string) => Redacted.Redacted<string> | undefined) | undefined
  /**
   * A call for `openId` was refused with 2190003 (the creator did not grant the scope): the
   * source may record it. The store-backed source marks the creator (`scope-not-granted` in
   * `TokenStore.needingReauthorization`). Must not fail.
   */
  readonly scopeNotGranted?: ((openId: string) => Effect.Effect<void>) | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AccessToken extends Context.Tag("@effect-douyin/core/AccessToken")<AccessToken, Service>() {}

/**
 * A per-call override, read by the client on every call (see {@link withToken}).
 *
 * @since 0.1.0
 * @category references
 */
export class Override extends Context.Reference<Override>()("@effect-douyin/core/AccessToken/Override", {
  defaultValue: (): Option.Option<Redacted.Redacted<string>> => Option.none()
}) {}

/**
 * Runs `effect` with a fixed token for every call inside it, whatever the layer says.
 * An overridden token is never refreshed. Data-last (in a pipe) or data-first.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@effect-douyin/core"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.log("calls Douyin")
 * const piped = program.pipe(AccessToken.withToken(Redacted.make("act.xxx")))
 * const direct = AccessToken.withToken(program, Redacted.make("act.xxx"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken: {
  (token: Redacted.Redacted<string>): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, Override, Option.some(token))
)

const noRefresh = Effect.succeed(Option.none<Redacted.Redacted<string>>())

/**
 * One token for every `open_id`; never refreshed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>): Service => {
  const got = Effect.succeed(token)
  return {
    get: () => got,
    refresh: () => noRefresh,
    immediate: true,
    peek: () => token
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, makeStatic(token))

/**
 * One static token read from config (default `DOUYIN_ACCESS_TOKEN`), kept `Redacted`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("DOUYIN_ACCESS_TOKEN")
): Layer.Layer<AccessToken, ConfigError> => Layer.effect(AccessToken, Effect.map(config, makeStatic))

/**
 * Bring your own: `get` resolves the token for an `open_id`; the optional `refresh` is asked
 * once after Douyin rejected a token as expired.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFunction = (options: {
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  readonly refresh?: Service["refresh"] | undefined
}): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, { get: options.get, refresh: options.refresh ?? (() => noRefresh) })

/**
 * Options of {@link layerStore}.
 *
 * @since 0.1.0
 * @category models
 */
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

/**
 * The errors the store-backed source can fail with: the OAuth refresh's errors, and three
 * raised locally without a request:
 * - `DouyinAuthError` 10010 when no token is stored for the key (the user must authorize) or
 *   the stored refresh token has expired or was refused;
 * - `DouyinPermissionError` 2190015 when the refresh answered for another `open_id`;
 * - `DouyinStoreError` when the `TokenStore` failed (e.g. Redis down).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreError = OAuth.OAuthError | DouyinAuthError | DouyinPermissionError | DouyinStoreError

/**
 * The store-backed source: a {@link Service} whose error channel is exactly {@link StoreError}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreService extends Service {
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, StoreError>
  readonly refresh: (
    openId: string,
    stale: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, StoreError>
  /** The token kept from a recent store read while it is fresh (see `StoreOptions.cacheFor`). */
  readonly peek: (openId: string) => Redacted.Redacted<string> | undefined
  readonly scopeNotGranted: (openId: string) => Effect.Effect<void>
}

/**
 * A creator must authorize the app again (or grant a scope): what a program can observe with
 * `StoreOptions.onReauthorization`, besides `TokenStore.needingReauthorization`.
 *
 * @since 0.4.0
 * @category models
 */
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

/**
 * Builds the store-backed token source for the `OAuth` app's `client_key`.
 *
 * Rules (each covered by `test/AccessTokenStore.test.ts` and the loopback rows in
 * `test/tokens.test.ts` and `test/instances.test.ts` at the repository root):
 * 1. `get` answers from the store while the token is outside the `refreshBefore` window;
 *    inside it, it refreshes first (proactive). If that refresh fails while the token is still
 *    valid, the stored token is used.
 * 2. `refresh(openId, stale)` (reactive, asked once by the client after an expired-token code)
 *    returns the stored token without a request when it differs from `stale` (someone refreshed
 *    already) or when `stale` was refreshed within `reuseWindow`.
 * 3. At most one refresh per `client_key` + `open_id` runs at a time: in the process
 *    (single-flight, concurrent callers share its result, success or failure) and across
 *    processes sharing the store (its lease; the entry is re-read once the lease is taken).
 * 4. The new token is written to the store only after the refresh succeeded; a failed refresh
 *    leaves the stored token as it was.
 * 5. A transient failure is held for a doubling backoff (1 s up to `retryAfterFailure`): no
 *    request for that key meanwhile. A terminal failure (any Douyin code except busy: 10010,
 *    10020, 2190015…) is held for that refresh token until a new one is stored.
 * 6. An expired refresh token (by the stored expiry) fails with 10010 without a request; a
 *    refresh answered for another `open_id` fails with 2190015 and stores nothing.
 * 7. The refresh token is renewed ahead of its expiry (`renewRefreshToken`, `renewBefore`);
 *    10004 / 10020 / 10010 on renewal, or 10010 on refresh, mark the creator as needing
 *    re-authorization (`TokenStore.needingReauthorization`), logged once with the open_id.
 * 8. A `TokenStore` failure is the call's `DouyinStoreError`; nothing is sent.
 * 9. An entry read from or written to the store is kept in memory for `cacheFor`: while it is
 *    fresh by rule 1 and no renewal is due, `get` and `peek` answer from it without the store.
 *    A reactive refresh drops it and reads the store; failures are never kept.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  options: StoreOptions = {}
): Effect.Effect<StoreService, ConfigError, TokenStore.TokenStore | OAuth.OAuth | Scope.Scope> => internalStore.makeStore(options)

/**
 * Tokens from a `TokenStore`, refreshed through `OAuth` (see {@link makeStore} for the rules).
 * Put tokens into the store with `TokenStore.authorize(code)` after the user authorized.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, OAuth, TokenStore } from "@effect-douyin/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(AccessToken.layerStore({ refreshBefore: "10 minutes" })),
 *   Layer.provideMerge(TokenStore.layerMemory()),
 *   Layer.provideMerge(OAuth.layerConfig()),
 *   Layer.provideMerge(DouyinConfig.layer()),
 *   Layer.provideMerge(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStore = (
  options: StoreOptions = {}
): Layer.Layer<AccessToken, ConfigError, TokenStore.TokenStore | OAuth.OAuth> => Layer.scoped(AccessToken, makeStore(options))
