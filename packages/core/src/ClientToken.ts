/**
 * The app's `client_token` (POST `/oauth/client_token/`): the token of the app-level
 * endpoints (image upload, mini-program card templates), fetched lazily and shared by every
 * caller of the layer. Concurrent callers that find no valid token wait for one fetch
 * (single-flight). A failed fetch is not cached: the next caller tries again.
 *
 * Douyin keeps only the two newest client tokens valid (an older one dies about 5 minutes
 * after a newer one is issued) and rate-limits the endpoint (more than 500 calls in 5 minutes
 * → 10020). So several instances of one app, or a test environment sharing the production
 * key, must not each fetch their own: with {@link layerStore} the token lives in the same
 * `TokenStore` as the user tokens (the file store for one instance, Redis for many) and is
 * fetched once per expiry across every process sharing it, under the store's lease, the one
 * user-token refreshes take. {@link layer} keeps it in the process only.
 *
 * The token is `Redacted` everywhere: never in logs, spans or errors.
 *
 * @example
 * ```ts
 * import { ClientToken } from "@effect-douyin/core"
 * import { Effect } from "effect"
 * const token = Effect.flatMap(ClientToken.ClientToken, (c) => c.get) // Redacted<string>
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import { DouyinStoreError } from "./DouyinError.js"
import * as singleFlight from "./internal/singleFlight.js"
import * as TokenCache from "./internal/tokenCache.js"
import * as OAuth from "./OAuth.js"
import * as TokenStore from "./TokenStore.js"

/**
 * What obtaining the token can fail with: the fetch's errors, and `DouyinStoreError` when the
 * `TokenStore` of {@link layerStore} failed (nothing is sent then).
 *
 * @since 0.3.0
 * @category models
 */
export type Error = OAuth.OAuthError | DouyinStoreError

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The app's `client_key` the token belongs to. */
  readonly clientKey: string
  /** The cached token, fetched first when there is none or it expires within `refreshBefore`. */
  readonly get: Effect.Effect<Redacted.Redacted<string>, Error>
  /** Drops the cached token (e.g. after Douyin rejected it); the next `get` fetches. */
  readonly invalidate: Effect.Effect<void>
  /**
   * Douyin rejected `stale` as invalid or expired: the token to use instead. The one kept
   * already when it differs from `stale` (someone fetched meanwhile), else one new fetch
   * shared by every caller. The client asks this once per call, then retries once.
   *
   * @since 0.3.0
   */
  readonly refresh: (stale: Redacted.Redacted<string>) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, Error>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ClientToken extends Context.Tag("@effect-douyin/core/ClientToken")<ClientToken, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Fetch a new token when the cached one expires within this window (default 5 minutes). */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

interface Cached {
  readonly token: Redacted.Redacted<string>
  readonly expiresAt: number
}

/**
 * A cache for the `client_token` of the `OAuth` app, in this process only (see
 * {@link makeStore} for the token shared across processes).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, OAuth.OAuth> =>
  Effect.gen(function*() {
    const oauth = yield* OAuth.OAuth
    const refreshBefore = Duration.toMillis(options.refreshBefore ?? "5 minutes")
    const cache = yield* SynchronizedRef.make(Option.none<Cached>())
    const valid = (cached: Option.Option<Cached>, now: number) => Option.filter(cached, (c) => now < c.expiresAt - refreshBefore)

    // The lock of the SynchronizedRef makes concurrent misses wait for one fetch.
    const fetch = SynchronizedRef.modifyEffect(cache, (cached) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Option.match(valid(cached, now), {
          onSome: (c) =>
            Effect.succeed([c.token, cached] as const),
          onNone: () =>
            Effect.flatMap(oauth.clientToken, (fresh) =>
              Effect.map(Clock.currentTimeMillis, (at) => {
                const next: Cached = { token: fresh.accessToken, expiresAt: at + Duration.toMillis(fresh.expiresIn) }
                return [next.token, Option.some(next)] as const
              }))
        })))

    const get = Effect.flatMap(
      Effect.zip(SynchronizedRef.get(cache), Clock.currentTimeMillis),
      ([cached, now]) =>
        Option.match(valid(cached, now), {
          onSome: (c) =>
            Effect.succeed(c.token),
          onNone: () => fetch
        })
    )

    // Under the lock: a token other than `stale` that is still valid is kept; else fetch.
    const refresh = (stale: Redacted.Redacted<string>) =>
      Effect.asSome(SynchronizedRef.modifyEffect(cache, (cached) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const other = Option.filter(cached, (c) => now < c.expiresAt && Redacted.value(c.token) !== Redacted.value(stale))
          return Option.match(other, {
            onSome: (c) => Effect.succeed([c.token, cached] as const),
            onNone: () =>
              Effect.flatMap(oauth.clientToken, (fresh) =>
                Effect.map(Clock.currentTimeMillis, (at) => {
                  const next: Cached = { token: fresh.accessToken, expiresAt: at + Duration.toMillis(fresh.expiresIn) }
                  return [next.token, Option.some(next)] as const
                }))
          })
        })))

    return { clientKey: oauth.clientKey, get, invalidate: SynchronizedRef.set(cache, Option.none()), refresh }
  })

/**
 * One fixed client token (bring your own, or a test): never fetched nor refreshed.
 *
 * @since 0.3.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>, clientKey = "static"): Service => ({
  clientKey,
  get: Effect.succeed(token),
  invalidate: Effect.void,
  refresh: () => Effect.succeedNone
})

/**
 * {@link makeStatic} as a layer.
 *
 * @example
 * ```ts
 * import { ClientToken } from "@effect-douyin/core"
 * import { Redacted } from "effect"
 *
 * const AppToken = ClientToken.layerStatic(Redacted.make("clt.xxx"))
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>, clientKey?: string): Layer.Layer<ClientToken> =>
  Layer.succeed(ClientToken, makeStatic(token, clientKey))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ClientToken, never, OAuth.OAuth> => Layer.effect(ClientToken, make(options))

// ---------------------------------------------------------------------------------------------
// kept in the TokenStore

/**
 * Options of {@link layerStore}.
 *
 * @since 0.3.0
 * @category models
 */
