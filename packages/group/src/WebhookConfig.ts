/**
 * What the webhook receiver needs to know: the app's `client_secret` (Douyin signs every
 * delivery with it) and the largest body it accepts.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { ConfigError } from "effect/ConfigError"

/**
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** The app's `client_secret`. Never logged, never part of an error or a response. */
  readonly clientSecret: Redacted.Redacted<string>
  /** Bodies larger than this are refused with 413 before they are verified. */
  readonly maxBodyBytes: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly clientSecret: Redacted.Redacted<string>
  /** Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * The webhook receiver's settings.
 *
 * @since 0.1.0
 * @category tags
 */
export class WebhookConfig extends Context.Tag("@effect-douyin/group/WebhookConfig")<WebhookConfig, Settings>() {}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBodyBytes = 1024 * 1024

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Settings => ({
  clientSecret: options.clientSecret,
  maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes
})

/**
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { WebhookConfig } from "@effect-douyin/group"
 * const live = WebhookConfig.layer({ clientSecret: Redacted.make(process.env.SECRET!) })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<WebhookConfig> => Layer.succeed(WebhookConfig, make(options))

/**
 * Reads the secret from `DOUYIN_CLIENT_SECRET` (as `Redacted`) and the optional body limit
 * from `DOUYIN_WEBHOOK_MAX_BODY_BYTES`, unless another config is given.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> = Config.all({
    clientSecret: Config.redacted("DOUYIN_CLIENT_SECRET"),
    maxBodyBytes: Config.option(Config.integer("DOUYIN_WEBHOOK_MAX_BODY_BYTES")).pipe(
      Config.map(Option.getOrUndefined)
    )
  })
): Layer.Layer<WebhookConfig, ConfigError> => Layer.effect(WebhookConfig, Effect.map(config, make))
