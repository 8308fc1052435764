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
import { Clock, Config, Context, Duration, Effect, Layer, Option, Redacted, Ref } from "effect"
import type { ConfigError } from "effect/ConfigError"
import type * as Scope from "effect/Scope"
import { DouyinAuthError, type DouyinCommonError, DouyinPermissionError } from "./DouyinError.js"
import * as ErrorCode from "./ErrorCode.js"
import * as singleFlight from "./internal/singleFlight.js"
import * as OAuth from "./OAuth.js"
import * as TokenStore from "./TokenStore.js"

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
 * An overridden token is never refreshed.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@effect-douyin/core"
 * import { Redacted } from "effect"
 * program.pipe(AccessToken.withToken(Redacted.make("act.xxx")))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken =
  (token: Redacted.Redacted<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, Override, Option.some(token))

const noRefresh = Effect.succeed(Option.none<Redacted.Redacted<string>>())

/**
 * One token for every `open_id`; never refreshed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>): Service => ({
  get: () => Effect.succeed(token),
  refresh: () => noRefresh
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<AccessToken> =>
  Layer.succeed(AccessToken, makeStatic(token))

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
}): Layer.Layer<AccessToken> =>
  Layer.succeed(AccessToken, { get: options.get, refresh: options.refresh ?? (() => noRefresh) })

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
   * After a proactive refresh failed with a transient error while the old token is still
   * valid, `get` keeps using the old token for this long before it tries again, so an OAuth
   * outage does not add a refresh request to every call (default 15 seconds).
   */
  readonly retryAfterFailure?: Duration.DurationInput | undefined
}

/**
 * The errors the store-backed source can fail with: the OAuth refresh's errors, and two
 * raised locally without a request:
 * - `DouyinAuthError` 10010 when no token is stored for the key (the user must authorize) or
 *   the stored refresh token has expired;
 * - `DouyinPermissionError` 2190015 when the refresh answered for another `open_id`.
 *
 * @since 0.1.0
 * @category models
 */
export type StoreError = OAuth.OAuthError | DouyinAuthError | DouyinPermissionError

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
}

const storeEndpoint = "AccessToken/store"