export interface StoreOptions {
  /** Fetch a new token when the stored one expires within this window (default 5 minutes). */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /**
   * How long a fetch holds the store's lease (default 20 seconds): across processes sharing
   * the store one fetch runs at a time; a holder that crashed loses the lease after this long.
   */
  readonly leaseTtl?: Duration.DurationInput | undefined
  /**
   * How long an entry read from (or written to) the store is kept in memory, so the calls that
   * follow neither read the store nor wait (default 5 seconds; `0` reads it on every call). A
   * token another process fetched is seen at most this long after, or at once on an
   * invalid-token answer (the refresh always reads the store).
   */
  readonly cacheFor?: Duration.DurationInput | undefined
}

/**
 * Where the app's client token is kept in a `TokenStore`: an entry of its own, under the
 * pseudo-app `@client_token` with the app's `client_key` in place of an `open_id`. So it never
 * shows in the listing of the app's creators (`TokenStore.Service.list(clientKey)`), and no
 * real `open_id` can collide with it. The entry has the shape of a user token's: the token,
 * its expiry, an empty refresh token expiring with it, no scope.
 *
 * @since 0.3.0
 * @category utils
 */
export const storeKey = (clientKey: string): TokenStore.Key => ({ clientKey: "@client_token", openId: clientKey })

const storeEndpoint = "ClientToken/store"

const toCallError = (e: Error | TokenStore.TokenStoreError): Error =>
  e._tag === "TokenStoreError"
    ? new DouyinStoreError({ endpoint: storeEndpoint, store: e.store, operation: e.operation, description: e.description })
    : e

const entryOf = (token: OAuth.ClientToken, now: number): TokenStore.StoredToken => {
  const expiresAt = now + Duration.toMillis(token.expiresIn)
  return { accessToken: token.accessToken, expiresAt, refreshToken: Redacted.make(""), refreshExpiresAt: expiresAt, scope: [] }
}

/**
 * The client token kept in the provided `TokenStore`, shared by every process of the app that
 * shares the store. Rules:
 * 1. `get` answers from the store (or what was read from it within `cacheFor`) while the token
 *    is outside the `refreshBefore` window.
 * 2. Otherwise one fetch: single-flight in the process, and under the store's lease for the
 *    app's entry across processes; the entry is re-read once the lease is taken, so the
 *    processes that waited find the new token and send nothing. One fetch per expiry in all.
 * 3. The new token is written only after the fetch succeeded. A failed fetch while the stored
 *    token is still valid leaves it in use (logged without the token).
 * 4. `refresh(stale)` (after Douyin answered with an invalid- or expired-token code) reads the
 *    store: a valid token other than `stale` is used as it is (another process fetched it);
 *    else one fetch, as in rule 2.
 * 5. A store failure is the call's `DouyinStoreError`; nothing is sent.
 *
 * @since 0.3.0
 * @category constructors
 */
