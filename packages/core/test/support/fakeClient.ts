/**
 * `DouyinClient.layer` over the fake server (`DouyinTest.layer`), for tests that choose the
 * policies or the token source (`DouyinTest.layerClient` fixes both). No retry, no rate limit
 * and the static `DouyinTest.testToken` unless the test says otherwise; the retry and rate-limit
 * services, the recorder, the HttpClient and the config are in the output. `unchecked` settings
 * bypass `DouyinConfig`'s checks (as a hand-made `Layer.succeed(DouyinConfig, …)` would), for
 * tests of what the client itself guarantees whatever the settings.
 */
import type * as ConfigError from "effect/ConfigError"
import type { HttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, RateLimit, Retry } from "../../src/index.js"

export const fakeClient = (
  responder: DouyinTest.Responder,
  options: {
    readonly retry?: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig> | undefined
    readonly rateLimit?: Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError> | undefined
    readonly tokens?:
      | Layer.Layer<AccessToken.AccessToken, ConfigError.ConfigError, HttpClient.HttpClient | DouyinConfig.DouyinConfig>
      | undefined
    readonly config?: DouyinConfig.Options | undefined
    readonly unchecked?: Partial<DouyinConfig.Settings> | undefined
  } = {}
) =>
  DouyinClient.layer.pipe(
    Layer.provideMerge(options.retry ?? Retry.layerDisabled),
    Layer.provideMerge(options.rateLimit ?? RateLimit.layerDisabled),
    Layer.provide(options.tokens ?? AccessToken.layerStatic(Redacted.make(DouyinTest.testToken))),
    Layer.provideMerge(DouyinTest.layer(responder)),
    Layer.provideMerge(
      options.unchecked === undefined
        ? DouyinConfig.layer(options.config ?? {})
        : Layer.effect(
          DouyinConfig.DouyinConfig,
          Effect.map(DouyinConfig.make(options.config ?? {}), (checked) => ({ ...checked, ...options.unchecked }))
        )
    )
  )
