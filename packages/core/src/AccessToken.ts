/**
 * Where the user access token for an operator (`open_id`) comes from. Every call asks this
 * service for the token of its `open_id`; on an expired-token code the client asks it once
 * to refresh.
 *
 * Implementations: {@link layerStatic} / {@link layerConfig} (one fixed token),
 * {@link layerFunction} (bring your own), and {@link layerStore} (tokens kept in a
 * `TokenStore`, refreshed through `OAuth`: proactively before expiry, reactively once on an
 * expired-token code, single-flight per `client_key` + `open_id`).
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
import { dual } from "effect/Function"
import type * as Scope from "effect/Scope"
import type { DouyinCommonError } from "./DouyinError.js"
import type { StoreOptions } from "./internal/accessToken/options.js"
import type { Service, StoreService } from "./internal/accessToken/service.js"
import * as internalStore from "./internal/accessToken/store.js"
import type * as OAuth from "./OAuth.js"
import type * as TokenStore from "./TokenStore.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  Service,
  /**
   * The store-backed source: a {@link Service} whose error channel is exactly {@link StoreError}.
   *
   * @since 0.1.0
   * @category models
   */
  StoreService
} from "./internal/accessToken/service.js"

export type {
  /**
   * The errors the store-backed source can fail with: the OAuth refresh's errors, and three
   * raised locally without a request:
   * - `DouyinAuthError` 10010 when no token is stored for the key (the user must authorize) or
   *   the stored refresh token has expired or was refused;
   * - `DouyinPermissionError` 2190015 when the refresh answered for another `open_id`;
   * - `DouyinStoreError` when the `TokenStore` failed (e.g. Redis down).
   *
   * @since 0.1.0
   * @category models
   */
  StoreError
} from "./internal/accessToken/errors.js"

export type {
  /**
   * A creator must authorize the app again (or grant a scope): what a program can observe with
   * `StoreOptions.onReauthorization`, besides `TokenStore.needingReauthorization`.
   *
   * @since 0.4.0
   * @category models
   */
  ReauthorizationEvent,
  /**
   * Options of {@link layerStore}.
   *
   * @since 0.1.0
   * @category models
   */
  StoreOptions
} from "./internal/accessToken/options.js"

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
 * An overridden token is never refreshed. Data-last (in a pipe) or data-first.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@effect-douyin/core"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.log("calls Douyin")
 * const piped = program.pipe(AccessToken.withToken(Redacted.make("act.xxx")))
 * const direct = AccessToken.withToken(program, Redacted.make("act.xxx"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken: {
  (token: Redacted.Redacted<string>): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, Override, Option.some(token))
)

const noRefresh = Effect.succeed(Option.none<Redacted.Redacted<string>>())

/**
 * One token for every `open_id`; never refreshed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>): Service => {
  const got = Effect.succeed(token)
  return {
    get: () => got,
    refresh: () => noRefresh,
    immediate: true,
    peek: () => token
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, makeStatic(token))

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
}): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, { get: options.get, refresh: options.refresh ?? (() => noRefresh) })

/**
 * Builds the store-backed token source for the `OAuth` app's `client_key`.
 *
 * Rules (each covered by `test/AccessTokenStore.test.ts` and the loopback rows in
 * `test/tokens.test.ts` and `test/instances.test.ts` at the repository root):
 * 1. `get` answers from the store while the token is outside the `refreshBefore` window;
 *    inside it, it refreshes first (proactive). If that refresh fails while the token is still
 *    valid, the stored token is used.
 * 2. `refresh(openId, stale)` (reactive, asked once by the client after an expired-token code)
 *    returns the stored token without a request when it differs from `stale` (someone refreshed
 *    already) or when `stale` was refreshed within `reuseWindow`.
 * 3. At most one refresh per `client_key` + `open_id` runs at a time: in the process
 *    (single-flight, concurrent callers share its result, success or failure) and across
 *    processes sharing the store (its lease; the entry is re-read once the lease is taken).
 * 4. The new token is written to the store only after the refresh succeeded; a failed refresh
 *    leaves the stored token as it was.
 * 5. A transient failure is held for a doubling backoff (1 s up to `retryAfterFailure`): no
 *    request for that key meanwhile. A terminal failure (any Douyin code except busy: 10010,
 *    10020, 2190015…) is held for that refresh token until a new one is stored.
 * 6. An expired refresh token (by the stored expiry) fails with 10010 without a request; a
 *    refresh answered for another `open_id` fails with 2190015 and stores nothing.
 * 7. The refresh token is renewed ahead of its expiry (`renewRefreshToken`, `renewBefore`);
 *    10004 / 10020 / 10010 on renewal, or 10010 on refresh, mark the creator as needing
 *    re-authorization (`TokenStore.needingReauthorization`), logged once with the open_id.
 * 8. A `TokenStore` failure is the call's `DouyinStoreError`; nothing is sent.
 * 9. An entry read from or written to the store is kept in memory for `cacheFor`: while it is
 *    fresh by rule 1 and no renewal is due, `get` and `peek` answer from it without the store.
 *    A reactive refresh drops it and reads the store; failures are never kept.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  options: StoreOptions = {}
): Effect.Effect<StoreService, ConfigError, TokenStore.TokenStore | OAuth.OAuth | Scope.Scope> => internalStore.makeStore(options)

/**
 * Tokens from a `TokenStore`, refreshed through `OAuth` (see {@link makeStore} for the rules).
 * Put tokens into the store with `TokenStore.authorize(code)` after the user authorized.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, OAuth, TokenStore } from "@effect-douyin/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(AccessToken.layerStore({ refreshBefore: "10 minutes" })),
 *   Layer.provideMerge(TokenStore.layerMemory()),
 *   Layer.provideMerge(OAuth.layerConfig()),
 *   Layer.provideMerge(DouyinConfig.layer()),
 *   Layer.provideMerge(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStore = (
  options: StoreOptions = {}
): Layer.Layer<AccessToken, ConfigError, TokenStore.TokenStore | OAuth.OAuth> => Layer.scoped(AccessToken, makeStore(options))
