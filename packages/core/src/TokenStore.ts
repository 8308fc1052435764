/**
 * Where user tokens live between calls: one entry per app and operator, keyed by
 * `client_key` + `open_id` (so one creator's token can never be read for another, nor one
 * app's for another app). `AccessToken.layerStore` reads it, refreshes through `OAuth` and
 * writes back only after a refresh succeeded.
 *
 * {@link layerMemory} keeps the entries in the layer (a `Ref`); bring your own persistent
 * store (Redis, a database) by implementing {@link Service}.
 *
 * @example
 * ```ts
 * import { OAuth, TokenStore } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * // After the user authorized: exchange the code and keep the tokens.
 * const onRedirect = (code: string) => TokenStore.authorize(code) // Effect<OAuth.UserToken, …, OAuth | TokenStore>
 * ```
 *
 * @since 0.1.0
 */
import { Clock, Context, Duration, Effect, Layer, Option, type Redacted, Ref } from "effect"
import * as OAuth from "./OAuth.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly clientKey: string
  readonly openId: string
}

/**
 * What the store keeps for one key. Times are epoch milliseconds (from `Clock`).
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredToken {
  readonly accessToken: Redacted.Redacted<string>
  /** When the access token expires. */
  readonly expiresAt: number
  readonly refreshToken: Redacted.Redacted<string>
  /** When the refresh token expires; after that only a new authorization helps. */
  readonly refreshExpiresAt: number
  readonly scope: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly get: (key: Key) => Effect.Effect<Option.Option<StoredToken>>
  readonly set: (key: Key, token: StoredToken) => Effect.Effect<void>
  readonly remove: (key: Key) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@effect-douyin/core/TokenStore")<TokenStore, Service>() {}

/**
 * The store's key as one string: unambiguous for any `client_key` and `open_id`.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyString = (key: Key): string => JSON.stringify([key.clientKey, key.openId])

/**
 * An in-memory store whose state lives in the returned service (nothing at module level).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (
  initial: Iterable<readonly [Key, StoredToken]> = []
): Effect.Effect<Service> =>
  Effect.map(
    Ref.make<ReadonlyMap<string, StoredToken>>(new Map([...initial].map(([k, v]) => [keyString(k), v]))),
    (ref): Service => ({
      get: (key) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(keyString(key)))),
      set: (key, token) => Ref.update(ref, (m) => new Map(m).set(keyString(key), token)),
      remove: (key) =>
        Ref.update(ref, (m) => {
          const next = new Map(m)
          next.delete(keyString(key))
          return next
        })
    })
  )

/**
 * An in-memory store, optionally seeded with entries.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (initial: Iterable<readonly [Key, StoredToken]> = []): Layer.Layer<TokenStore> =>
  Layer.effect(TokenStore, makeMemory(initial))

/**
 * The entry for a freshly issued user token, with expiries counted from `receivedAt`
 * (epoch ms).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromUserToken = (token: OAuth.UserToken, receivedAt: number): StoredToken => ({
  accessToken: token.accessToken,
  expiresAt: receivedAt + Duration.toMillis(token.expiresIn),
  refreshToken: token.refreshToken,
  refreshExpiresAt: receivedAt + Duration.toMillis(token.refreshExpiresIn),
  scope: token.scope
})

/**
 * Exchanges an authorization code (POST `/oauth/access_token/`) and stores the tokens under
 * the app's `client_key` and the `open_id` Douyin returned. Fails with the OAuth error and
 * stores nothing when the exchange fails.
 *
 * @since 0.1.0
 * @category flows
 */
export const authorize = (
  code: string | Redacted.Redacted<string>
): Effect.Effect<OAuth.UserToken, OAuth.OAuthError, OAuth.OAuth | TokenStore> =>
  Effect.gen(function*() {
    const oauth = yield* OAuth.OAuth
    const store = yield* TokenStore
    const token = yield* oauth.accessToken(code)
    const now = yield* Clock.currentTimeMillis
    yield* store.set({ clientKey: oauth.clientKey, openId: token.openId }, fromUserToken(token, now))
    return token
  })
