/**
 * The rate-limit policy with its windows in Redis: the same `RateLimit` options hold in total
 * across every process of the app (docs/reliability.md#fault-matrix, row 17).
 *
 * A module of its own, not re-exported by the package index, because it needs the optional peer
 * `ioredis` (through `Redis`): an app limited in-process never loads it.
 *
 * @since 0.2.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import { type DouyinRateLimited, DouyinStoreError } from "./DouyinError.js"
import * as ConfigCheck from "./ConfigCheck.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as Fifo from "./internal/fifo.js"
import * as RedisWindow from "./internal/redisWindow.js"
import * as RateLimit from "./RateLimit.js"
import * as Redis from "./Redis.js"

/**
 * Options of {@link layer}: the same limits, shared by every process that uses the same
 * Redis, prefix and `name`.
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisOptions extends RateLimit.Options {
  /** Tells limiters of different clients apart in one Redis (with one prefix). Default `"default"`. */
  readonly name?: string | undefined
  /**
   * How long a permit may be held by an attempt in flight before it counts as ended (so a
   * process that dies mid-request frees its permits this long after taking them, plus one
   * interval). Keep it above the attempt timeout. Default `1 minute`.
   */
  readonly holdTimeout?: Duration.DurationInput | undefined
}

/**
 * Callers waiting on one set of limits: only the head polls Redis. When one of its commands fails
 * (Redis down or stalled), every caller waiting at that moment fails with it at once: each would
 * otherwise wait for the head's command timeout, then its own in turn, and the last ones for the
 * call timeout. Callers who come later start a new round.
 */
interface Line {
  readonly fifo: Fifo.FifoSemaphore
  /** Fails once with the failure the waiters of the current round share. */
  readonly failures: Deferred.Deferred<never, Redis.RedisError>
  readonly fail: (error: Redis.RedisError) => void
}

const makeLine = (): Line => {
  const line = {
    fifo: Fifo.unsafeMake(1),
    failures: Deferred.unsafeMake<never, Redis.RedisError>(FiberId.none),
    fail: (error: Redis.RedisError) => {
      Deferred.unsafeDone(line.failures, Exit.fail(error))
      line.failures = Deferred.unsafeMake<never, Redis.RedisError>(FiberId.none)
    }
  }
  return line
}

