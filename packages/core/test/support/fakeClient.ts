/**
 * `DouyinClient.layer` over the fake server (`DouyinTest.layer`), for tests that choose the
 * policies or the token source (`DouyinTest.layerClient` fixes both). No retry, no rate limit
 * and the static `DouyinTest.testToken` unless the test says otherwise; the retry and rate-limit
 * services, the recorder, the HttpClient and the config are in the output.
 */
import type { HttpClient } from "@effect/platform"
import { Layer, Redacted } from "effect"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, RateLimit, Retry } from "../../src/index.js"

export const fakeClient = (
  responder: DouyinTest.Responder,
  options: {
    readonly retry?: Layer.Layer<Retry.Retry, never, DouyinConfig.DouyinConfig> | undefined
    readonly rateLimit?: Layer.Layer<RateLimit.RateLimit> | undefined
    readonly tokens?: Layer.Layer<AccessToken.AccessToken, never, HttpClient.HttpClient | DouyinConfig.DouyinConfig> | undefined
    readonly config?: DouyinConfig.Options | undefined
  } = {}
) =>
  DouyinClient.layer.pipe(
    Layer.provideMerge(options.retry ?? Retry.layerDisabled),
    Layer.provideMerge(options.rateLimit ?? RateLimit.layerDisabled),
    Layer.provide(options.tokens ?? AccessToken.layerStatic(Redacted.make(DouyinTest.testToken))),
    Layer.provideMerge(DouyinTest.layer(responder)),
    Layer.provideMerge(DouyinConfig.layer(options.config ?? {}))
  )
