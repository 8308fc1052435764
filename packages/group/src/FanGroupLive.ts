/**
 * The production stack in one call, as Effect's own clients offer it (`@effect/ai-openai`'s
 * `layer` / `layerConfig` with `transformClient`, effect-aws's `defaultLayer` / `layer(config)`):
 * the nine endpoint services over one `DouyinClient`, with
 *
 * - the fast undici client (`DouyinHttpClient`), its timeout the attempt timeout, wrapped by
 *   your `transformClient` when given; the same client carries the API calls and the OAuth
 *   calls (token exchange, refresh);
 * - the default retry (`Retry.layer`) and rate limits (`RateLimit.defaults`, or from config),
 *   each overridable, or turned off with `false`: still an explicit choice;
 * - tokens kept in the embedded file store (`TokenStore.layerFile`), refreshed through
 *   `OAuth` by `AccessToken.layerStore`;
 * - the state every instance must share, in one place: with a Redis connection
 *   (`redis` / `DOUYIN_REDIS_URL` with `DOUYIN_REDIS_PREFIX`) tokens, the nonces of OAuth
 *   states (`OAuthState.NonceStore`), the rate-limit windows (the same limits, held in total
 *   across instances), webhook dedupe and broadcast journals all live in Redis; without it the
 *   embedded stores stay the default (token and state files, the in-process limiter, in-memory
 *   dedupe, a broadcast journal directory).
 *
 * Its output also holds `OAuth` and `TokenStore`, so the app stores a creator's tokens with
 * `TokenStore.authorize(code)` into the very store the client reads, and the `DouyinClient`
 * for calls of your own. It needs the platform's `FileSystem` and `Path` (on Node:
 * `NodeContext.layer`), for the file store.
 *
 * A module of its own (`@effect-douyin/group/FanGroupLive`), not in the package index:
 * it loads `undici` (an optional peer), which an app that injects another `HttpClient` never
 * needs; `ioredis` (another optional peer) is loaded only when a Redis connection is
 * configured. To use another client or other parts, compose the building blocks by hand
 * (README, "Composing by hand").
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
 * import { Layer } from "effect"
 *
 * // DOUYIN_CLIENT_KEY, DOUYIN_CLIENT_SECRET, DOUYIN_TOKEN_DIR, …; with DOUYIN_REDIS_URL every
 * // instance of the app shares tokens, limits, OAuth states, webhook dedupe and broadcasts
 * const Live = FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))
 * ```
 *
 * @since 0.2.0
 */
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import {
  AccessToken,
  ConfigCheck,
  DouyinClient,
  DouyinConfig,
  OAuth,
  OAuthState,
  RateLimit,
  RedisConnection,
  Retry,
  TokenStore
} from "@effect-douyin/core"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as BroadcastJournal from "./BroadcastJournal.js"
import * as FanGroupApi from "./FanGroupApi.js"
import * as WebhookDedupe from "./WebhookDedupe.js"

/**
 * What the one-call layers provide: the nine endpoint services, the client under them, the
 * `OAuth` and `TokenStore` they use (for `TokenStore.authorize`, `TokenStore.needingReauthorization`),
 * and the stores an app builds on: `OAuthState.NonceStore` (for `OAuthState.layer` and
 * onboarding), `WebhookDedupe` (for `WebhookHandler.layer`) and `BroadcastJournal` (for
 * `Broadcast.run`), each in Redis when a connection is configured.
 *
 * @since 0.2.0
 * @category models
 */
export type Services =
  | FanGroupApi.FanGroupApi
  | DouyinClient.DouyinClient
  | OAuth.OAuth
  | TokenStore.TokenStore
  | OAuthState.NonceStore
  | WebhookDedupe.WebhookDedupe
  | BroadcastJournal.BroadcastJournal

/**
 * What the one-call layers can fail with when built: an option or key that does not pass its
 * check (`ConfigError`), a token or state store that cannot be opened, or a Redis that cannot be
 * reached within its connect timeout (`TokenStoreError`, store `redis`), a broadcast journal
 * directory that cannot be created (`BroadcastJournalError`).
 *
 * @since 0.4.0
 * @category models
 */
export type BuildError = ConfigError.ConfigError | TokenStore.TokenStoreError | BroadcastJournal.BroadcastJournalError

/**
 * The Redis connection every Redis-backed store of the stack shares (`RedisConnection.Options`:
 * a URL, a key prefix, timeouts; no Redis client is loaded to name it).
 *
 * @since 0.4.0
 * @category models
 */
