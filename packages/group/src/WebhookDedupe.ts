/**
 * De-duplication of webhook deliveries. Douyin retries a delivery (up to 3 times) when it
 * did not see the acknowledgement in time, and every attempt carries the same `Msg-Id`
 * request header. The handler claims each `Msg-Id` here and runs the user's code only for
 * the first claim.
 *
 * The store is a service so that several receiver processes can share one:
 * `WebhookDedupeRedis.layer` claims ids in Redis (`SET NX PX`), so a delivery that reaches two
 * instances at once is handled once in total. The default, {@link layerMemory}, keeps ids in
 * memory, bounded by count (least recently seen evicted first) and by age (an id older than
 * `timeToLive` counts as new again). Age is measured with the Effect `Clock`, so `TestClock`
 * controls it.
 *
 * @since 0.1.0
 */
import * as Cache from "effect/Cache"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"

/**
 * The store could not answer (e.g. Redis down). The handler then processes the delivery
 * (at-least-once) and logs this error.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookDedupeError extends Schema.TaggedError<WebhookDedupeError>()("WebhookDedupeError", {
  description: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {
  override get message() {
    return `webhook dedupe store failed: ${this.description}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Records `msgId` and succeeds with `true` when this is its first delivery within the
   * store's window, `false` for a repeat. Atomic: of concurrent claims of one id exactly
   * one gets `true`.
   */
  readonly claim: (msgId: string) => Effect.Effect<boolean, WebhookDedupeError>
  /**
   * Forgets a claim of `msgId`, so that its next delivery is a first one again. The receiver
   * calls it in the "acknowledge after the handler" mode when the handler failed: the
   * delivery answers 5xx and Douyin's redelivery must run the handler. A store without it
   * (`undefined`) keeps every claim: a failed handler's redelivery is then a duplicate.
   */
  readonly release?: ((msgId: string) => Effect.Effect<void, WebhookDedupeError>) | undefined
}

/**
 * Where seen `Msg-Id`s are kept.
 *
 * @since 0.1.0
 * @category tags
 */
export class WebhookDedupe extends Context.Tag("@effect-douyin/group/WebhookDedupe")<WebhookDedupe, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface MemoryOptions {
  /** Most ids remembered; default 10 000. */
  readonly capacity?: number | undefined
  /** How long an id is remembered after its first delivery; default 1 hour. */
  readonly timeToLive?: Duration.DurationInput | undefined
}

/**
 * An in-memory store (state owned by the returned service).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (options: MemoryOptions = {}): Effect.Effect<Service> =>
  Effect.gen(function*() {
    // Each id maps to a one-shot flag; the Cache gives single-flight creation per key,
    // LRU eviction beyond `capacity` and expiry after `timeToLive` (read from the Clock).
    const seen = yield* Cache.make({
      capacity: Math.max(1, options.capacity ?? 10_000),
      timeToLive: options.timeToLive ?? Duration.hours(1),
      lookup: (_msgId: string) => Ref.make(false)
    })
    return {
      claim: (msgId) =>
        seen.get(msgId).pipe(
          Effect.flatMap((flag) => Ref.getAndSet(flag, true)),
          Effect.map((already) => !already)
        ),
      release: (msgId) => seen.invalidate(msgId)
    }
  })

/**
 * The in-memory store as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: MemoryOptions = {}): Layer.Layer<WebhookDedupe> => Layer.effect(WebhookDedupe, makeMemory(options))

/**
 * The default store: in memory, 10 000 ids, 1 hour.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<WebhookDedupe> = layerMemory()

/**
 * Bring your own store (a database, another cache): `claim` must be atomic across every
 * instance sharing it; `release` (optional) deletes a claim, for the "acknowledge after the
 * handler" mode (`WebhookHandler.layer(handlers, { acknowledge: "afterHandler" })`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WebhookDedupe } from "@effect-douyin/group"
 *
 * declare const insertIfAbsent: (id: string) => Promise<boolean>
 * const shared = WebhookDedupe.layerFunction((msgId) =>
 *   Effect.tryPromise({
 *     try: () => insertIfAbsent(`douyin:webhook:${msgId}`),
 *     catch: (cause) => new WebhookDedupe.WebhookDedupeError({ description: "database", cause })
 *   }))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFunction = (claim: Service["claim"], release?: Service["release"]): Layer.Layer<WebhookDedupe> =>
  Layer.succeed(WebhookDedupe, { claim, release })

/**
 * No de-duplication: every delivery is processed.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<WebhookDedupe> = layerFunction(() => Effect.succeed(true))
