/**
 * The Redis-backed {@link TokenStore.TokenStore}, for many instances of one app sharing tokens:
 * entries under `<prefix>token:…`, a set of open_ids per app, and refresh leases (`SET NX PX`,
 * released by their owner only, ending after their TTL when the holder crashed). While Redis is
 * down every operation fails at once with `TokenStoreError`; it recovers when Redis returns.
 *
 * A module of its own, not re-exported by the package index, because it needs the optional peer
 * `ioredis` (through `Redis`): an app that keeps its tokens elsewhere never loads it.
 *
 * @example
 * ```ts
 * import * as Redis from "@effect-douyin/core/Redis"
 * import * as TokenStoreRedis from "@effect-douyin/core/TokenStoreRedis"
 * import { Layer } from "effect"
 *
 * const Tokens = TokenStoreRedis.layer().pipe(Layer.provide(Redis.layerConfig()))
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ConfigError } from "effect/ConfigError"
import * as redisBackend from "./internal/redisBackend.js"
import * as Redis from "./Redis.js"
import * as TokenStore from "./TokenStore.js"

/**
 * Options of {@link layer}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  readonly encryption?: TokenStore.Encryption | undefined
}

/**
 * The Redis store over the shared `Redis` connection.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<TokenStore.Service, TokenStore.TokenStoreError, Redis.Redis> =>
  Effect.flatMap(Redis.Redis, (redis) => TokenStore.makeEncoded(redisBackend.make(redis), options.encryption))

/**
 * The Redis store as a layer (see {@link make}).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TokenStore.TokenStore, TokenStore.TokenStoreError, Redis.Redis> =>
  Layer.effect(TokenStore.TokenStore, make(options))

/**
 * The Redis store from config, encrypted when `DOUYIN_TOKEN_KEY` is set.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> = Config.all({ encryption: TokenStore.optionalEncryption })
): Layer.Layer<TokenStore.TokenStore, TokenStore.TokenStoreError | ConfigError, Redis.Redis> =>
  Layer.effect(TokenStore.TokenStore, Effect.flatMap(config, make))
