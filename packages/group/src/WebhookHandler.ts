/**
 * A webhook receiver built from per-event Effect handlers, mountable in any
 * `@effect/platform` HTTP server or router.
 *
 * For every delivery, in this order:
 * 1. read the **raw** body (at most `maxBodyBytes`, else 413);
 * 2. verify `X-Douyin-Signature` over those bytes in constant time (401 when absent or wrong;
 *    nothing is parsed);
 * 3. parse JSON (400 when it is not) and type the event ({@link WebhookEvent.decode}, never
 *    fails);
 * 4. `verify_webhook` → 200 `{"challenge": …}`;
 * 5. claim the `Msg-Id` header in {@link WebhookDedupe.WebhookDedupe}: a repeat is
 *    acknowledged and not run again;
 * 6. run the handler for the event's `_tag`, in one of two modes ({@link Options.acknowledge}):
 *    - `"immediately"` (the default): start it in the background and acknowledge **at once**
 *      with 200 `{}`. The handler's failures and defects are logged (annotated with event,
 *      Msg-Id and logid) and never change the acknowledgement. Handlers still running when
 *      the layer's scope closes are interrupted.
 *    - `"afterHandler"`: run it before answering: 200 `{}` once it succeeded; when it fails
 *      (or dies), 500, so that Douyin delivers the event again, and the `Msg-Id` claim is
 *      released ({@link WebhookDedupe.Service.release}) so that the redelivery runs the
 *      handler: a Msg-Id stays recorded only once handled. Douyin waits about 5 s for an
 *      answer (docs/wire.md#webhooks) and takes a late one as a failure, so a handler still
 *      running at {@link Options.handlerTimeout} (default 4 s) is interrupted and answered
 *      like a failure (500, claim released): an answer Douyin would not read never
 *      acknowledges a delivery. A redelivery that arrives while the first is still being
 *      handled is answered as a duplicate (200); the first delivery's answer decides whether
 *      Douyin tries again.
 *
 * Mounting inside an `HttpApi`: take the receiver from the context when the group is built and
 * hand its `app` to `handleRaw` (the handler of an `HttpApi` endpoint may need only what the
 * group provides, so naming the `WebhookHandler` tag inside the handler does not compile):
 *
 * ```ts
 * import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
 * import { Effect } from "effect"
 * import { WebhookHandler } from "@effect-douyin/group"
 *
 * const Api = HttpApi.make("app").add(
 *   HttpApiGroup.make("douyin").add(HttpApiEndpoint.post("webhook", "/douyin/webhook"))
 * )
 * const DouyinGroup = HttpApiBuilder.group(Api, "douyin", (handlers) =>
 *   Effect.map(WebhookHandler.WebhookHandler, (receiver) => handlers.handleRaw("webhook", () => receiver.app)))
 * // DouyinGroup: Layer<ApiGroup<"app", "douyin">, never, WebhookHandler>; provide WebhookHandler.layer(…)
 * ```
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { WebhookConfig, WebhookDedupe, WebhookHandler } from "@effect-douyin/group"
 *
 * const Webhooks = WebhookHandler.layer({
 *   GroupMessageReceived: (event) => Effect.log(`message ${event.content.serverMessageId}`),
 *   EntryApplicationChanged: (event) => Effect.log(`application ${event.content.applyId}`)
 * }).pipe(Layer.provide([WebhookConfig.layerConfig(), WebhookDedupe.layer]))
 *
 * const Server = HttpRouter.empty.pipe(
 *   HttpRouter.post("/douyin/webhook", WebhookHandler.app),
 *   HttpServer.serve(),
 *   Layer.provide(Webhooks)
 * )
 * ```
 *
 * @since 0.1.0
 */
import { ConfigCheck } from "@effect-douyin/core"
import * as DouyinMetrics from "@effect-douyin/core/DouyinMetrics"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { WebhookConfig } from "./WebhookConfig.js"
import { WebhookDedupe } from "./WebhookDedupe.js"
import * as WebhookEvent from "./WebhookEvent.js"
import * as WebhookSignature from "./WebhookSignature.js"

/**
 * The `Msg-Id` header, lower-case as HTTP servers present it.
 *
 * @since 0.1.0
 * @category constants
 */
export const msgIdHeaderName = "msg-id"

