/**
 * A test layer for the whole stack: what the production one-call layer provides (the nine
 * endpoint services, `DouyinClient`, `OAuth`, `TokenStore`) plus the webhook receiver's services
 * (`WebhookConfig`, `WebhookDedupe`), over a fresh in-process sandbox, with memory stores, and a
 * handle to the sandbox (`FanGroupSandbox`) for the test's own setup and assertions. No plain
 * `HttpClient` is put into the context: an app's other HTTP calls never reach the emulator.
 *
 * Tokens are the real thing: a creator is onboarded with `sandbox.authorize` → code →
 * `TokenStore.authorize(code)`, and every call then uses that creator's token from the store,
 * refreshed through the sandbox's OAuth when it expires. {@link layerWebhooks} connects the
 * sandbox's webhooks to your handlers, in-process.
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { ListFanGroups, ReviewEntryApplication } from "@effect-douyin/group"
 * import { FanGroupSandbox, SandboxTest } from "@effect-douyin/sandbox"
 * import { Effect, Layer } from "effect"
 *
 * const TestLive = SandboxTest.layerWebhooks({
 *   // auto-approve every join application, from the webhook
 *   EntryApplicationChanged: (event) =>
 *     event.content.applyStatus === "pending"
 *       ? ReviewEntryApplication.review({ openId: event.ownerOpenId, applyId: event.content.applyId, decision: "approve" })
 *       : Effect.void
 * }).pipe(Layer.provideMerge(SandboxTest.layer()))
 *
 * const test = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   yield* TokenStore.authorize(yield* sandbox.authorize({ openId: "creator-1" }))
 *   const { groups } = yield* ListFanGroups.list({ openId: "creator-1" })
 *   return groups
 * }).pipe(Effect.provide(TestLive))
 * ```
 *
 * @since 0.1.0
 */
import { AccessToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupApi, WebhookConfig, WebhookDedupe, WebhookHandler } from "@effect-douyin/group"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as FanGroupSandbox from "./FanGroupSandbox.js"

/**
 * What {@link layer} provides: the production one-call layer's services, the webhook
 * receiver's services, and the sandbox.
 *
 * @example
 * ```ts
 * import { SandboxTest } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // a test body that may use any service of the whole-stack layer
 * const test: Effect.Effect<void, never, SandboxTest.Services> = Effect.void
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | FanGroupApi.FanGroupApi
  | DouyinClient.DouyinClient
  | OAuth.OAuth
  | TokenStore.TokenStore
  | WebhookConfig.WebhookConfig
  | WebhookDedupe.WebhookDedupe
  | FanGroupSandbox.FanGroupSandbox

/**
 * The sandbox's options, plus the policies of the client (default: no retry, no rate limit, so
 * a test sees each request as it is sent; pass layers to test your code under them).
 *
 * @example
 * ```ts
 * import { SandboxTest } from "@effect-douyin/sandbox"
 * import { RateLimit } from "@effect-douyin/core"
 *
 * const options: SandboxTest.Options = { quota: 2, rateLimit: RateLimit.layerDisabled }
 * const TestLive = SandboxTest.layer(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends FanGroupSandbox.Options {
  readonly retry?: Layer.Layer<Retry.Retry> | undefined
  readonly rateLimit?: Layer.Layer<RateLimit.RateLimit> | undefined
  /** How tokens are refreshed (`AccessToken.layerStore`'s options). */
  readonly accessToken?: AccessToken.StoreOptions | undefined
}

/**
 * The whole stack over a fresh in-process sandbox; see the module's description.
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { FanGroupQuota } from "@effect-douyin/group"
 * import { FanGroupSandbox, SandboxTest } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const left = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   yield* TokenStore.authorize(yield* sandbox.authorize({ openId: "creator-1" }))
 *   return yield* FanGroupQuota.remaining({ openId: "creator-1" })
 * }).pipe(Effect.provide(SandboxTest.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Services, ConfigError.ConfigError> => {
  const clientKey = options.clientKey ?? FanGroupSandbox.defaultClientKey
  const clientSecret = options.clientSecret ?? Redacted.make(FanGroupSandbox.defaultClientSecret)
  const sandboxOptions = { ...options, clientKey, clientSecret }
  // The sandbox's HttpClient reaches OAuth and DouyinClient only (provided, not merged).
  const platform = Layer.mergeAll(DouyinConfig.layer(), FanGroupSandbox.layerHttpClient)
  const tokens = Layer.merge(TokenStore.layerMemory(), OAuth.layer({ clientKey, clientSecret }))
  const client = DouyinClient.layer.pipe(
    Layer.provide(options.retry ?? Retry.layerDisabled),
    Layer.provide(options.rateLimit ?? RateLimit.layerDisabled),
    Layer.provide(AccessToken.layerStore(options.accessToken))
  )
  const webhooks = Layer.merge(WebhookConfig.layer({ clientSecret }), WebhookDedupe.layer)
  return FanGroupApi.layer.pipe(
    Layer.provideMerge(client),
    Layer.provideMerge(tokens),
    Layer.provide(platform),
    Layer.provideMerge(webhooks),
    Layer.provideMerge(FanGroupSandbox.layer(sandboxOptions))
  )
}

/**
 * Your webhook handlers on the SDK's receiver (`WebhookHandler`), fed by the sandbox's
 * deliveries in-process: each delivery is signed, has a `Msg-Id`, and is retried when a handler
 * setup answers a non-2xx status, as over HTTP. `sandbox.awaitDeliveries` then
 * `WebhookHandler.awaitIdle` wait for them.
 *
 * @example
 * ```ts
 * import { SandboxTest } from "@effect-douyin/sandbox"
 * import { Effect, Layer } from "effect"
 *
 * const TestLive = SandboxTest.layerWebhooks({
 *   GroupFanJoined: (event) => Effect.log(`a member joined a group of ${event.ownerOpenId}`)
 * }).pipe(Layer.provideMerge(SandboxTest.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebhooks = <R = never>(
  handlers: WebhookHandler.Handlers<R>
): Layer.Layer<
  WebhookHandler.WebhookHandler,
  never,
  FanGroupSandbox.FanGroupSandbox | WebhookConfig.WebhookConfig | WebhookDedupe.WebhookDedupe | Exclude<R, Scope.Scope>
> => {
  const encoder = new TextEncoder()
  const connect = Effect.gen(function*() {
    const sandbox = yield* FanGroupSandbox.FanGroupSandbox
    const receiver = yield* WebhookHandler.WebhookHandler
    yield* sandbox.connectWebhooks((delivery) =>
      Effect.map(
        receiver.handle({ body: encoder.encode(delivery.body), headers: delivery.headers }),
        (reply) => reply.status
      )
    )
  })
  // The default options: nothing to refuse (a ConfigError only comes from a bad option).
  return Layer.effectDiscard(connect).pipe(Layer.provideMerge(Layer.orDie(WebhookHandler.layer(handlers))))
}
