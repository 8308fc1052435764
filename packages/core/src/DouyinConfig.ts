/**
 * Where and how long: the base URL of the Open Platform and the per-attempt and
 * per-call timeouts every call obeys.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ConfigCheck from "./ConfigCheck.js"

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
 * Checks the options and builds the settings; anything left out takes its default
 * (production URL, 10 s per attempt but never more than the call timeout, 30 s per call).
 * A bad value fails with a `ConfigError` naming the option (see `ConfigCheck`): a base URL
 * that is not an absolute `http:`/`https:` URL or has credentials, a query or a fragment; a
 * duration that is not above 0; an attempt timeout longer than the call timeout. A base URL
 * with a path (a proxy mount) is kept, without its trailing slash.
 *
 * @example
 * ```ts
 * import { DouyinConfig } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * const settings = DouyinConfig.make({ baseUrl: "https://gateway.example/douyin/", callTimeout: "5 seconds" })
 * // Effect<Settings, ConfigError>: baseUrl "https://gateway.example/douyin", attemptTimeout 5 s
 * const program = Effect.map(settings, (settings) => settings.baseUrl)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Settings, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const baseUrl = yield* ConfigCheck.option("baseUrl", ConfigCheck.httpUrl, options.baseUrl ?? productionBaseUrl)
    const callTimeout = yield* ConfigCheck.option("callTimeout", ConfigCheck.positiveDuration, options.callTimeout ?? "30 seconds")
    const attemptTimeout = options.attemptTimeout === undefined
      ? Duration.min(defaultAttemptTimeout, callTimeout)
      : yield* ConfigCheck.option("attemptTimeout", ConfigCheck.positiveDuration, options.attemptTimeout)
    if (Duration.greaterThan(attemptTimeout, callTimeout)) {
      return yield* Effect.fail(ConfigError.InvalidData(
        ["attemptTimeout"],
        `the attempt timeout (${Duration.format(attemptTimeout)}) is longer than the call timeout (${Duration.format(callTimeout)})`
      ))
    }
    return { baseUrl, attemptTimeout, callTimeout, userAgent: Option.fromNullable(options.userAgent) }
  })

const defaultAttemptTimeout = Duration.seconds(10)

/**
 * The settings from options, checked as {@link make} checks them: a bad value fails the layer
 * with a `ConfigError` naming the option.
 *
 * @example
 * ```ts
 * import { DouyinConfig } from "@effect-douyin/core"
 * const live = DouyinConfig.layer({ baseUrl: "http://127.0.0.1:8787", callTimeout: "5 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<DouyinConfig, ConfigError.ConfigError> =>
  Layer.effect(DouyinConfig, make(options))

/**
 * The options from config: `DOUYIN_BASE_URL`, `DOUYIN_ATTEMPT_TIMEOUT`, `DOUYIN_CALL_TIMEOUT`
 * (durations, e.g. `10 seconds`), `DOUYIN_USER_AGENT`, all optional. Each key is checked as
 * {@link make} checks its option; a bad value is a `ConfigError` at that key.
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
  baseUrl: ConfigCheck.optional(ConfigCheck.key("DOUYIN_BASE_URL", Config.string(), ConfigCheck.httpUrl)),
  attemptTimeout: ConfigCheck.optional(ConfigCheck.key("DOUYIN_ATTEMPT_TIMEOUT", Config.duration(), ConfigCheck.positiveDuration)),
  callTimeout: ConfigCheck.optional(ConfigCheck.key("DOUYIN_CALL_TIMEOUT", Config.duration(), ConfigCheck.positiveDuration)),
  userAgent: ConfigCheck.optional(Config.string("DOUYIN_USER_AGENT"))
})

/**
 * Reads {@link config} (`DOUYIN_BASE_URL` and friends) unless another config is given, and
 * checks it as {@link make} does.
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
): Layer.Layer<DouyinConfig, ConfigError.ConfigError> => Layer.effect(DouyinConfig, Effect.flatMap(options, make))