/**
 * What a handler learns about the delivery besides the typed event.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  /** The `Msg-Id` header, when Douyin sent one. */
  readonly msgId: Option.Option<string>
  /** The parsed JSON body as received (fields the typed event does not model are here). */
  readonly payload: unknown
}

/**
 * The tags a user handler can be registered for (`VerifyWebhook` is answered by the
 * receiver itself).
 *
 * @since 0.1.0
 * @category models
 */
export type HandledTag = Exclude<WebhookEvent.Tag, "VerifyWebhook">

/**
 * One optional handler per event `_tag`. A handler's success value is ignored; its failure
 * is logged. Each run gets its own `Scope`, closed when the handler ends.
 *
 * @since 0.1.0
 * @category models
 */
export type Handlers<R> = {
  readonly [K in HandledTag]?: (
    event: Extract<WebhookEvent.WebhookEvent, { readonly _tag: K }>,
    delivery: Delivery
  ) => Effect.Effect<unknown, unknown, R>
}

/**
 * A delivery as raw bytes and headers, for servers other than `@effect/platform`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawDelivery {
  /** The request body exactly as received. */
  readonly body: Uint8Array
  /** Request headers with lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
}

/**
 * What happened to a delivery.
 *
 * - `acknowledged`: a handler (if any) was started (`"immediately"`), or succeeded
 *   (`"afterHandler"`).
 * - `failed`: `"afterHandler"` only: the handler failed; answered 500 for a redelivery.
 * - `duplicate`: the `Msg-Id` was seen before; nothing was started.
 * - `challenge`: a `verify_webhook` request was answered.
 * - `rejected`: the signature was absent or wrong (401).
 * - `invalid`: signed, but too large (413) or not JSON (400).
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = "acknowledged" | "failed" | "duplicate" | "challenge" | "rejected" | "invalid"

/**
 * The HTTP answer to a delivery: a status and a JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly outcome: Outcome
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * The receiver as an `HttpApp`: mount it with `HttpRouter.post(path, receiver.app)`, or
   * serve it directly. Never fails; every outcome is an HTTP response.
   */
  readonly app: HttpApp.Default
  /** The same receiver for raw bytes and headers (any HTTP framework). */
  readonly handle: (delivery: RawDelivery) => Effect.Effect<Reply>
  /** Waits until every handler started so far has finished. */
  readonly awaitIdle: Effect.Effect<void>
}

/**
 * The webhook receiver built by {@link layer}.
 *
 * @since 0.1.0
 * @category tags
 */
export class WebhookHandler extends Context.Tag("@effect-douyin/group/WebhookHandler")<WebhookHandler, Service>() {}

const reply = (status: number, outcome: Outcome, body: unknown = {}): Reply => ({ status, body, outcome })

const resultOf: Record<Outcome, DouyinMetrics.WebhookResult> = {
  acknowledged: "handled",
  failed: "handler_failed",
  duplicate: "duplicate",
  challenge: "challenge",
  rejected: "bad_signature",
  invalid: "bad_body"
}

const decoder = new TextDecoder("utf-8", { fatal: true })

const parseJson = (body: Uint8Array): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(decoder.decode(body)))
  } catch {
    return Option.none()
  }
}

const logIdOf = (event: WebhookEvent.WebhookEvent): string | undefined =>
  event._tag === "UnknownEvent" || event._tag === "MalformedEvent" || event._tag === "VerifyWebhook" ? undefined : event.logId

/**
 * How the receiver runs handlers.
 *
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /**
   * `"immediately"` (default): acknowledge, then run the handler in the background (its
   * failure is logged, the delivery is not repeated). `"afterHandler"`: answer once the
   * handler ended: 200 when it succeeded, 500 when it failed, so Douyin delivers again and
   * the handler runs again; the Msg-Id is recorded only once handled.
   */
  readonly acknowledge?: "immediately" | "afterHandler" | undefined
  /**
   * `"afterHandler"` only: how long a handler may run before its delivery is answered 500
   * (the handler is interrupted, the Msg-Id released, so that Douyin's redelivery runs it
   * again). Default 4 seconds, under the about 5 s Douyin waits for an answer. A duration
   * above 0; anything else fails the build with a `ConfigError` naming `handlerTimeout`.
   */
  readonly handlerTimeout?: Duration.DurationInput | undefined
}

