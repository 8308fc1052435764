/**
 * A stateful, in-memory emulator of the Douyin fan-group API that speaks the exact wire
 * format (paths, query `open_id`, header `access-token`, envelopes A/B/C with the shapes of
 * the recorded samples, the documented error codes). State lives in the layer; time comes
 * from `Clock`, so `TestClock` drives token expiry and latency.
 *
 * What it keeps: a group-creation quota per owner (2190001 when spent), groups per owner
 * `open_id`, messages with unique ids and recall, welcome message / notice settings per group
 * and type, join applications (simulated with {@link Admin.applyToJoin}) and their review, a
 * token registry, and optional OAuth (`/oauth/access_token/`, `/oauth/refresh_token/`).
 * Fault knobs: {@link busy}, {@link tokenExpired}, {@link dropConnection}, {@link httpStatus},
 * {@link latency}.
 *
 * Two faces over one state: {@link layerClient} (an in-process client under its own tag,
 * {@link SandboxHttpClient}, no sockets: unit tests and your own tests; {@link layerHttpClient}
 * gives it to the SDK's layers) and {@link httpApp} (an `HttpApp` to serve on a real socket, e.g. with
 * `NodeHttpServer`; `pnpm sandbox` does that). Admin operations are also served over HTTP
 * under `/sandbox/` and reachable with {@link makeRemote}.
 *
 * @example
 * ```ts
 * import { FanGroupApi } from "@effect-douyin/group"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect, Layer } from "effect"
 *
 * // The endpoint services over the sandbox, in a test:
 * const TestLive = FanGroupApi.layer.pipe(Layer.provideMerge(FanGroupSandbox.layerDouyinClient()))
 * Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   yield* sandbox.inject(FanGroupSandbox.busy({ times: 2 }))
 *   // …
 * }).pipe(Effect.provide(TestLive))
 * ```
 *
 * @since 0.1.0
 */

import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as adminError from "./internal/adminError.js"
import type * as api from "./internal/api.js"
import type * as delivery from "./internal/delivery.js"
import * as faultBuilders from "./internal/faultBuilders.js"
import * as internalHttpApp from "./internal/httpApp.js"
import * as inProcessClient from "./internal/inProcessClient.js"
import type * as mediaModel from "./internal/mediaModel.js"
import type * as model from "./internal/model.js"
import * as remote from "./internal/remote.js"
import * as router from "./internal/router.js"
import * as schemas from "./internal/schemas.js"
import * as service from "./internal/service.js"

// ---------------------------------------------------------------------------------------------
// models

