/**
 * The app's `client_token` (POST `/oauth/client_token/`), fetched lazily, cached until shortly
 * before it expires and shared by every caller of the layer. Concurrent callers that find no
 * valid token wait for one fetch (single-flight). A failed fetch is not cached: the next
 * caller tries again.
 *
 * Douyin keeps only the latest two client tokens valid and rate-limits the endpoint
 * (more than 500 calls in 5 minutes → 10020), so share one layer per app.
 *
 * The fan-group endpoints do **not** take this token (they need the user's access token);
 * it is for app-level APIs.
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
import type * as Redacted from "effect/Redacted"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as OAuth from "./OAuth.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The app's `client_key` the token belongs to. */
  readonly clientKey: string
  /** The cached token, fetched first when there is none or it expires within `refreshBefore`. */
  readonly get: Effect.Effect<Redacted.Redacted<string>, OAuth.OAuthError>
  /** Drops the cached token (e.g. after Douyin rejected it); the next `get` fetches. */
  readonly invalidate: Effect.Effect<void>
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
 * A cache for the `client_token` of the `OAuth` app.
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

    return { clientKey: oauth.clientKey, get, invalidate: SynchronizedRef.set(cache, Option.none()) }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ClientToken, never, OAuth.OAuth> => Layer.effect(ClientToken, make(options))
