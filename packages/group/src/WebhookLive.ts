/**
 * The webhook receiver in one call: `WebhookHandler.layer` over `WebhookConfig` (the
 * `client_secret` the signatures are checked with) and a `WebhookDedupe` store: in Redis when a
 * connection is given (`DOUYIN_REDIS_URL` with `DOUYIN_REDIS_PREFIX`), so that a delivery that
 * reaches several instances at once is handled once in total; else in memory (one instance).
 *
 * A module of its own (`@effect-douyin/group/WebhookLive`), not in the package index: with a
 * Redis connection it loads `ioredis`, an optional peer, which it imports only then.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer } from "@effect/platform"
 * import { WebhookHandler } from "@effect-douyin/group"
 * import * as WebhookLive from "@effect-douyin/group/WebhookLive"
 * import { Effect, Layer } from "effect"
 *
 * // DOUYIN_CLIENT_SECRET, and DOUYIN_REDIS_URL when the app runs on several instances
 * const Webhooks = WebhookLive.layerConfig({
 *   EntryApplicationChanged: (event) => Effect.log(`${event.applicantOpenId} applied to a group of ${event.ownerOpenId}`)
 * }, { acknowledge: "afterHandler" })
 *
 * const Server = HttpRouter.empty.pipe(
 *   HttpRouter.post("/douyin/webhook", WebhookHandler.app),
 *   HttpServer.serve(),
 *   Layer.provide(Webhooks)
 * )
 * ```
 *
 * @since 0.4.0
 */
import { RedisConnection } from "@effect-douyin/core"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as WebhookConfig from "./WebhookConfig.js"
import * as WebhookDedupe from "./WebhookDedupe.js"
import * as WebhookHandler from "./WebhookHandler.js"

/**
 * Options of {@link layer}: the receiver's settings, how it acknowledges, and where the
 * Msg-Ids are kept.
 *
 * @since 0.4.0
 * @category models
 */
export interface Options extends WebhookConfig.Options, WebhookHandler.Options {
  /** The Redis connection the dedupe store shares with the other instances; absent: in memory. */
  readonly redis?: RedisConnection.Options | undefined
}

/**
 * What building the receiver can fail with: a missing or blank secret, a bad size or handler
 * timeout (`ConfigError`), or a Redis that cannot be reached (`WebhookDedupeError`).
 *
 * @since 0.4.0
 * @category models
 */
export type BuildError = ConfigError.ConfigError | WebhookDedupe.WebhookDedupeError

/** The dedupe store: Redis (loaded only then) or memory. */
const dedupe = (redis: RedisConnection.Options | undefined): Layer.Layer<WebhookDedupe.WebhookDedupe, BuildError> =>
  redis === undefined ? WebhookDedupe.layer : Layer.unwrapEffect(Effect.promise(async () => {
    const [Redis, WebhookDedupeRedis] = await Promise.all([
      import("@effect-douyin/core/Redis"),
      import("./WebhookDedupeRedis.js")
    ])
    return WebhookDedupeRedis.layer().pipe(
      Layer.provide(
        Redis.layer(redis).pipe(
          Layer.mapError((e) => new WebhookDedupe.WebhookDedupeError({ description: `redis ${e.operation}: ${e.description}` }))
        )
      )
    )
  }))

/**
 * The receiver from code.
 *
 * @since 0.4.0
 * @category layers
 */
export const layer = <R = never>(
  handlers: WebhookHandler.Handlers<R>,
  options: Options
): Layer.Layer<WebhookHandler.WebhookHandler, BuildError, Exclude<R, Scope.Scope>> =>
  WebhookHandler.layer(handlers, { acknowledge: options.acknowledge, handlerTimeout: options.handlerTimeout }).pipe(
    Layer.provide(WebhookConfig.layer({ clientSecret: options.clientSecret, maxBodyBytes: options.maxBodyBytes })),
    Layer.provide(dedupe(options.redis))
  )

/**
 * The keys {@link layerConfig} reads: `WebhookConfig.config` (`DOUYIN_CLIENT_SECRET`,
 * `DOUYIN_WEBHOOK_MAX_BODY_BYTES`) and the optional `DOUYIN_REDIS_URL` (redacted) with
 * `DOUYIN_REDIS_PREFIX`, the keys `FanGroupLive.layerConfig` reads too: one Redis for both.
 *
 * @since 0.4.0
 * @category config
 */
export const config: Config.Config<WebhookConfig.Options & { readonly redis?: RedisConnection.Options | undefined }> = Config.map(
  Config.all({ webhook: WebhookConfig.config, redis: RedisConnection.config }),
  ({ redis, webhook }) => ({ ...webhook, redis: Option.getOrUndefined(redis) })
)

/**
 * The receiver from config ({@link config}); `options` are the code-only parts (the
 * acknowledgement mode and its handler timeout).
 *
 * @since 0.4.0
 * @category layers
 */
export const layerConfig = <R = never>(
  handlers: WebhookHandler.Handlers<R>,
  options: WebhookHandler.Options = {}
): Layer.Layer<WebhookHandler.WebhookHandler, BuildError, Exclude<R, Scope.Scope>> =>
  Layer.unwrapEffect(Effect.map(config, (configured) => layer(handlers, { ...configured, ...options })))
