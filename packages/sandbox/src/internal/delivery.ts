/**
 * The webhook delivery loop: each event the state steps queue becomes a signed delivery with a
 * unique `Msg-Id`, POSTed with a timeout and redelivered after a failure (docs/wire.md#webhooks:
 * a 5 s timeout, up to 3 retries), each attempt recorded in the delivery log.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as SandboxWebhook from "../SandboxWebhook.js"

/** One delivery as the log keeps it. */
export interface DeliveryRecord {
  readonly msgId: string
  readonly event: SandboxWebhook.EventName
  readonly url: string
  /** `pending` while attempts remain, then `delivered` or `failed`. */
  readonly status: "pending" | "delivered" | "failed"
  readonly attempts: number
  /** HTTP status of the last attempt; 0 when it got no answer. */
  readonly lastStatus: number
  readonly lastError: string | undefined
  /** Epoch ms (sandbox clock) of the event. */
  readonly createdAt: number
  /** The body as sent. */
  readonly payload: SandboxWebhook.Payload
}

export interface Target {
  /** The URL, or a name for an in-process receiver (`in-process`). */
  readonly url: string
  /** Sends one attempt; the default POSTs to `url`. */
  readonly send?: ((delivery: SandboxWebhook.Delivery) => Effect.Effect<number, SandboxWebhook.DeliveryFailed>) | undefined
  readonly secret: Redacted.Redacted<string>
  readonly timeoutMillis: number
  readonly retries: number
  readonly retryDelayMillis: number
}

export interface Deliverer {
  readonly enqueue: (payloads: ReadonlyArray<SandboxWebhook.Payload>, now: number) => Effect.Effect<void>
  readonly log: Effect.Effect<ReadonlyArray<DeliveryRecord>>
  readonly clear: Effect.Effect<void>
  /** Where deliveries go from now on (`undefined`: nowhere). */
  readonly setTarget: (target: Target | undefined) => Effect.Effect<void>
  /** Waits until no delivery is in progress (attempts and the waits between them). */
  readonly idle: Effect.Effect<void>
}

/** How many deliveries the log keeps (oldest dropped first). */
const logLimit = 1000

export const make = (initial: Target | undefined): Effect.Effect<Deliverer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const current = yield* Ref.make(initial)
    const log = yield* Ref.make<ReadonlyArray<DeliveryRecord>>([])
    const fibers = yield* FiberSet.make()
    const update = (msgId: string, f: (r: DeliveryRecord) => DeliveryRecord) =>
      Ref.update(log, (all) => all.map((r) => (r.msgId === msgId ? f(r) : r)))

    const deliver = (t: Target, delivery: SandboxWebhook.Delivery): Effect.Effect<void> => {
      const attempt = (n: number): Effect.Effect<void> =>
        (t.send === undefined
          ? SandboxWebhook.post(t.url, delivery, { timeout: Duration.millis(t.timeoutMillis) })
          : t.send(delivery)).pipe(
            Effect.matchEffect({
              onSuccess: (status) =>
                update(delivery.msgId, (r) => ({ ...r, status: "delivered", attempts: n, lastStatus: status, lastError: undefined })),
              onFailure: (e) =>
                Effect.zipRight(
                  update(delivery.msgId, (r) => ({
                    ...r,
                    status: n > t.retries ? "failed" : "pending",
                    attempts: n,
                    lastStatus: e.status,
                    lastError: e.description
                  })),
                  n > t.retries ? Effect.void : Effect.zipRight(Effect.sleep(Duration.millis(t.retryDelayMillis)), attempt(n + 1))
                )
            })
          )
      return attempt(1)
    }

    return {
      log: Ref.get(log),
      clear: Ref.set(log, []),
      setTarget: (target) => Ref.set(current, target),
      idle: FiberSet.awaitEmpty(fibers),
      enqueue: (payloads, now) =>
        Effect.flatMap(Ref.get(current), (target) =>
          target === undefined
            ? Effect.void
            : Effect.forEach(payloads, (payload) => {
              const delivery = SandboxWebhook.sign(payload, target.secret)
              const record: DeliveryRecord = {
                msgId: delivery.msgId,
                event: payload.event,
                url: target.url,
                status: "pending",
                attempts: 0,
                lastStatus: 0,
                lastError: undefined,
                createdAt: now,
                payload
              }
              return Effect.zipRight(
                Ref.update(log, (all) => [...(all.length >= logLimit ? all.slice(1 - logLimit) : all), record]),
                FiberSet.run(fibers, deliver(target, delivery))
              )
            }, { discard: true }))
    }
  })
