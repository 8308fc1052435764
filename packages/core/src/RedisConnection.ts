/**
 * Where the Redis every instance of an app shares is, as options and as config, without loading
 * the Redis client: the one-call layers (`FanGroupLive`, `WebhookLive` of
 * `@effect-douyin/group`) read these and load `@effect-douyin/core/Redis` (and `ioredis`, an
 * optional peer) only when a connection is configured.
 *
 * @example
 * ```ts
 * import { RedisConnection } from "@effect-douyin/core"
 * import { Effect, Option } from "effect"
 *
 * // DOUYIN_REDIS_URL (redacted) and DOUYIN_REDIS_PREFIX; none: Option.none()
 * const where = Effect.map(RedisConnection.config, Option.map((redis) => redis.prefix))
 * ```
 *
 * @since 0.4.0
 */
import * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as ConfigCheck from "./ConfigCheck.js"

/**
 * One Redis connection (the options `Redis.layer` of `@effect-douyin/core/Redis` takes).
 *
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /** `redis://[:password@]host:port[/db]` (redacted: it may hold a password). */
  readonly url: string | Redacted.Redacted<string>
  /** Prepended to every key (default `effect-douyin:`), so apps can share a Redis. */
  readonly prefix?: string | undefined
  /** Longest wait for one command's answer. Default 2 seconds. */
  readonly commandTimeout?: Duration.DurationInput | undefined
  /** Longest wait for the first connection when the layer is built. Default 5 seconds. */
  readonly connectTimeout?: Duration.DurationInput | undefined
}

/**
 * `DOUYIN_REDIS_URL` (redacted) with the optional `DOUYIN_REDIS_PREFIX`; `Option.none()` when
 * `DOUYIN_REDIS_URL` is not set (the embedded stores are used then).
 *
 * @since 0.4.0
 * @category config
 */
export const config: Config.Config<Option.Option<Options>> = Config.map(
  Config.all({
    url: Config.option(Config.redacted("DOUYIN_REDIS_URL")),
    prefix: ConfigCheck.optional(Config.string("DOUYIN_REDIS_PREFIX"))
  }),
  ({ prefix, url }) => Option.map(url, (url): Options => ({ url, prefix }))
)
