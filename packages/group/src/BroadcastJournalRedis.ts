/**
 * A {@link BroadcastJournal.BroadcastJournal} in Redis, for many instances (through the shared
 * `Redis` connection, under its prefix): a plan key, a hash of entries, and a lease key with a
 * TTL (`SET NX PX`). Compare-and-set is one Lua script, so instances never both claim a target.
 *
 * A module of its own, not re-exported by the package index, because it needs the optional peer
 * `ioredis` (through `@effect-douyin/core/Redis`): an app that journals elsewhere never loads it.
 *
 * @example
 * ```ts
 * import * as Redis from "@effect-douyin/core/Redis"
 * import * as BroadcastJournalRedis from "@effect-douyin/group/BroadcastJournalRedis"
 * import { Layer } from "effect"
 *
 * const Journal = BroadcastJournalRedis.layer().pipe(Layer.provide(Redis.layerConfig()))
 * ```
 *
 * @since 0.2.0
 */
import * as Redis from "@effect-douyin/core/Redis"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as BroadcastJournal from "./BroadcastJournal.js"
import { makeRedisStore } from "./internal/broadcast/redisStore.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** How long a broadcast's journal is kept after it was created. Default 30 days. */
  readonly retention?: Duration.DurationInput | undefined
}

/**
 * The Redis journal as a layer.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<BroadcastJournal.BroadcastJournal, never, Redis.Redis> =>
  Layer.effect(
    BroadcastJournal.BroadcastJournal,
    Effect.map(Effect.flatMap(Redis.Redis, (redis) => makeRedisStore(redis, options)), BroadcastJournal.fromRawStore)
  )
