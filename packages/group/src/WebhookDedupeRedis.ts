/**
 * The Redis-backed {@link WebhookDedupe.WebhookDedupe} store, for many instances receiving
 * webhooks: a delivery that reaches two instances is handled once in total.
 *
 * A module of its own, not re-exported by the package index, because it needs the optional peer
 * `ioredis` (through `Redis`): an app that dedupes in memory never loads it.
 *
 * @since 0.2.0
 */
import * as Redis from "@effect-douyin/core/Redis"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as WebhookDedupe from "./WebhookDedupe.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface RedisOptions {
  /** How long an id is remembered after its first delivery; default 1 hour. */
  readonly timeToLive?: Duration.DurationInput | undefined
}

/**
 * A store shared by every instance through the `Redis` connection: a claim is one
 * `SET <prefix>webhook:<Msg-Id> 1 NX PX <ttl>`, atomic in Redis, so of concurrent claims of
 * one id on any number of instances exactly one gets `true`. While Redis is down a claim
 * fails with `WebhookDedupe.WebhookDedupeError` (the handler then processes the delivery and logs it).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: RedisOptions = {}): Effect.Effect<WebhookDedupe.Service, never, Redis.Redis> =>
  Effect.map(Redis.Redis, (redis) => {
    const ttl = Math.max(1, Duration.toMillis(options.timeToLive ?? Duration.hours(1)))
    const keyOf = (msgId: string) => `${redis.prefix}webhook:${msgId}`
    const typed = (error: Redis.RedisError) => new WebhookDedupe.WebhookDedupeError({ description: error.message })
    return {
      claim: (msgId) =>
        redis.use((client) => client.set(keyOf(msgId), "1", "PX", ttl, "NX"), "webhook claim").pipe(
          Effect.map((reply) => reply === "OK"),
          Effect.mapError(typed)
        ),
      release: (msgId) => redis.use((client) => client.del(keyOf(msgId)), "webhook release").pipe(Effect.asVoid, Effect.mapError(typed))
    }
  })

/**
 * The Redis-backed store as a layer (see {@link make}).
 *
 * @example
 * ```ts
 * import * as Redis from "@effect-douyin/core/Redis"
 * import * as WebhookDedupeRedis from "@effect-douyin/group/WebhookDedupeRedis"
 * import { Layer } from "effect"
 *
 * const Dedupe = WebhookDedupeRedis.layer().pipe(Layer.provide(Redis.layerConfig()))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: RedisOptions = {}): Layer.Layer<WebhookDedupe.WebhookDedupe, never, Redis.Redis> =>
  Layer.effect(WebhookDedupe.WebhookDedupe, make(options))