/**
 * A wire request as the sandbox sees it (lower-case header names).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * // a wire request answered without any face (tests of the emulator itself)
 * const request: FanGroupSandbox.WireRequest = {
 *   method: "GET",
 *   path: "/im/group/count/",
 *   query: { open_id: "creator-1" },
 *   headers: { "access-token": "act.sandbox.creator-1" },
 *   bodyText: ""
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type WireRequest = model.WireRequest

/**
 * The sandbox's answer: a reply, or a dropped connection.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const status = (outcome: FanGroupSandbox.Outcome): number => outcome._tag === "Reply" ? outcome.status : 0
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = model.Outcome

/**
 * A fan group as the sandbox stores it.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const names = (groups: ReadonlyArray<FanGroupSandbox.Group>) => groups.map((g) => `${g.groupName} (${g.existNum}/${g.maxNum})`)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Group = model.Group

/**
 * A sent group message (`content` is the wire object as sent).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const live = (messages: ReadonlyArray<FanGroupSandbox.Message>) => messages.filter((m) => !m.recalled)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Message = model.Message

/**
 * A join application; `status` 1 pending, 2 approved, 3 rejected.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const pending = (applications: ReadonlyArray<FanGroupSandbox.Application>) => applications.filter((a) => a.status === 1)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Application = model.Application

/**
 * A welcome message (type 1) or notice (type 2) of a group (`groupId` `*`: set without a group).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const notices = (settings: ReadonlyArray<FanGroupSandbox.Setting>) => settings.filter((s) => s.settingType === 2 && s.enabled)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Setting = model.Setting

/**
 * A request the sandbox received (never the token).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const oauthCalls = (requests: ReadonlyArray<FanGroupSandbox.RecordedRequest>) => requests.filter((r) => r.path.startsWith("/oauth/"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RecordedRequest = model.Recorded

/**
 * A fault to inject; build one with {@link busy}, {@link tokenExpired}, {@link dropConnection},
 * {@link httpStatus} or {@link latency}.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const faults: ReadonlyArray<FanGroupSandbox.Fault> = [FanGroupSandbox.busy({ times: 2 }), FanGroupSandbox.latency("200 millis")]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = model.Fault

/**
 * An image uploaded to the sandbox: id, dimensions, format, size, md5.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const pngs = (images: ReadonlyArray<FanGroupSandbox.UploadedImage>) => images.filter((i) => i.format === "png")
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export type UploadedImage = mediaModel.Image

/**
 * A lead card as the sandbox stores it (`status` 0 approved, 1 in review, 2 rejected).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const approved = (cards: ReadonlyArray<FanGroupSandbox.LeadCard>) => cards.filter((c) => c.status === 0)
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export type LeadCard = mediaModel.LeadCard

/**
 * A mini-program card template as the sandbox stores it (`status` 0 pending, 1 approved, 2 rejected).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const approved = (templates: ReadonlyArray<FanGroupSandbox.AppletTemplate>) => templates.filter((t) => t.status === 1)
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export type AppletTemplate = mediaModel.AppletTemplate

/**
 * The sandbox's data, in creation order.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const state = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   const snapshot: FanGroupSandbox.Snapshot = yield* sandbox.snapshot
 *   return { at: new Date(snapshot.now), groups: snapshot.groups.length }
 * }).pipe(Effect.provide(FanGroupSandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Snapshot = api.Snapshot

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Redacted } from "effect"
 *
 * const options: FanGroupSandbox.Options = {
 *   quota: 2,
 *   clientKey: "my-app",
 *   clientSecret: Redacted.make("my-app-secret"),
 *   accessTokenLifetime: "1 hour"
 * }
 * const TestSandbox = FanGroupSandbox.layer(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Options = api.Options

/**
 * Where and how the sandbox delivers webhooks.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const webhook: FanGroupSandbox.WebhookOptions = { url: "http://127.0.0.1:3000/webhooks/douyin", retries: 1 }
 * const TestSandbox = FanGroupSandbox.layer({ webhook })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookOptions = api.WebhookOptions

/**
 * A webhook delivery in the log: `pending` while attempts remain, then `delivered` or `failed`.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const failed = (log: ReadonlyArray<FanGroupSandbox.DeliveryRecord>) => log.filter((d) => d.status === "failed")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveryRecord = delivery.DeliveryRecord

/**
 * A failed admin operation (e.g. applying to a group that does not exist).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // applying to a group that does not exist
 * const refused = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   return yield* sandbox.applyToJoin({ groupId: "@missing==" })
 * }).pipe(
 *   Effect.catchTag("SandboxAdminError", (e) => Effect.succeed(e.description)),
 *   Effect.provide(FanGroupSandbox.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export const SandboxAdminError: typeof adminError.SandboxAdminError = adminError.SandboxAdminError

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const isAdminError = (u: unknown): u is FanGroupSandbox.SandboxAdminError => u instanceof FanGroupSandbox.SandboxAdminError
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type SandboxAdminError = adminError.SandboxAdminError

/**
 * Creators who have authorized the app, with their token, quota and groups: what
 * `douyin-sandbox --seed file.json` reads and the admin operation `seed` takes. Field names are
 * the wire's (snake_case).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Schema } from "effect"
 *
 * // the contents of a seed file (demo.json)
 * const seed = Schema.decodeUnknownSync(FanGroupSandbox.Seed)({
 *   creators: [{
 *     open_id: "creator-demo",
 *     access_token: "act.demo",
 *     quota: 5,
 *     groups: [{ group_name: "Effect fans", open_audit_switch: 1, members: 12 }]
 *   }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Seed: typeof schemas.Seed = schemas.Seed

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const seed: FanGroupSandbox.Seed = { creators: [{ open_id: "creator-1", quota: 2 }] }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export type Seed = typeof Seed.Type

/**
 * A seeded creator and the token the sandbox accepts for it.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const tokens = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   const creators: ReadonlyArray<FanGroupSandbox.SeededCreator> = yield* sandbox.seed({ creators: [{ open_id: "creator-1" }] })
 *   return creators.map((c) => c.accessToken)
 * }).pipe(Effect.provide(FanGroupSandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SeededCreator = api.SeededCreator

/**
 * What a test or demo can do that no Douyin endpoint does: simulate users, control tokens,
 * quota and faults, read the state. Served in-process by {@link FanGroupSandbox} and over
 * HTTP by {@link makeRemote}.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // the same operations in-process and over HTTP (makeRemote)
 * const setUp = (admin: FanGroupSandbox.Admin) =>
 *   Effect.gen(function*() {
 *     yield* admin.seed({ creators: [{ open_id: "creator-1", groups: [{ group_name: "fans", open_audit_switch: 1 }] }] })
 *     const { groups } = yield* admin.snapshot
 *     yield* admin.applyToJoin({ groupId: groups[0]!.groupId, userId: "fan-1" })
 *     yield* admin.advanceClock("16 days")
 *   })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Admin = api.Admin

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const requestsSent = Effect.gen(function*() {
 *   const sandbox: FanGroupSandbox.Service = yield* FanGroupSandbox.FanGroupSandbox
 *   return (yield* sandbox.requests).length
 * }).pipe(Effect.provide(FanGroupSandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Service = api.Service

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const quotaLeft = Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   yield* sandbox.setQuota("creator-1", 1)
 *   return (yield* sandbox.snapshot).quota["creator-1"]
 * }).pipe(Effect.provide(FanGroupSandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class FanGroupSandbox extends Context.Tag("@effect-douyin/sandbox/FanGroupSandbox")<FanGroupSandbox, Service>() {}

// ---------------------------------------------------------------------------------------------
// faults

/**
 * Which requests a fault affects: how many (default 1) and which route (`"POST /im/send/msg/group/"`
 * or `"/im/send/msg/group/"`; default every route).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const onSends: FanGroupSandbox.FaultOptions = { times: 3, route: "POST /im/send/msg/group/" }
 * const fault = FanGroupSandbox.busy(onSends)
 * ```
 *
 * @since 0.4.0
 * @category models
 */
