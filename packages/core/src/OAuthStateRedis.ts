/**
 * The Redis {@link OAuthState.NonceStore}: a used nonce is `<prefix>oauth-state:<nonce>`,
 * set with `SET NX PX` until its state expires, so a state works once across every instance
 * sharing the Redis. A module of its own (not in the package index) because it needs the
 * optional peer `ioredis`.
 *
 * @example
 * ```ts
 * import { OAuthState } from "@effect-douyin/core"
 * import * as OAuthStateRedis from "@effect-douyin/core/OAuthStateRedis"
 * import * as Redis from "@effect-douyin/core/Redis"
 * import { Layer } from "effect"
 *
 * const States = OAuthState.layerConfig().pipe(
 *   Layer.provide(OAuthStateRedis.layerNonces),
 *   Layer.provide(Redis.layerConfig())
 * ) // needs OAuth
 * ```
 *
 * @since 0.4.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as OAuthState from "./OAuthState.js"
import * as Redis from "./Redis.js"
import { TokenStoreError } from "./TokenStore.js"

/**
 * @since 0.4.0
 * @category constructors
 */
export const makeNonces: Effect.Effect<OAuthState.NonceStoreService, never, Redis.Redis> = Effect.map(
  Redis.Redis,
  (redis) => ({
    name: "redis",
    consume: (nonce, expiresAt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        redis.use(
          (c) => c.set(`${redis.prefix}oauth-state:${nonce}`, "1", "PX", Math.max(1, expiresAt - now), "NX"),
          "oauth state consume"
        )).pipe(
          Effect.map((reply) => reply === "OK"),
          Effect.mapError((e) => new TokenStoreError({ store: "redis", operation: "consume state", description: e.description }))
        )
  })
)

/**
 * @since 0.4.0
 * @category layers
 */
export const layerNonces: Layer.Layer<OAuthState.NonceStore, never, Redis.Redis> = Layer.effect(
  OAuthState.NonceStore,
  makeNonces
)
