/**
 * The client the loopback tests build: `DouyinClient.layer` to a real server's `baseUrl` over a
 * real socket, with the policies, token source and HttpClient each test chooses (no retry, no
 * rate limit, the static `DouyinTest.testToken` and undici unless it says otherwise).
 */
import type * as ConfigError from "effect/ConfigError"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Layer, Redacted } from "effect"

export interface ClientOptions<E = never> {
  readonly retry?: Layer.Layer<Retry.Retry, ConfigError.ConfigError, DouyinConfig.DouyinConfig> | undefined
  readonly rateLimit?: Layer.Layer<RateLimit.RateLimit, E> | undefined
  /** A static access token; ignored when `tokens` is given. */
  readonly token?: string | undefined
  readonly tokens?:
    | Layer.Layer<AccessToken.AccessToken, ConfigError.ConfigError, HttpClient.HttpClient | DouyinConfig.DouyinConfig>
    | undefined
  readonly http?: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError> | undefined
  readonly config?: DouyinConfig.Options | undefined
}

/** The client to `baseUrl`; its config and retry policy are in the output too. */
export const clientOver = <E = never>(baseUrl: string, options: ClientOptions<E> = {}) =>
  DouyinClient.layer.pipe(
    Layer.provideMerge(options.retry ?? Retry.layerDisabled),
    Layer.provide(options.rateLimit ?? RateLimit.layerDisabled),
    Layer.provide(options.tokens ?? AccessToken.layerStatic(Redacted.make(options.token ?? DouyinTest.testToken))),
    Layer.provideMerge(DouyinConfig.layer({ baseUrl, ...options.config })),
    Layer.provide(options.http ?? NodeHttpClient.layerUndici)
  )

export interface SeededToken {
  readonly openId: string
  readonly accessToken: string
  /** Epoch milliseconds. */
  readonly expiresAt: number
  readonly refreshToken: string
  /** Epoch milliseconds. */
  readonly refreshExpiresAt: number
}

/** Store-backed tokens refreshed through OAuth, over a memory store seeded with `tokens`. */
export const storeTokens = (options: {
  readonly clientKey: string
  readonly clientSecret: string
  readonly tokens: ReadonlyArray<SeededToken>
  readonly store?: AccessToken.StoreOptions | undefined
}) =>
  AccessToken.layerStore(options.store).pipe(
    Layer.provide(OAuth.layer({ clientKey: options.clientKey, clientSecret: Redacted.make(options.clientSecret) })),
    Layer.provide(TokenStore.layerMemory(options.tokens.map((t) =>
      [{ clientKey: options.clientKey, openId: t.openId }, {
        accessToken: Redacted.make(t.accessToken),
        expiresAt: t.expiresAt,
        refreshToken: Redacted.make(t.refreshToken),
        refreshExpiresAt: t.refreshExpiresAt,
        scope: []
      }] as const
    )))
  )