export type FaultOptions = faultBuilders.FaultOptions

/**
 * Answer "system busy" (2100004; 10001 on OAuth routes) without executing the request.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * // the next two sends answer 2100004
 * const fault = FanGroupSandbox.busy({ times: 2, route: "POST /im/send/msg/group/" })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const busy: (options?: FaultOptions) => Fault = faultBuilders.busy

/**
 * Answer "access_token expired" (2190008; 10008 on OAuth routes) without executing the request.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * // the next call answers 2190008: the SDK refreshes and retries once
 * const fault = FanGroupSandbox.tokenExpired()
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const tokenExpired: (options?: FaultOptions) => Fault = faultBuilders.tokenExpired

/**
 * Read the request, then drop the connection without answering. With `executed` (default
 * `true`) the request takes effect first: the caller cannot know whether it did.
 * Over HTTP this destroys the socket (Node servers); in-process it fails the request with a
 * connection-reset transport error.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * // the group is created, but the caller never hears so
 * const fault = FanGroupSandbox.dropConnection({ route: "POST /im/group/fans/create/", executed: true })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const dropConnection: (options?: FaultOptions & { readonly executed?: boolean | undefined }) => Fault = faultBuilders.dropConnection

/**
 * Answer with a bare HTTP status and a non-envelope body (default: an HTML gateway page),
 * without executing the request; `retryAfter` adds a `Retry-After` header (whole seconds).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const fault = FanGroupSandbox.httpStatus(503, { retryAfter: "2 seconds" })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const httpStatus: (
  status: number,
  options?: FaultOptions & {
    readonly body?: string | undefined
    readonly retryAfter?: Duration.DurationInput | undefined
  }
) => Fault = faultBuilders.httpStatus

/**
 * Delay the answer (the request takes effect at once). Default: every matching request, for ever.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const fault = FanGroupSandbox.latency("300 millis", { route: "/im/group/fans/list/" })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const latency: (duration: Duration.DurationInput, options?: FaultOptions) => Fault = faultBuilders.latency

/**
 * Every route the sandbox emulates, as `"METHOD /path/"`.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const posts = FanGroupSandbox.routes.filter((r) => r.startsWith("POST "))
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const routes: ReadonlyArray<string> = router.routes

// ---------------------------------------------------------------------------------------------
// the service

/**
 * The app's `client_key` when {@link Options.clientKey} is not set.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { OAuth } from "@effect-douyin/core"
 * import { Redacted } from "effect"
 *
 * // an OAuth layer with the credentials a sandbox accepts by default
 * const Credentials = OAuth.layer({
 *   clientKey: FanGroupSandbox.defaultClientKey,
 *   clientSecret: Redacted.make(FanGroupSandbox.defaultClientSecret)
 * })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultClientKey: typeof service.defaultClientKey = service.defaultClientKey

/**
 * The app's `client_secret` when {@link Options.clientSecret} is not set (a sandbox value, not a secret).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Redacted } from "effect"
 *
 * const secret = Redacted.make(FanGroupSandbox.defaultClientSecret)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultClientSecret: typeof service.defaultClientSecret = service.defaultClientSecret

/**
 * Builds a sandbox with empty state.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const groups = Effect.scoped(Effect.gen(function*() {
 *   const sandbox = yield* FanGroupSandbox.make({ quota: 1 })
 *   yield* sandbox.seed({ creators: [{ open_id: "creator-1", groups: [{ group_name: "fans" }] }] })
 *   return (yield* sandbox.snapshot).groups
 * }))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, never, Scope.Scope> = service.make

/**
 * The sandbox alone (no client): provide it to {@link httpApp} or use the admin operations.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const code = Effect.flatMap(FanGroupSandbox.FanGroupSandbox, (sandbox) => sandbox.authorize({ openId: "creator-1" })).pipe(
 *   Effect.provide(FanGroupSandbox.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<FanGroupSandbox> => Layer.scoped(FanGroupSandbox, make(options))

// ---------------------------------------------------------------------------------------------
// face 1: an in-process HttpClient

/**
 * An `HttpClient` answered by `sandbox` in-process, whatever the host of the URL.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // the sandbox's HttpClient for code that takes one as an argument
 * const client = Effect.map(FanGroupSandbox.FanGroupSandbox, FanGroupSandbox.makeClient).pipe(
 *   Effect.provide(FanGroupSandbox.layer())
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient: (sandbox: Service) => HttpClient.HttpClient = inProcessClient.makeClient

/**
 * The in-process `HttpClient` answered by the sandbox, under a tag of its own: it reaches only
 * the code that asks for it by this tag, never an `HttpClient` your app's other calls use. For
 * raw wire requests in a test (`yield* FanGroupSandbox.SandboxHttpClient`).
 *
 * @example
 * ```ts
 * import { HttpClientRequest } from "@effect/platform"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // A raw GET, as curl would send it, answered in-process
 * const count = Effect.gen(function*() {
 *   const http = yield* FanGroupSandbox.SandboxHttpClient
 *   const response = yield* http.execute(
 *     HttpClientRequest.get("https://open.douyin.com/im/group/count/?open_id=creator-1").pipe(
 *       HttpClientRequest.setHeader("access-token", "act.sandbox.creator-1")
 *     )
 *   )
 *   return yield* response.json
 * }).pipe(Effect.provide(FanGroupSandbox.layerClient()))
 * ```
 *
 * @since 0.4.0
 * @category tags
 */
