/**
 * The checks every option of the SDK passes when its layer is built, before anything is sent:
 * base URLs, durations, sizes and counts, credentials and store URLs. A bad value is a
 * `ConfigError` that names the option (the config key when it came from config, the option's
 * field otherwise), never a defect, and its message never holds the value when the value may
 * hold a secret (a password inside a URL included).
 *
 * Each check is one function from a value to its checked form or the reason it is refused;
 * {@link option} applies it to an option given in code, {@link key} to a config key
 * ({@link optional} when the key may be left out), {@link optionWith} to an option of a module
 * that fails with an error of its own.
 *
 * @example
 * ```ts
 * import { ConfigCheck } from "@effect-douyin/core"
 * import { Config, Effect } from "effect"
 *
 * // a config key of the app's own, checked like the SDK's
 * const publicUrl = ConfigCheck.key("MY_PUBLIC_URL", Config.string(), ConfigCheck.httpUrl)
 * // an option given in code: fails with ConfigError "(Invalid data at pageSize: …)"
 * const pageSize = ConfigCheck.option("pageSize", ConfigCheck.positiveInteger, 0)
 * const program = Effect.all([publicUrl, pageSize])
 * ```
 *
 * @since 0.3.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * A check: the value in its checked (often normalized) form, or why it is refused. The
 * reason never repeats a value that may hold a secret.
 *
 * @since 0.3.0
 * @category models
 */
export type Check<in A, out B = A> = (value: A) => Either.Either<B, string>

/**
 * Applies `check` to an option given in code; a refusal is a `ConfigError` at the option's
 * name (e.g. `attemptTimeout`, `rateLimit.global.limit`).
 *
 * @since 0.3.0
 * @category combinators
 */
export const option = <A, B>(name: string, check: Check<A, B>, value: A): Either.Either<B, ConfigError.ConfigError> =>
  optionWith(name, check, value, invalidData)

const invalidData = (name: string, reason: string): ConfigError.ConfigError => ConfigError.InvalidData(name.split("."), reason)

/**
 * Applies `check` to an option given in code, as {@link option} does, but the refusal is what
 * `refuse` builds from the option's name and the reason: for a module that fails with an
 * error of its own instead of a `ConfigError` (the Redis connection fails with its
 * `RedisError`, operation `configure`). The reason never holds a value that may be a secret.
 *
 * @example
 * ```ts
 * import { ConfigCheck } from "@effect-douyin/core"
 * import { Data } from "effect"
 *
 * class PoolError extends Data.TaggedError("PoolError")<{ readonly description: string }> {}
 *
 * // Either.left(PoolError "size: expected a whole number above 0, got 0")
 * const size = ConfigCheck.optionWith(
 *   "size",
 *   ConfigCheck.positiveInteger,
 *   0,
 *   (name, reason) => new PoolError({ description: `${name}: ${reason}` })
 * )
 * ```
 *
 * @since 0.4.0
 * @category combinators
 */
export const optionWith = <A, B, E>(
  name: string,
  check: Check<A, B>,
  value: A,
  refuse: (name: string, reason: string) => E
): Either.Either<B, E> => Either.mapLeft(check(value), (reason) => refuse(name, reason))

/**
 * The config key `name`, read with `config` (unnamed, e.g. `Config.string()`) and checked
 * with `check`; a refusal is a `ConfigError` at that key (e.g. `DOUYIN_BASE_URL`), as a
 * missing key or an unreadable value is.
 *
 * @since 0.3.0
 * @category combinators
 */
export const key = <A, B>(name: string, config: Config.Config<A>, check: Check<A, B>): Config.Config<B> =>
  Config.nested(
    Config.mapOrFail(config, (value) => Either.mapLeft(check(value), (reason) => ConfigError.InvalidData([], reason))),
    name
  )

/**
 * A config key that may be left out: `undefined` when it is absent, its value otherwise (the
 * shape of an options field `field?: A | undefined`). A key that is present but unreadable, or
 * refused by its check, still fails with its `ConfigError`.
 *
 * @example
 * ```ts
 * import { ConfigCheck } from "@effect-douyin/core"
 * import { Config } from "effect"
 *
 * // Config<string | undefined>: undefined when MY_PUBLIC_URL is not set, a ConfigError when it
 * // is set but not an http(s) URL
 * const publicUrl = ConfigCheck.optional(ConfigCheck.key("MY_PUBLIC_URL", Config.string(), ConfigCheck.httpUrl))
 * ```
 *
 * @since 0.4.0
 * @category combinators
 */
export const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/**
 * A whole number above 0 (`NaN`, infinities, fractions, 0 and negatives refused).
 *
 * @since 0.3.0
 * @category checks
 */
