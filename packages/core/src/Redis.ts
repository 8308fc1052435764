/**
 * One Redis connection (through `ioredis`, the client `@effect/experimental` builds on) shared
 * by every Redis-backed store of the SDK: tokens, rate-limit windows, webhook dedupe,
 * broadcast journals. Many instances of one app point at the same Redis and share that state.
 *
 * Outages are typed and bounded: a command while Redis is unreachable fails at once with
 * {@link RedisError} (no offline queue), a command that gets no answer fails after
 * `commandTimeout`, and the connection keeps reconnecting in the background, so the SDK
 * recovers without a restart when Redis returns (docs/reliability.md#fault-matrix, row 21).
 *
 * `ioredis` is an optional peer dependency: install it when you use this module. For that reason
 * this module (and every module that imports `ioredis`) is only a subpath entry point
 * (`@effect-douyin/core/Redis`), never re-exported from the package index: loading the index
 * must not need an optional peer.
 *
 * @example
 * ```ts
 * import * as Redis from "@effect-douyin/core/Redis"
 * import { Effect } from "effect"
 *
 * const Live = Redis.layer({ url: "redis://127.0.0.1:6379", prefix: "my-app:" })
 * const ping = Effect.flatMap(Redis.Redis, (redis) => redis.use((client) => client.ping()))
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { ConfigError } from "effect/ConfigError"
import { Redis as IORedis } from "ioredis"
import * as ConfigCheck from "./ConfigCheck.js"

/**
 * A Redis command failed: unreachable, timed out, or answered with an error.
 *
 * @since 0.2.0
 * @category errors
 */
export class RedisError extends Schema.TaggedError<RedisError>()("RedisError", {
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `redis ${this.operation}: ${this.description}`
  }
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /** The connection; prefer {@link Service.use}, which types and bounds failures. */
  readonly client: IORedis
  /** Prepended to every key the SDK writes (e.g. `my-app:`), so apps can share a Redis. */
  readonly prefix: string
  /** Runs one or more commands; any failure becomes a {@link RedisError} named `operation`. */
  readonly use: <A>(f: (client: IORedis) => Promise<A>, operation?: string) => Effect.Effect<A, RedisError>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class Redis extends Context.Tag("@effect-douyin/core/Redis")<Redis, Service>() {}

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** `redis://[:password@]host:port[/db]`. Default `redis://127.0.0.1:6379`. */
  readonly url?: string | Redacted.Redacted<string> | undefined
  /** Key prefix. Default `effect-douyin:`. */
  readonly prefix?: string | undefined
  /** Longest wait for one command's answer. Default 2 seconds. */
  readonly commandTimeout?: Duration.DurationInput | undefined
  /** Longest wait for the first connection when the layer is built. Default 5 seconds. */
  readonly connectTimeout?: Duration.DurationInput | undefined
}

const describe = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/**
 * How an option checked before anything connects (`ConfigCheck.optionWith`) is refused: a
 * {@link RedisError} naming it (operation `configure`), its reason never holding the URL or
 * its password.
 */
const refused = (name: string, reason: string) => new RedisError({ operation: "configure", description: `${name}: ${reason}` })

/**
 * Connects (failing with {@link RedisError} if Redis cannot be reached within
 * `connectTimeout`) and disconnects when the scope closes.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, RedisError, Scope.Scope> =>
  Effect.gen(function*() {
    const rawUrl = options.url === undefined
      ? "redis://127.0.0.1:6379"
      : Redacted.isRedacted(options.url)
      ? Redacted.value(options.url)
      : options.url
    const url = yield* ConfigCheck.optionWith("url", ConfigCheck.redisUrl, rawUrl, refused)
    const connectTimeout = Duration.toMillis(
      yield* ConfigCheck.optionWith("connectTimeout", ConfigCheck.positiveDuration, options.connectTimeout ?? "5 seconds", refused)
    )
    const commandTimeout = Duration.toMillis(
      yield* ConfigCheck.optionWith("commandTimeout", ConfigCheck.positiveDuration, options.commandTimeout ?? "2 seconds", refused)
    )
    const client = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new IORedis(url, {
          lazyConnect: true,
          // Fail commands at once while disconnected instead of queueing them past the call timeout.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout,
          connectTimeout,
          // Keep reconnecting in the background (at most every second) so the app recovers by itself.
          retryStrategy: (times) => Math.min(times * 100, 1000)
        })
      ),
      (client) => Effect.sync(() => client.disconnect())
    )
    // ioredis emits "error" on every failed reconnect; without a listener Node would crash.
    client.on("error", () => {})
    yield* Effect.tryPromise({
      try: () => client.connect(),
      catch: (cause) => new RedisError({ operation: "connect", description: describe(cause) })
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(connectTimeout),
        onTimeout: () => new RedisError({ operation: "connect", description: `no connection within ${connectTimeout} ms` })
      })
    )
    const use = <A>(f: (client: IORedis) => Promise<A>, operation = "command") =>
      Effect.tryPromise({
        try: () => f(client),
        catch: (cause) => new RedisError({ operation, description: describe(cause) })
      })
    return Redis.of({ client, prefix: options.prefix ?? "effect-douyin:", use })
  })

/**
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Redis, RedisError> => Layer.scoped(Redis, make(options))

/**
 * Reads `DOUYIN_REDIS_URL` (redacted: it may hold a password; a malformed one is a
 * `ConfigError` at that key, without the URL in it) and the optional `DOUYIN_REDIS_PREFIX`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Options> = Config.all({
    url: ConfigCheck.key(
      "DOUYIN_REDIS_URL",
      Config.redacted(),
      (url) => Either.map(ConfigCheck.redisUrl(Redacted.value(url)), () => url)
    ),
    prefix: ConfigCheck.optional(Config.string("DOUYIN_REDIS_PREFIX"))
  })
): Layer.Layer<Redis, RedisError | ConfigError> => Layer.scoped(Redis, Effect.flatMap(config, make))