export class SandboxHttpClient
  extends Context.Tag("@effect-douyin/sandbox/SandboxHttpClient")<SandboxHttpClient, HttpClient.HttpClient>()
{}

/**
 * Face 1: the in-process client of a fresh sandbox ({@link SandboxHttpClient}, no sockets),
 * plus the sandbox itself for assertions and fault injection. No plain `HttpClient` is put into
 * the context: give the sandbox's client to the SDK's layers with {@link layerHttpClient}.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const http = yield* FanGroupSandbox.SandboxHttpClient
 *   const sandbox = yield* FanGroupSandbox.FanGroupSandbox
 *   yield* sandbox.inject(FanGroupSandbox.busy())
 *   return http
 * }).pipe(Effect.provide(FanGroupSandbox.layerClient({ quota: 2 })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (options: Options = {}): Layer.Layer<SandboxHttpClient | FanGroupSandbox> =>
  Layer.scopedContext(
    Effect.map(make(options), (sandbox) => Context.make(FanGroupSandbox, sandbox).pipe(Context.add(SandboxHttpClient, makeClient(sandbox))))
  )

/**
 * The sandbox's in-process client as an `HttpClient`, for the SDK's own layers: give it with
 * `Layer.provide` (not `provideMerge`) so that it reaches `DouyinClient`, `OAuth` or
 * `ClientToken` and nothing else of your app.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
 * import { FanGroupApi } from "@effect-douyin/group"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Layer, Redacted } from "effect"
 *
 * const TestLive = FanGroupApi.layer.pipe(
 *   Layer.provideMerge(DouyinClient.layer),
 *   Layer.provide(Retry.layerDisabled),
 *   Layer.provide(RateLimit.layerDisabled),
 *   Layer.provide(AccessToken.layerStatic(Redacted.make("act.sandbox.creator-1"))),
 *   Layer.provide(DouyinConfig.layer()),
 *   Layer.provide(FanGroupSandbox.layerHttpClient),
 *   Layer.provideMerge(FanGroupSandbox.layer())
 * )
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient, never, FanGroupSandbox> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(FanGroupSandbox, makeClient)
)

/**
 * A token for demos and examples: register it for the creator they act as
 * ({@link Admin.registerToken}).
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect, Redacted } from "effect"
 *
 * const registered = Effect.flatMap(
 *   FanGroupSandbox.FanGroupSandbox,
 *   (sandbox) => sandbox.registerToken({ openId: "creator-demo", token: Redacted.make(FanGroupSandbox.defaultToken) })
 * ).pipe(Effect.provide(FanGroupSandbox.layer()))
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToken = "act.sandbox-token"

/**
 * A ready `DouyinClient` over a fresh in-process sandbox (production base URL that never leaves
 * the process, no retry and no rate limit: `Retry.layerDisabled`, `RateLimit.layerDisabled`).
 * Every creator the code names has authorized the app: each `open_id` is sent its own token
 * ({@link Service.tokenOf}), which the sandbox checks as Douyin would. With `token`, that one
 * static token is sent for every `open_id` instead (and refused unless registered for it).
 * Put the endpoint layers on top with `Layer.provideMerge`. No plain `HttpClient` is put into the
 * context: your app's other HTTP calls never reach the emulator.
 * Options that fail `DouyinConfig`'s checks fail the layer with a `ConfigError`.
 *
 * @example
 * ```ts
 * import { FanGroupApi, ListFanGroups } from "@effect-douyin/group"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect, Layer } from "effect"
 *
 * const TestLive = FanGroupApi.layer.pipe(Layer.provideMerge(FanGroupSandbox.layerDouyinClient({ quota: 3 })))
 * const listed = ListFanGroups.list({ openId: "creator-1" }).pipe(Effect.provide(TestLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDouyinClient = (
  options: Options & DouyinConfig.Options & { readonly token?: Redacted.Redacted<string> | undefined } = {}
): Layer.Layer<DouyinClient.DouyinClient | FanGroupSandbox, ConfigError.ConfigError> =>
  DouyinClient.layer.pipe(
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(DouyinConfig.layer(options)),
    Layer.provide(
      options.token === undefined
        ? Layer.unwrapEffect(
          Effect.map(FanGroupSandbox, (sandbox) => AccessToken.layerFunction({ get: sandbox.tokenOf }))
        )
        : AccessToken.layerStatic(options.token)
    ),
    // The sandbox's client reaches DouyinClient only (provided, not merged).
    Layer.provide(layerHttpClient),
    Layer.provideMerge(layer(options))
  )

// ---------------------------------------------------------------------------------------------
// face 2: an HttpApp for a real server, plus admin routes

/**
 * A fault as the admin API takes it (`inject`); `times` `null` means for ever.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Schema } from "effect"
 *
 * const fault = Schema.decodeUnknownSync(FanGroupSandbox.FaultSchema)({ kind: "Busy", times: 2, route: "/im/group/count/" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultSchema: typeof schemas.FaultSchema = schemas.FaultSchema

/**
 * How far `advanceClock` moves the sandbox's clock: milliseconds, or a duration as Effect writes
 * one (`"16 days"`, `"10 minutes"`). Never backwards.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Schema } from "effect"
 *
 * // the body a curl user posts to /sandbox/admin
 * const request = Schema.decodeUnknownSync(FanGroupSandbox.AdminRequest)({ op: "advanceClock", by: "16 days" })
 * ```
 *
 * @since 0.4.0
 * @category schemas
 */