export const positiveInteger: Check<number> = (n) =>
  Number.isSafeInteger(n) && n > 0 ? Either.right(n) : Either.left(`expected a whole number above 0, got ${n}`)

/**
 * A whole number of 0 or more (costs and refunds that may be nothing).
 *
 * @since 0.3.0
 * @category checks
 */
export const nonNegativeInteger: Check<number> = (n) =>
  Number.isSafeInteger(n) && n >= 0 ? Either.right(n) : Either.left(`expected a whole number of 0 or more, got ${n}`)

/**
 * A finite number above 0, not necessarily whole (a growth factor).
 *
 * @since 0.3.0
 * @category checks
 */
export const positiveNumber: Check<number> = (n) =>
  Number.isFinite(n) && n > 0 ? Either.right(n) : Either.left(`expected a finite number above 0, got ${n}`)

/**
 * A finite duration above 0, decoded (`"10 seconds"`, a number of milliseconds, a `Duration`).
 *
 * @since 0.3.0
 * @category checks
 */
export const positiveDuration: Check<Duration.DurationInput, Duration.Duration> = (input) => {
  const decoded = decodeDuration(input)
  if (decoded === undefined) return Either.left("expected a duration such as \"10 seconds\"")
  if (!Duration.isFinite(decoded) || Duration.toMillis(decoded) <= 0) {
    return Either.left(`expected a finite duration above 0, got ${Duration.format(decoded)}`)
  }
  return Either.right(decoded)
}

/**
 * A finite duration of 0 or more (0 turning something off, as `cacheFor: 0`).
 *
 * @since 0.3.0
 * @category checks
 */
export const nonNegativeDuration: Check<Duration.DurationInput, Duration.Duration> = (input) => {
  const decoded = decodeDuration(input)
  if (decoded === undefined) return Either.left("expected a duration such as \"10 seconds\"")
  if (!Duration.isFinite(decoded)) return Either.left("expected a finite duration")
  return Either.right(decoded)
}

const decodeDuration = (input: Duration.DurationInput): Duration.Duration | undefined => {
  if (typeof input === "number" && Number.isNaN(input)) return undefined
  try {
    return Duration.decode(input)
  } catch {
    return undefined
  }
}

/**
 * A credential (client key, client secret) that is not empty or blank. The value is never
 * part of the reason.
 *
 * @since 0.3.0
 * @category checks
 */
export const nonBlank = <A extends string | Redacted.Redacted<string>>(value: A): Either.Either<A, string> =>
  (Redacted.isRedacted(value) ? Redacted.value(value as Redacted.Redacted<string>) : value as string).trim().length > 0
    ? Either.right(value)
    : Either.left("expected a value that is not empty or blank")

/**
 * The base URL of an HTTP API: `http:` or `https:`, a port in range, no credentials, no query,
 * no fragment; a path prefix (a proxy mount, e.g. `https://gateway.example/douyin`) is kept.
 * Normalized to origin + path without a trailing slash, so that an endpoint path (which
 * starts with `/`) appended to it is the URL join of the two. The reason never holds the URL.
 *
 * @since 0.3.0
 * @category checks
 */
export const httpUrl: Check<string> = (raw) => {
  const url = parseUrl(raw)
  if (url === undefined) return Either.left("expected an absolute URL such as https://open.douyin.com")
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(`expected an http: or https: URL, got ${url.protocol}`)
  }
  if (url.username !== "" || url.password !== "") return Either.left("a URL with credentials (user:password@) is refused")
  if (url.search !== "" || raw.includes("?")) return Either.left("a URL with a query (?…) is refused")
  if (url.hash !== "" || raw.includes("#")) return Either.left("a URL with a fragment (#…) is refused")
  return Either.right(url.origin + url.pathname.replace(/\/+$/, ""))
}

/**
 * A Redis connection URL: `redis:` or `rediss:`, a host, a port in range, an optional
 * database number. The reason never holds the URL (it may carry a password).
 *
 * @since 0.3.0
 * @category checks
 */
export const redisUrl: Check<string> = (raw) => {
  const url = parseUrl(raw)
  if (url === undefined) return Either.left("expected a URL such as redis://[:password@]host:port[/db]")
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    return Either.left(`expected a redis: or rediss: URL, got ${url.protocol}`)
  }
  if (url.hostname === "") return Either.left("expected a host in the URL")
  const db = url.pathname.replace(/^\/+/, "")
  if (db !== "" && !/^\d+$/.test(db)) return Either.left("expected a database number as the URL's path")
  return Either.right(raw)
}

/** `new URL` without the throw: its message would repeat the URL (and a password in it). */
const parseUrl = (raw: string): URL | undefined => {
  if (raw.trim() === "") return undefined
  try {
    return new URL(raw)
  } catch {
    return undefined
  }
}