export const makeStore = (
  options: StoreOptions = {}
): Effect.Effect<Service, never, TokenStore.TokenStore | OAuth.OAuth | Scope.Scope> =>
  Effect.gen(function*() {
    const oauth = yield* OAuth.OAuth
    const refreshBefore = Duration.toMillis(options.refreshBefore ?? "5 minutes")
    const leaseTtl = Duration.decode(options.leaseTtl ?? "20 seconds")
    const clock = yield* Effect.clock
    const cache = TokenCache.make(yield* TokenStore.TokenStore, Duration.toMillis(options.cacheFor ?? "5 seconds"), clock)
    const flights = yield* singleFlight.make
    const key = storeKey(oauth.clientKey)
    const id = TokenStore.keyString(key)
    const isFresh = (entry: TokenStore.StoredToken, now: number) => now < entry.expiresAt - refreshBefore

    // The stored token when `accept` takes it, read through the cache.
    const stored = (accept: (entry: TokenStore.StoredToken, now: number) => boolean) =>
      Effect.flatMap(cache.store.get(key), (entry) =>
        Effect.map(Clock.currentTimeMillis, (now) => Option.map(Option.filter(entry, (e) => accept(e, now)), (e) => e.accessToken)))

    const fetchAndStore = Effect.gen(function*() {
      const fresh = yield* oauth.clientToken
      const now = yield* Clock.currentTimeMillis
      const entry = entryOf(fresh, now)
      yield* cache.store.set(key, entry)
      return entry.accessToken
    })

    // Rule 2: under the lease, re-read first.
    const fetchUnderLease = (satisfied: Effect.Effect<Option.Option<Redacted.Redacted<string>>, TokenStore.TokenStoreError>) =>
      cache.store.withLease(
        key,
        leaseTtl,
        Effect.flatMap(
          satisfied,
          Option.match({
            onSome: Effect.succeed,
            onNone: () =>
              fetchAndStore
          })
        )
      ).pipe(Effect.withSpan("ClientToken.fetch", { attributes: { "douyin.client_key": oauth.clientKey } }))

    const freshStored = stored(isFresh)

    const fetchOrKeep = Effect.catchAll(flights.run(id, freshStored, fetchUnderLease(freshStored)), (error) =>
      // Rule 3: a failed fetch leaves a still-valid stored token in use.
      Effect.flatMap(stored((e, now) => now < e.expiresAt), (valid) =>
        Option.match(valid, {
          onNone: () => Effect.fail(error),
          onSome: (token) =>
            Effect.as(
              Effect.logWarning("douyin client_token fetch failed; the stored token is used until it expires", error.message),
              token
            )
        })))

    const get: Service["get"] = Effect.suspend(() => {
      const now = clock.unsafeCurrentTimeMillis()
      const kept = cache.recent(key, now)
      if (kept !== undefined && isFresh(kept, now)) return Effect.succeed(kept.accessToken)
      return Effect.flatMap(freshStored, Option.match({ onSome: Effect.succeed, onNone: () => fetchOrKeep }))
    }).pipe(Effect.mapError(toCallError))

    const refresh: Service["refresh"] = (stale) => {
      const other = stored((e, now) => now < e.expiresAt && Redacted.value(e.accessToken) !== Redacted.value(stale))
      return Effect.zipRight(
        Effect.sync(() => cache.forget(key)),
        Effect.asSome(flights.run(id, other, fetchUnderLease(other)))
      ).pipe(Effect.mapError(toCallError))
    }

    return {
      clientKey: oauth.clientKey,
      get,
      invalidate: Effect.sync(() => cache.forget(key)),
      refresh
    }
  })

/**
 * The client token kept in the provided `TokenStore` (see {@link makeStore}): put the same
 * store under it as under `AccessToken.layerStore`, e.g. `TokenStoreRedis.layer()` for many
 * instances.
 *
 * @example
 * ```ts
 * import { ClientToken, OAuth, TokenStore } from "@effect-douyin/core"
 * import { NodeContext } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * const AppToken = ClientToken.layerStore().pipe(
 *   Layer.provide(TokenStore.layerFile({ directory: ".douyin-tokens" })),
 *   Layer.provide(NodeContext.layer),
 *   Layer.provide(OAuth.layerConfig())
 * )
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layerStore = (
  options: StoreOptions = {}
): Layer.Layer<ClientToken, never, TokenStore.TokenStore | OAuth.OAuth> => Layer.scoped(ClientToken, makeStore(options))