/**
 * Builds the policy over Redis: the limits hold in total across every process of the app
 * (docs/reliability.md#fault-matrix, row 17). `maxConcurrent` stays per process. Each permit is one atomic Lua
 * script (a sliding-window log per limit, see `internal/redisWindow.ts`); a waiting call polls
 * it at the head of a line per limit set (one poller per process, not one per call). Redis
 * down or stalled: every caller fails with `DouyinStoreError` within the connection's command
 * timeout of the poll that met it (the callers waiting in line fail with the head's failure at
 * once, not one command timeout after another), nothing sent.
 * `trackedKeys` is empty: the windows live in Redis, where each key expires when idle.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: RedisOptions = {}
): Effect.Effect<RateLimit.Service, ConfigError.ConfigError, Redis.Redis> =>
  Effect.gen(function*() {
    yield* RateLimit.internal.validate(options)
    if (options.holdTimeout !== undefined) {
      yield* ConfigCheck.option("holdTimeout", ConfigCheck.positiveDuration, options.holdTimeout)
    }
    const redis = yield* Redis.Redis
    const clock = yield* Effect.clock
    const metrics = yield* DouyinMetrics.recorder
    const refused = RateLimit.internal.refuserOf(metrics)
    const waited = RateLimit.internal.waiterOf(clock, metrics)
    const holdMillis = Duration.toMillis(Duration.decode(options.holdTimeout ?? "1 minute"))
    const windows = RedisWindow.make(redis, holdMillis)
    // One hash tag for every key of this limiter: one script may touch them all on a cluster.
    const base = `${redis.prefix}ratelimit:{${options.name ?? "default"}}:`
    const spec = (key: string, label: string, limit: RateLimit.Limit): RedisWindow.Spec & { readonly label: string } => ({
      key: base + key,
      label,
      limit: limit.limit,
      intervalMillis: Duration.toMillis(Duration.decode(limit.interval))
    })
    const global = options.global === undefined
      ? undefined
      : spec("global", RateLimit.internal.describe("global", options.global), options.global)
    const endpointLimit = RateLimit.internal.endpointLimitOf(options)
    const specsOf = (key: RateLimit.Key) => {
      const specs: Array<ReturnType<typeof spec>> = []
      if (options.perOpenId !== undefined) {
        specs.push(spec(`open_id:${key.openId}`, RateLimit.internal.describe("per open_id", options.perOpenId), options.perOpenId))
      }
      const endpoint = endpointLimit(key.endpoint)
      if (endpoint !== undefined) {
        specs.push(spec(`endpoint:${key.endpoint}`, RateLimit.internal.describe(`endpoint ${key.endpoint}`, endpoint), endpoint))
      }
      if (global !== undefined) specs.push(global)
      return specs
    }

    // While the room needed is held by requests in flight (anywhere), poll about once per slot.
    const pollMillis = (s: RedisWindow.Spec) => Math.min(100, Math.max(5, s.intervalMillis / s.limit))
    // Waiting calls of one limit set queue here; only the head of the line polls Redis.
    const lines = new Map<string, Line>()
    const instance = crypto.randomUUID()
    let permits = 0

    const rated: RateLimit.Rated = <A, E, R, EB>(
      key: RateLimit.Key,
      mode: RateLimit.Mode,
      cost: number,
      effect: Effect.Effect<A, E, R>,
      bound: RateLimit.Bound<EB>
    ) =>
      Effect.suspend((): Effect.Effect<A, E | EB | DouyinRateLimited | DouyinStoreError, R> => {
        const specs = specsOf(key)
        if (specs.length === 0) return effect
        const never = RateLimit.internal.unservable(refused, key, cost, specs)
        if (never !== undefined) return never
        const member = `${instance}:${permits++}`
        const storeError = (e: Redis.RedisError) =>
          new DouyinStoreError({ endpoint: key.endpoint, store: "redis rate-limit", operation: e.operation, description: e.description })
        // A release that fails leaves the permit counted until its hold timeout: safe, never over.
        // It runs on its own: a call ends with its answer, never held by a stalled Redis.
        const release = Effect.asVoid(Effect.forkDaemon(Effect.ignore(windows.release(specs, member, cost))))
        // Interrupted while the script was on its way: it may have granted; release at once.
        const acquire = windows.acquire(specs, member, cost).pipe(
          Effect.onInterrupt(() => release)
        )
        const refusal = (answer: Extract<RedisWindow.Answer, { _tag: "Refused" }>) =>
          refused(
            key,
            (answer.spec as ReturnType<typeof spec>).label,
            Math.max(1, Math.ceil(answer.waitMillis ?? answer.spec.intervalMillis))
          )
        const untilGranted = (restore: <X, Y, Z>(e: Effect.Effect<X, Y, Z>) => Effect.Effect<X, Y, Z>) =>
          Effect.flatMap(restore(acquire), function loop(answer): Effect.Effect<void, Redis.RedisError> {
            if (answer._tag === "Granted") return Effect.void
            const wait = answer.waitMillis ?? pollMillis(answer.spec)
            return Effect.flatMap(restore(Effect.zipRight(clock.sleep(Duration.millis(wait)), acquire)), loop)
          })
        return Effect.uninterruptibleMask((restore) => {
          const held = Fifo.releasing(restore(effect), release)
          if (mode === "fail") {
            return Effect.flatMap(
              Effect.mapError(restore(acquire), storeError),
              (answer): Effect.Effect<A, E | DouyinRateLimited | DouyinStoreError, R> => answer._tag === "Granted" ? held : refusal(answer)
            )
          }
          const lineKey = specs.map((s) => s.key).join("\n")
          let line = lines.get(lineKey)
          if (line === undefined) lines.set(lineKey, line = makeLine())
          const inLine = line
          const leave = Effect.sync(() => inLine.fifo.isIdle() && lines.get(lineKey) === inLine && lines.delete(lineKey))
          // The head's Redis failure is that of everyone who was waiting behind it when it came.
          const failures = inLine.failures
          const wait = Effect.zipRight(
            Effect.raceFirst(inLine.fifo.take(restore), restore(Deferred.await(failures))).pipe(Effect.tapError(() => leave)),
            Fifo.releasing(
              Effect.tapError(untilGranted(restore), (e) => Effect.sync(() => inLine.fail(e))),
              Effect.zipRight(inLine.fifo.release, leave)
            )
          )
          // Every permit over Redis is a round trip: all of them are timed, and bounded by the
          // call deadline with the attempt they hold for.
          return Fifo.boundedRegion(restore, bound, Effect.zipRight(waited(key, Effect.mapError(wait, storeError)), held))
        })
      })

    return RateLimit.internal.assemble(options, refused, rated, Effect.succeed({ openIds: [], endpoints: [] }))
  })

/**
 * The same policy with its windows in Redis, so the limits hold in total across every
 * process of the app (requires the shared `Redis.Redis` connection). The in-process
 * {@link layer} stays the default for a single instance.
 *
 * @example
 * ```ts
 * import { DouyinClient, Retry } from "@effect-douyin/core"
 * import * as RateLimitRedis from "@effect-douyin/core/RateLimitRedis"
 * import * as Redis from "@effect-douyin/core/Redis"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(Retry.layerDefault),
 *   Layer.provide(RateLimitRedis.layer({ global: { limit: 50, interval: "1 second" } })),
 *   Layer.provide(Redis.layer({ url: "redis://127.0.0.1:6379", prefix: "my-app:" }))
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: RedisOptions): Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError, Redis.Redis> =>
  Layer.effect(RateLimit.RateLimit, make(options))