export const ClockStep: typeof schemas.ClockStep = schemas.ClockStep

/**
 * The body of `POST /sandbox/admin`: one operation, `{ "op": …, … }` (the README of the package
 * has the table). The answer is `{ "result": … }`, or `{ "error": … }` with HTTP 400 (not one of
 * these) or 409 (the operation failed). {@link makeRemote} is the typed client.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Schema } from "effect"
 *
 * const body = Schema.decodeUnknownSync(FanGroupSandbox.AdminRequest)({ op: "revokeAuthorization", openId: "creator-1" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AdminRequest: typeof schemas.AdminRequest = schemas.AdminRequest

/**
 * @example
 * ```ts
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 *
 * const request: FanGroupSandbox.AdminRequest = { op: "advanceClock", by: "16 days" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export type AdminRequest = typeof AdminRequest.Type

/**
 * Face 2: the sandbox as an `HttpApp`, to serve on a real socket (e.g.
 * `HttpServer.serve(FanGroupSandbox.httpApp)` with `NodeHttpServer.layer`). Douyin paths are
 * answered as the real API would; `POST /sandbox/admin` with `{ "op": …, … }` runs an
 * {@link Admin} operation (see {@link makeRemote}). A dropped connection destroys the
 * socket when the server is Node's; elsewhere it answers 502 without an envelope.
 *
 * @example
 * ```ts
 * import { HttpServer } from "@effect/platform"
 * import { NodeHttpServer } from "@effect/platform-node"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Layer } from "effect"
 * import { createServer } from "node:http"
 *
 * // served on 127.0.0.1:8787 (SandboxServer.layer does the same)
 * const Server = HttpServer.serve(FanGroupSandbox.httpApp).pipe(
 *   Layer.provide(FanGroupSandbox.layer()),
 *   Layer.provide(NodeHttpServer.layer(createServer, { port: 8787, host: "127.0.0.1" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category http
 */
export const httpApp: HttpApp.Default<never, FanGroupSandbox | HttpServerRequest.HttpServerRequest> = Effect.flatMap(
  Effect.zip(FanGroupSandbox, HttpServerRequest.HttpServerRequest),
  ([sandbox, request]) => internalHttpApp.serve(sandbox, request)
)

// ---------------------------------------------------------------------------------------------
// admin over HTTP

/**
 * The {@link Admin} operations of a sandbox served by {@link httpApp} at `baseUrl`
 * (e.g. the URL `pnpm sandbox` prints).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { FanGroupSandbox } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // the admin API of the sandbox `douyin-sandbox --port 8787` serves
 * const revoke = Effect.gen(function*() {
 *   const admin = yield* FanGroupSandbox.makeRemote("http://127.0.0.1:8787")
 *   yield* admin.revokeAuthorization("creator-demo")
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRemote: (baseUrl: string) => Effect.Effect<Admin, never, HttpClient.HttpClient> = remote.makeRemote