export type RedisOptions = RedisConnection.Options

/**
 * What the platform must provide: `FileSystem` and `Path` for the token files (on Node,
 * `NodeContext.layer`; on Bun, `BunContext.layer`).
 *
 * @since 0.2.0
 * @category models
 */
export type Requirements = FileSystem.FileSystem | Path.Path

/**
 * Options of {@link layer}. Besides the credentials and the token directory everything is
 * optional; the `DouyinConfig` fields (`baseUrl`, `attemptTimeout`, `callTimeout`, `userAgent`)
 * sit at the top level.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options extends DouyinConfig.Options, OAuth.Credentials {
  /** Where the tokens are kept, and their encryption at rest (`TokenStore.layerFile`). */
  readonly tokenStore: TokenStore.FileOptions
  /** `Retry.layer`'s options (fields left out keep `Retry.defaults`); `false`: no retry. */
  readonly retry?: Retry.Options | false | undefined
  /**
   * `RateLimit.layer`'s options, in place of `RateLimit.defaults` (a limit left out is no
   * limit); `false`: no rate limiting.
   */
  readonly rateLimit?: RateLimit.Options | false | undefined
  /** How tokens are refreshed (`AccessToken.layerStore`'s options). */
  readonly accessToken?: AccessToken.StoreOptions | undefined
  /** The undici client's pool and limits; its `timeout` defaults to the attempt timeout. */
  readonly http?: DouyinHttpClient.Options | undefined
  /**
   * Wraps the `HttpClient` that carries every request, API and OAuth alike: a proxy, extra
   * headers, tracing. The SDK still runs its own policies around it: a retrying transform
   * would also repeat sends that `Retry` deliberately does not (an ambiguous create or send).
   * A wrapped client takes the SDK's general attempt path (a `Scope` per attempt) instead of
   * handing its deadline to the fast client directly: the same behaviour, a little more CPU.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * One Redis connection for every store the instances of the app share: tokens (encrypted
   * with `tokenStore.encryption` when given; `tokenStore.directory` is then unused), OAuth
   * state nonces, the rate-limit windows (`rateLimit`, held in total across instances), webhook
   * dedupe and broadcast journals. Absent: the embedded stores.
   */
  readonly redis?: RedisOptions | undefined
  /**
   * Without `redis`: the directory of the used OAuth state nonces. Default: next to the token
   * directory, its name with `.states` appended (`.douyin-tokens.states`).
   */
  readonly stateDirectory?: string | undefined
  /**
   * Without `redis`: the directory of the broadcast journals. Default: next to the token
   * directory, its name with `.broadcasts` appended (`.douyin-tokens.broadcasts`).
   */
  readonly broadcastDirectory?: string | undefined
}

/** The stores of the stack: embedded (files, memory, the in-process limiter) or in Redis. */
type Stores = TokenStore.TokenStore | OAuthState.NonceStore | WebhookDedupe.WebhookDedupe | BroadcastJournal.BroadcastJournal

const rateLimitOf = (options: Options) => (options.rateLimit === false ? undefined : options.rateLimit ?? RateLimit.defaults)

/** A directory next to the token directory (never inside it: its listing reads every name there). */
const besideTokens = (options: Options, suffix: string) => `${options.tokenStore.directory.replace(/[\\/]+$/, "")}.${suffix}`

const embeddedStores = (options: Options): Layer.Layer<Stores | RateLimit.RateLimit, BuildError, Requirements> => {
  const limits = rateLimitOf(options)
  return Layer.mergeAll(
    TokenStore.layerFile(options.tokenStore),
    OAuthState.layerNoncesFile(options.stateDirectory ?? besideTokens(options, "states")),
    WebhookDedupe.layer,
    BroadcastJournal.layerFileSystem(options.broadcastDirectory ?? besideTokens(options, "broadcasts")),
    limits === undefined ? RateLimit.layerDisabled : RateLimit.layer(limits)
  )
}

/**
 * Every shared store over one Redis connection. The Redis modules (and `ioredis`) are loaded
 * here, only when a connection is configured. A store of the app's own on the same connection
 * (another nonce store, a cache) goes next to these.
 */
