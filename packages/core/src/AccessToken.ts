/**
 * Where the user access token for an operator (`open_id`) comes from. Every call asks this
 * service for the token of its `open_id`; on an expired-token code the client asks it once
 * to refresh.
 *
 * Implementations: {@link layerStatic} / {@link layerConfig} (one fixed token),
 * {@link layerFunction} (bring your own), and the store-backed layer with OAuth refresh
 * in `TokenStore`.
 *
 * @since 0.1.0
 */
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"
import type { DouyinCommonError } from "./DouyinError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The token to use for `openId` now. */
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  /**
   * Douyin rejected `stale` as expired or invalid: obtain a fresh token. `None` means this
   * source cannot refresh, and the call fails with Douyin's auth error.
   */
  readonly refresh: (
    openId: string,
    stale: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, DouyinCommonError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AccessToken extends Context.Tag("@effect-douyin/core/AccessToken")<AccessToken, Service>() {}

/**
 * A per-call override, read by the client on every call (see {@link withToken}).
 *
 * @since 0.1.0
 * @category references
 */
export class Override extends Context.Reference<Override>()("@effect-douyin/core/AccessToken/Override", {
  defaultValue: (): Option.Option<Redacted.Redacted<string>> => Option.none()
}) {}

/**
 * Runs `effect` with a fixed token for every call inside it, whatever the layer says.
 * An overridden token is never refreshed.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@effect-douyin/core"
 * import { Redacted } from "effect"
 * program.pipe(AccessToken.withToken(Redacted.make("act.xxx")))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken =
  (token: Redacted.Redacted<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, Override, Option.some(token))

const noRefresh = Effect.succeed(Option.none<Redacted.Redacted<string>>())

/**
 * One token for every `open_id`; never refreshed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>): Service => ({
  get: () => Effect.succeed(token),
  refresh: () => noRefresh
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<AccessToken> =>
  Layer.succeed(AccessToken, makeStatic(token))

/**
 * One static token read from config (default `DOUYIN_ACCESS_TOKEN`), kept `Redacted`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("DOUYIN_ACCESS_TOKEN")
): Layer.Layer<AccessToken, ConfigError> => Layer.effect(AccessToken, Effect.map(config, makeStatic))

/**
 * Bring your own: `get` resolves the token for an `open_id`; the optional `refresh` is asked
 * once after Douyin rejected a token as expired.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFunction = (options: {
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  readonly refresh?: Service["refresh"] | undefined
}): Layer.Layer<AccessToken> =>
  Layer.succeed(AccessToken, { get: options.get, refresh: options.refresh ?? (() => noRefresh) })