// A refresh that failed this way will fail the same way with the same refresh token.
const isTerminal = (e: StoreError): boolean => {
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

/**
 * Builds the store-backed token source for the `OAuth` app's `client_key`.
 *
 * Rules (each covered by `test/AccessTokenStore.test.ts` and the loopback matrix rows in
 * `test/tokens.test.ts` at the repository root):
 * 1. `get` answers from the store while the token is outside the `refreshBefore` window;
 *    inside it, it refreshes first (proactive). If that refresh fails while the token is still
 *    valid, the stored token is used, and for `retryAfterFailure` no new proactive attempt is made.
 * 2. `refresh(openId, stale)` (reactive, asked once by the client after an expired-token code)
 *    returns the stored token without a request when it differs from `stale` (someone refreshed
 *    already) or when `stale` was refreshed within `reuseWindow`.
 * 3. At most one refresh per `client_key` + `open_id` runs at a time; concurrent callers share
 *    its result, success or failure.
 * 4. The new token is written to the store only after the refresh succeeded; a failed refresh
 *    leaves the stored token as it was.
 * 5. A terminal failure (any Douyin code except busy: 10010 refresh token expired, 10020 renew
 *    limit, 2190015 open_id mismatch…) is remembered for that refresh token and returned again
 *    without a request; it clears when a new refresh token is stored (a new authorization).
 * 6. An expired refresh token (by the stored expiry) fails with 10010 without a request; a
 *    refresh answered for another `open_id` fails with 2190015 and stores nothing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  options: StoreOptions = {}
): Effect.Effect<StoreService, never, TokenStore.TokenStore | OAuth.OAuth | Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* TokenStore.TokenStore
    const oauth = yield* OAuth.OAuth
    const flights = yield* singleFlight.make
    const refreshBefore = Duration.toMillis(options.refreshBefore ?? "5 minutes")
    const reuseWindow = Duration.toMillis(options.reuseWindow ?? "30 seconds")
    const retryAfterFailure = Duration.toMillis(options.retryAfterFailure ?? "15 seconds")
    const clientKey = oauth.clientKey
    // Per-key memory of this layer: the last successful refresh, and a terminal failure.
    // Tokens kept here stay Redacted like everywhere else.
    const lastRefresh = yield* Ref.make<
      ReadonlyMap<string, { readonly from: Redacted.Redacted<string>; readonly at: number }>
    >(new Map())
    const proactiveFailedAt = yield* Ref.make<ReadonlyMap<string, number>>(new Map())
    const terminal = yield* Ref.make<
      ReadonlyMap<string, { readonly refreshToken: Redacted.Redacted<string>; readonly error: StoreError }>
    >(new Map())
    const remember = <V>(ref: Ref.Ref<ReadonlyMap<string, V>>, id: string, value: V) =>
      Ref.update(ref, (m) => new Map(m).set(id, value))

    const keyOf = (openId: string): TokenStore.Key => ({ clientKey, openId })

    const authorizeFirst = new DouyinAuthError({
      endpoint: storeEndpoint,
      code: ErrorCode.Codes.refreshTokenExpired,
      description: "no token stored for this client_key and open_id: the user must authorize"
    })
    const load = (key: TokenStore.Key) =>
      Effect.flatMap(store.get(key), Option.match({
        onNone: () => Effect.fail(authorizeFirst),
        onSome: Effect.succeed
      }))

    const isFresh = (entry: TokenStore.StoredToken, now: number) => now < entry.expiresAt - refreshBefore

    const refreshNow = (key: TokenStore.Key, id: string): Effect.Effect<Redacted.Redacted<string>, StoreError> =>
      Effect.gen(function*() {
        const entry = yield* load(key)
        const known = (yield* Ref.get(terminal)).get(id)
        if (known !== undefined && Redacted.value(known.refreshToken) === Redacted.value(entry.refreshToken)) {
          return yield* Effect.fail(known.error)
        }
        const fail = (error: StoreError) =>
          Effect.zipRight(
            isTerminal(error)
              ? remember(terminal, id, { refreshToken: entry.refreshToken, error })
              : Effect.void,
            Effect.fail(error)
          )
        const startedAt = yield* Clock.currentTimeMillis
        if (startedAt >= entry.refreshExpiresAt) {
          return yield* fail(
            new DouyinAuthError({
              endpoint: storeEndpoint,
              code: ErrorCode.Codes.refreshTokenExpired,
              description: "the stored refresh token has expired: the user must authorize again"
            })
          )
        }
        const fresh = yield* Effect.catchAll(oauth.refreshToken(entry.refreshToken), fail)
        if (Option.isSome(fresh.openId) && fresh.openId.value !== key.openId) {
          return yield* fail(
            new DouyinPermissionError({
              endpoint: OAuth.EndpointIds.refreshToken,
              code: ErrorCode.Codes.openIdMismatch,
              description: "the refresh answered for another open_id; nothing stored",
              ...Option.match(fresh.logId, { onNone: () => ({}), onSome: (logId) => ({ logId }) })
            })
          )
        }
        const now = yield* Clock.currentTimeMillis
        yield* store.set(key, {
          accessToken: fresh.accessToken,
          expiresAt: now + Duration.toMillis(fresh.expiresIn),
          refreshToken: fresh.refreshToken,
          refreshExpiresAt: Option.match(fresh.refreshExpiresIn, {
            onNone: () => entry.refreshExpiresAt,
            onSome: (d) => now + Duration.toMillis(d)
          }),
          scope: fresh.scope.length > 0 ? fresh.scope : entry.scope
        })
        yield* remember(lastRefresh, id, { from: entry.accessToken, at: now })
        return fresh.accessToken
      }).pipe(Effect.withSpan("AccessToken.refresh", { attributes: { "douyin.client_key": clientKey } }))

    const get = (openId: string): Effect.Effect<Redacted.Redacted<string>, StoreError> =>
      Effect.gen(function*() {
        const key = keyOf(openId)
        const entry = yield* load(key)
        const now = yield* Clock.currentTimeMillis
        if (isFresh(entry, now)) return entry.accessToken
        const id = TokenStore.keyString(key)
        const failedAt = (yield* Ref.get(proactiveFailedAt)).get(id)
        if (now < entry.expiresAt && failedAt !== undefined && now - failedAt < retryAfterFailure) {
          return entry.accessToken
        }
        const check = Effect.flatMap(load(key), (current) =>
          Effect.map(
            Clock.currentTimeMillis,
            (now) => isFresh(current, now) ? Option.some(current.accessToken) : Option.none()
          ))
        return yield* Effect.catchAll(flights.run(id, check, refreshNow(key, id)), (error) =>
          // A failed proactive refresh leaves the stored token; use it while it is valid.
          Effect.gen(function*() {
            const current = yield* store.get(key)
            const now = yield* Clock.currentTimeMillis
            yield* remember(proactiveFailedAt, id, now)
            if (Option.isSome(current) && now < current.value.expiresAt) {
              yield* Effect.logWarning("douyin token refresh failed; the current token is used until it expires", error.message)
              return current.value.accessToken
            }
            return yield* Effect.fail(error)
          }))
      })

    const refresh = (openId: string, stale: Redacted.Redacted<string>) => {
      const key = keyOf(openId)
      const id = TokenStore.keyString(key)
      const staleValue = Redacted.value(stale)
      const check = Effect.gen(function*() {
        const current = yield* load(key)
        if (Redacted.value(current.accessToken) !== staleValue) return Option.some(current.accessToken)
        const last = (yield* Ref.get(lastRefresh)).get(id)
        const now = yield* Clock.currentTimeMillis
        return last !== undefined && Redacted.value(last.from) === staleValue && now - last.at < reuseWindow
          ? Option.some(current.accessToken)
          : Option.none()
      })
      return Effect.asSome(flights.run(id, check, refreshNow(key, id)))
    }

    return { get, refresh }
  })

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
): Layer.Layer<AccessToken, never, TokenStore.TokenStore | OAuth.OAuth> =>
  Layer.scoped(AccessToken, makeStore(options))