const redisStores = (options: Options, redis: RedisOptions): Layer.Layer<Stores | RateLimit.RateLimit, BuildError> =>
  Layer.unwrapEffect(Effect.promise(async () => {
    const [Redis, TokenStoreRedis, RateLimitRedis, OAuthStateRedis, WebhookDedupeRedis, BroadcastJournalRedis] = await Promise.all([
      import("@effect-douyin/core/Redis"),
      import("@effect-douyin/core/TokenStoreRedis"),
      import("@effect-douyin/core/RateLimitRedis"),
      import("@effect-douyin/core/OAuthStateRedis"),
      import("./WebhookDedupeRedis.js"),
      import("./BroadcastJournalRedis.js")
    ])
    const limits = rateLimitOf(options)
    const connection = Redis.layer(redis).pipe(
      Layer.mapError((e) => new TokenStore.TokenStoreError({ store: "redis", operation: e.operation, description: e.description }))
    )
    return Layer.mergeAll(
      TokenStoreRedis.layer({ encryption: options.tokenStore.encryption }),
      OAuthStateRedis.layerNonces,
      WebhookDedupeRedis.layer(),
      BroadcastJournalRedis.layer(),
      limits === undefined ? RateLimit.layerDisabled : RateLimitRedis.layer(limits)
    ).pipe(Layer.provide(connection))
  }))

/**
 * The stack from code; secrets as strings or `Redacted` alike; reads no config. Every option
 * is checked when the layer is built, before anything is sent: a bad value (a base URL that is not an
 * absolute http(s) URL or carries credentials, a query or a fragment; a duration, size,
 * count or limit that is not above 0; an attempt timeout longer than the call timeout; a
 * blank client key or secret) fails with a `ConfigError` naming the option, never a defect,
 * and never with a secret in its message. Fails with `TokenStoreError` when the token
 * directory cannot be created or the encryption key is malformed.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 *
 * const Live = FanGroupLive.layer({
 *   clientKey: "aw_example",
 *   clientSecret: Redacted.make("example-secret"),
 *   tokenStore: { directory: "/var/lib/my-app/douyin-tokens" },
 *   rateLimit: { global: { limit: 20, interval: "1 second" }, maxConcurrent: 8 },
 *   transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-request-source", "my-app"))
 * }).pipe(Layer.provide(NodeContext.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<Services, BuildError, Requirements> => {
  const http = Layer.scoped(
    HttpClient.HttpClient,
    Effect.flatMap(DouyinConfig.DouyinConfig, (config) =>
      Effect.map(
        DouyinHttpClient.make({ ...options.http, timeout: options.http?.timeout ?? config.attemptTimeout }),
        options.transformClient ?? ((client) => client)
      ))
  )
  // One HttpClient and one DouyinConfig under everything: the OAuth calls take the same path.
  const platform = Layer.provideMerge(http, DouyinConfig.layer(options))
  const stores = options.redis === undefined ? embeddedStores(options) : redisStores(options, options.redis)
  const tokens = Layer.merge(stores, OAuth.layer({ clientKey: options.clientKey, clientSecret: options.clientSecret }))
  const client = DouyinClient.layer.pipe(
    Layer.provide(options.retry === false ? Retry.layerDisabled : Retry.layer(options.retry)),
    Layer.provide(AccessToken.layerStore(options.accessToken))
  )
  // The rate limit is one of the stores (its windows in Redis when configured): the client's only.
  return FanGroupApi.layer.pipe(
    Layer.provideMerge(client),
    Layer.provideMerge(tokens),
    Layer.provide(platform)
  )
}

const positive = (name: string) =>
  Config.integer(name).pipe(Config.validate({ message: "Expected a whole number above 0", validation: (n) => n > 0 }))

/** A per-second limit from `name`; when the key is absent, `fallback`. */
const perSecond = (name: string, fallback: RateLimit.Limit | undefined) =>
  Config.option(positive(name)).pipe(
    Config.map(Option.match({ onNone: () => fallback, onSome: (limit): RateLimit.Limit => ({ limit, interval: "1 second" }) }))
  )

/**
 * The rate limits from config, each optional with `RateLimit.defaults` as its default:
 * `DOUYIN_RATE_LIMIT_GLOBAL` (requests per second for the app, default 50),
 * `DOUYIN_RATE_LIMIT_PER_OPEN_ID` (per second for each operator, default 10),
 * `DOUYIN_RATE_LIMIT_MAX_CONCURRENT` (in flight, default 32) and `DOUYIN_RATE_LIMIT_MODE`
 * (`wait` or `fail`, default `wait`). A number that is not a whole number above 0 is a
 * `ConfigError`.
 *
 * @example
 * ```ts
 * import { RateLimit } from "@effect-douyin/core"
 * import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
 * import { Effect, Layer } from "effect"
 *
 * // composing by hand, with the limits from config
 * const Limits = Layer.unwrapEffect(Effect.map(FanGroupLive.rateLimitConfig, RateLimit.layer))
 * ```
 *
 * @since 0.2.0
 * @category config
 */
