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
import type * as Redacted from "effect/Redacted"
import { ConfigCheck } from "@effect-douyin/core"
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
 * Checks the options and builds the settings. A webhook receiver never runs without a real
 * secret: an empty or blank `clientSecret` fails with a `ConfigError` (with an empty secret
 * anyone can compute a valid signature), and so does a `maxBodyBytes` that is not a whole
 * number above 0. The secret is never part of the error.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { WebhookConfig } from "@effect-douyin/group"
 * // fails with ConfigError "(Invalid data at clientSecret: …)"
 * const settings = WebhookConfig.make({ clientSecret: Redacted.make("  ") })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Settings, ConfigError> =>
  Effect.gen(function*() {
    const clientSecret = yield* ConfigCheck.option("clientSecret", ConfigCheck.nonBlank, options.clientSecret)
    const maxBodyBytes = yield* ConfigCheck.option(
      "maxBodyBytes",
      ConfigCheck.positiveInteger,
      options.maxBodyBytes ?? defaultMaxBodyBytes
    )
    return { clientSecret, maxBodyBytes }
  })

/**
 * The settings from options, checked as {@link make} checks them.
 *
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
export const layer = (options: Options): Layer.Layer<WebhookConfig, ConfigError> => Layer.effect(WebhookConfig, make(options))

/**
 * What {@link layerConfig} reads: the secret from `DOUYIN_CLIENT_SECRET` (as `Redacted`; empty
 * or blank is a `ConfigError` at that key) and the optional body limit from
 * `DOUYIN_WEBHOOK_MAX_BODY_BYTES` (a whole number above 0).
 *
 * @since 0.3.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  clientSecret: ConfigCheck.key("DOUYIN_CLIENT_SECRET", Config.redacted(), ConfigCheck.nonBlank),
  maxBodyBytes: ConfigCheck.optional(
    ConfigCheck.key("DOUYIN_WEBHOOK_MAX_BODY_BYTES", Config.integer(), ConfigCheck.positiveInteger)
  )
})

/**
 * Reads {@link config} unless another config is given, and checks it as {@link make} does: a
 * missing, empty or blank secret fails the layer with a `ConfigError`, so no receiver is built.
 *
 * @example
 * ```ts
 * import { WebhookConfig } from "@effect-douyin/group"
 * const live = WebhookConfig.layerConfig() // DOUYIN_CLIENT_SECRET, DOUYIN_WEBHOOK_MAX_BODY_BYTES
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<WebhookConfig, ConfigError> => Layer.effect(WebhookConfig, Effect.flatMap(options, make))