/** Below the about 5 s Douyin waits for a webhook's answer, with room for the answer's way back. */
const defaultHandlerTimeout = Duration.seconds(4)

/**
 * Builds the receiver. The handlers' requirements `R` are captured from the context where
 * `make` runs; handler fibers live in the surrounding `Scope` and are interrupted when it
 * closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(
  handlers: Handlers<R>,
  options: Options = {}
): Effect.Effect<
  Service,
  ConfigError.ConfigError,
  WebhookConfig | WebhookDedupe | Scope.Scope | Exclude<R, Scope.Scope>
> =>
  Effect.gen(function*() {
    const afterHandler = options.acknowledge === "afterHandler"
    const handlerTimeout = options.handlerTimeout === undefined
      ? defaultHandlerTimeout
      : yield* ConfigCheck.option("handlerTimeout", ConfigCheck.positiveDuration, options.handlerTimeout)
    const config = yield* WebhookConfig
    const dedupe = yield* WebhookDedupe
    const context = yield* Effect.context<Exclude<R, Scope.Scope>>()
    const running = yield* FiberSet.make<unknown, never>()
    const metrics = yield* DouyinMetrics.recorder

    // The handler's run: `true` when it succeeded (or there is none), `false` when it failed.
    const runHandler = (event: WebhookEvent.WebhookEvent, delivery: Delivery): Effect.Effect<boolean> => {
      const handler = (handlers as Record<string, Handlers<R>[HandledTag]>)[event._tag] as
        | ((event: WebhookEvent.WebhookEvent, delivery: Delivery) => Effect.Effect<unknown, unknown, R>)
        | undefined
      if (handler === undefined) return Effect.as(Effect.logDebug(`douyin webhook: no handler for ${event._tag}`), true)
      const consequence = afterHandler
        ? "answered 500 so that Douyin delivers it again"
        : "the delivery stays acknowledged"
      return Effect.suspend(() => handler(event, delivery)).pipe(
        Effect.scoped,
        Effect.provide(context),
        Effect.as(true),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.succeed(false)
            : Effect.as(Effect.logError(`douyin webhook handler for ${event._tag} failed; ${consequence}`, cause), false)
        ),
        Effect.annotateLogs("douyin.webhook.event", event.event),
        Effect.withSpan(`douyin.webhook.${event._tag}`, {
          attributes: {
            "douyin.webhook.event": event.event,
            ...Option.match(delivery.msgId, {
              onNone: () => ({}),
              onSome: (msgId) => ({ "douyin.webhook.msg_id": msgId })
            }),
            ...(logIdOf(event) === undefined ? {} : { "douyin.logid": logIdOf(event) })
          }
        })
      ) as Effect.Effect<boolean> // R was provided from `context` and Scope by `scoped`
    }

    const start = (event: WebhookEvent.WebhookEvent, delivery: Delivery): Effect.Effect<void> =>
      Effect.asVoid(FiberSet.run(running, runHandler(event, delivery)))

    // `event`: the typed event's `_tag` once the body was read (bounded, unlike Douyin's names).
    const counted = (event: string, answer: Reply) => Effect.as(metrics.webhookDelivery(event, resultOf[answer.outcome]), answer)

    const handle = (raw: RawDelivery): Effect.Effect<Reply> =>
      Effect.gen(function*() {
        if (raw.body.byteLength > config.maxBodyBytes) {
          yield* Effect.logWarning("douyin webhook rejected: body too large")
          return yield* counted("none", reply(413, "invalid", { error: "body too large" }))
        }
        const signature = raw.headers[WebhookSignature.headerName]
        const verified = yield* Effect.either(WebhookSignature.verifyEffect(config.clientSecret, raw.body, signature))
        if (verified._tag === "Left") {
          yield* Effect.logWarning(verified.left.message)
          return yield* counted("none", reply(401, "rejected", { error: "invalid signature" }))
        }
        const payload = parseJson(raw.body)
        if (Option.isNone(payload)) {
          yield* Effect.logWarning("douyin webhook rejected: the signed body is not JSON")
          return yield* counted("none", reply(400, "invalid", { error: "body is not JSON" }))
        }
        const event = WebhookEvent.decode(payload.value)
        if (event._tag === "VerifyWebhook") {
          return yield* counted(event._tag, reply(200, "challenge", { challenge: event.content.challenge }))
        }
        if (event._tag === "MalformedEvent") {
          yield* Effect.logWarning(`douyin webhook ${event.event} did not match its schema: ${event.issue}`)
        }
        const msgId = Option.fromNullable(raw.headers[msgIdHeaderName]).pipe(Option.filter((id) => id !== ""))
        if (Option.isSome(msgId)) {
          const first = yield* dedupe.claim(msgId.value).pipe(
            Effect.catchAll((error) => Effect.as(Effect.logWarning(`${error.message}; processing the delivery anyway`), true))
          )
          if (!first) {
            yield* Effect.logDebug("douyin webhook: duplicate delivery ignored")
            return yield* counted(event._tag, reply(200, "duplicate"))
          }
        }
        const delivery: Delivery = { msgId, payload: payload.value }
        if (!afterHandler) {
          yield* start(event, delivery)
          return yield* counted(event._tag, reply(200, "acknowledged"))
        }
        const handled = yield* runHandler(event, delivery).pipe(
          Effect.timeout(handlerTimeout),
          Effect.catchTag("TimeoutException", () =>
            Effect.as(
              Effect.logWarning(
                `douyin webhook handler for ${event._tag} did not finish within ${
                  Duration.format(handlerTimeout)
                }; interrupted and answered 500 so that Douyin delivers it again`
              ),
              false
            ))
        )
        if (handled) return yield* counted(event._tag, reply(200, "acknowledged"))
        // Not handled: forget the claim, so that Douyin's redelivery runs the handler again.
        if (Option.isSome(msgId) && dedupe.release !== undefined) {
          yield* dedupe.release(msgId.value).pipe(
            Effect.catchAll((error) => Effect.logWarning(`${error.message}; the redelivery may be taken for a duplicate`))
          )
        }
        return yield* counted(event._tag, reply(500, "failed", { error: "handler failed" }))
      }).pipe(
        Effect.annotateLogs(
          raw.headers[msgIdHeaderName] === undefined ? {} : { "douyin.webhook.msg_id": raw.headers[msgIdHeaderName] }
        )
      )

    const app: HttpApp.Default = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (request.method !== "POST") {
        return HttpServerResponse.unsafeJson({ error: "method not allowed" }, { status: 405 })
      }
      const declared = Number(request.headers["content-length"])
      if (Number.isFinite(declared) && declared > config.maxBodyBytes) {
        return yield* Effect.as(
          metrics.webhookDelivery("none", "bad_body"),
          HttpServerResponse.unsafeJson({ error: "body too large" }, { status: 413 })
        )
      }
      const body = yield* request.arrayBuffer.pipe(
        HttpIncomingMessage.withMaxBodySize(Option.some(config.maxBodyBytes)),
        Effect.map((buffer) => new Uint8Array(buffer)),
        Effect.option
      )
      if (Option.isNone(body)) {
        return yield* Effect.as(
          metrics.webhookDelivery("none", "bad_body"),
          HttpServerResponse.unsafeJson({ error: "unreadable body" }, { status: 400 })
        )
      }
      const answer = yield* handle({ body: body.value, headers: request.headers })
      return HttpServerResponse.unsafeJson(answer.body, { status: answer.status })
    })

    return { app, handle, awaitIdle: FiberSet.awaitEmpty(running) }
  })

/**
 * The receiver as a layer. Needs {@link WebhookConfig} (the `client_secret`),
 * {@link WebhookDedupe.WebhookDedupe} (e.g. `WebhookDedupe.layer`) and whatever the handlers
 * need. `options.acknowledge: "afterHandler"` answers only once the handler ended (5xx on
 * failure, for a redelivery).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <R = never>(
  handlers: Handlers<R>,
  options: Options = {}
): Layer.Layer<WebhookHandler, ConfigError.ConfigError, WebhookConfig | WebhookDedupe | Exclude<R, Scope.Scope>> =>
  Layer.scoped(WebhookHandler, make(handlers, options))

/**
 * The receiver from the context as an `HttpApp`, for
 * `HttpRouter.post("/douyin/webhook", WebhookHandler.app)`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const app: HttpApp.Default<never, WebhookHandler> = Effect.flatMap(WebhookHandler, (receiver) => receiver.app)
