/**
 * Where and how long: the base URL of the Open Platform and the per-attempt and
 * per-call timeouts every call obeys.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/**
 * The production host.
 *
 * @since 0.1.0
 * @category constants
 */
export const productionBaseUrl = "https://open.douyin.com"

/**
 * Douyin's own sandbox host (no group-specific support is documented).
 *
 * @since 0.1.0
 * @category constants
 */
export const sandboxBaseUrl = "https://open-sandbox.douyin.com"

/**
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** Base URL without a trailing slash, e.g. `https://open.douyin.com`. */
  readonly baseUrl: string
  /** Longest wait for one HTTP attempt, from send to decoded body. */
  readonly attemptTimeout: Duration.Duration
  /** Longest wait for a whole call, retries and backoff included. */
  readonly callTimeout: Duration.Duration
  /** Optional `User-Agent` header. */
  readonly userAgent: Option.Option<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly baseUrl?: string | undefined
  readonly attemptTimeout?: Duration.DurationInput | undefined
  readonly callTimeout?: Duration.DurationInput | undefined
  readonly userAgent?: string | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class DouyinConfig extends Context.Tag("@effect-douyin/core/DouyinConfig")<DouyinConfig, Settings>() {}

/**
 * Builds settings from options; anything left out takes its default
 * (production URL, 10 s per attempt, 30 s per call).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Settings => ({
  baseUrl: (options.baseUrl ?? productionBaseUrl).replace(/\/+$/, ""),
  attemptTimeout: Duration.decode(options.attemptTimeout ?? "10 seconds"),
  callTimeout: Duration.decode(options.callTimeout ?? "30 seconds"),
  userAgent: Option.fromNullable(options.userAgent)
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<DouyinConfig> => Layer.succeed(DouyinConfig, make(options))

/**
 * The options from config: `DOUYIN_BASE_URL`, `DOUYIN_ATTEMPT_TIMEOUT`, `DOUYIN_CALL_TIMEOUT`
 * (durations, e.g. `10 seconds`), `DOUYIN_USER_AGENT`, all optional.
 *
 * @example
 * ```ts
 * import { DouyinConfig } from "@effect-douyin/core"
 * import { Config } from "effect"
 *
 * const withAgent = Config.map(DouyinConfig.config, (options) => ({ ...options, userAgent: "my-app/1.0" }))
 * const live = DouyinConfig.layerConfig(withAgent)
 * ```
 *
 * @since 0.2.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  baseUrl: Config.option(Config.string("DOUYIN_BASE_URL")).pipe(Config.map(Option.getOrUndefined)),
  attemptTimeout: Config.option(Config.duration("DOUYIN_ATTEMPT_TIMEOUT")).pipe(Config.map(Option.getOrUndefined)),
  callTimeout: Config.option(Config.duration("DOUYIN_CALL_TIMEOUT")).pipe(Config.map(Option.getOrUndefined)),
  userAgent: Config.option(Config.string("DOUYIN_USER_AGENT")).pipe(Config.map(Option.getOrUndefined))
})

/**
 * Reads {@link config} (`DOUYIN_BASE_URL` and friends) unless another config is given.
 *
 * @example
 * ```ts
 * import { DouyinConfig } from "@effect-douyin/core"
 * const live = DouyinConfig.layerConfig() // reads DOUYIN_BASE_URL and friends
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<DouyinConfig, ConfigError.ConfigError> => Layer.effect(DouyinConfig, Effect.map(options, make))