export const rateLimitConfig: Config.Config<RateLimit.Options> = Config.all({
  global: perSecond("DOUYIN_RATE_LIMIT_GLOBAL", RateLimit.defaults.global),
  perOpenId: perSecond("DOUYIN_RATE_LIMIT_PER_OPEN_ID", RateLimit.defaults.perOpenId),
  maxConcurrent: Config.withDefault(positive("DOUYIN_RATE_LIMIT_MAX_CONCURRENT"), RateLimit.defaults.maxConcurrent),
  mode: Config.withDefault(Config.literal("wait", "fail")("DOUYIN_RATE_LIMIT_MODE"), RateLimit.defaults.mode)
})

/**
 * The part of {@link Options} that {@link layerConfig} reads from config.
 *
 * @since 0.2.0
 * @category models
 */
export type Configured = DouyinConfig.Options & OAuth.Credentials & {
  readonly tokenStore: TokenStore.FileOptions
  readonly redis?: RedisOptions | undefined
  readonly stateDirectory?: string | undefined
  readonly broadcastDirectory?: string | undefined
}

/**
 * The config {@link layerConfig} reads, in one pass (every missing or malformed key in one
 * `ConfigError`): `OAuth.credentialsConfig` (`DOUYIN_CLIENT_KEY`, `DOUYIN_CLIENT_SECRET`,
 * required), `DouyinConfig.config` (`DOUYIN_BASE_URL`, `DOUYIN_ATTEMPT_TIMEOUT`,
 * `DOUYIN_CALL_TIMEOUT`, `DOUYIN_USER_AGENT`), `TokenStore.fileConfig` (`DOUYIN_TOKEN_DIR`,
 * default `.douyin-tokens`; `DOUYIN_TOKEN_KEY` and friends for encryption), and where the
 * shared state lives: `DOUYIN_REDIS_URL` (redacted) with `DOUYIN_REDIS_PREFIX` for Redis
 * (every store of {@link Options.redis}), else `DOUYIN_STATE_DIR` and `DOUYIN_BROADCAST_DIR`
 * for the embedded stores.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
 * import { Effect, Layer } from "effect"
 *
 * // the DOUYIN_* keys, with code deciding the policies
 * const Live = Layer.unwrapEffect(
 *   Effect.map(FanGroupLive.config, (configured) => FanGroupLive.layer({ ...configured, retry: { maxAttempts: 5 } }))
 * ).pipe(Layer.provide(NodeContext.layer))
 * ```
 *
 * @since 0.2.0
 * @category config
 */
export const config: Config.Config<Configured> = Config.map(
  Config.all({
    credentials: OAuth.credentialsConfig,
    douyin: DouyinConfig.config,
    tokenStore: TokenStore.fileConfig,
    redis: RedisConnection.config,
    stateDirectory: ConfigCheck.optional(Config.string("DOUYIN_STATE_DIR")),
    broadcastDirectory: ConfigCheck.optional(Config.string("DOUYIN_BROADCAST_DIR"))
  }),
  ({ broadcastDirectory, credentials, douyin, redis, stateDirectory, tokenStore }) => ({
    ...douyin,
    ...credentials,
    tokenStore,
    redis: Option.getOrUndefined(redis),
    stateDirectory,
    broadcastDirectory
  })
)

/**
 * What {@link layerConfig} takes from code: everything of {@link Options} that is not read
 * from config. A `rateLimit` given here replaces {@link rateLimitConfig} (which is then not read).
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions = Omit<Options, keyof Configured>

/**
 * The stack from config: {@link config} and {@link rateLimitConfig}, all read before anything
 * is built, so a missing `DOUYIN_CLIENT_SECRET` fails the layer with a `ConfigError` naming it
 * before a directory is created or a request sent. Code-only parts (`transformClient`, retry
 * and rate-limit overrides) come as options.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const Live = FanGroupLive.layerConfig({
 *   transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-request-source", "my-app"))
 * }).pipe(Layer.provide(NodeContext.layer))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<Services, BuildError, Requirements> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        configured: config,
        rateLimit: options.rateLimit === undefined ? rateLimitConfig : Config.succeed(options.rateLimit)
      }),
      ({ configured, rateLimit }) => layer({ ...options, ...configured, rateLimit })
    )
  )
