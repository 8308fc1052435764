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
import { FanGroupApi } from "@effect-douyin/group"
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
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as HttpApp from "@effect/platform/HttpApp"
import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
import { describeParseError } from "@effect-douyin/core/DouyinError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as model from "./internal/model.js"
import type * as mediaModel from "./internal/mediaModel.js"
import * as adminOps from "./internal/admin.js"
import * as consent from "./internal/consent.js"
import * as faults from "./internal/faults.js"
import * as delivery from "./internal/delivery.js"
import * as inspector from "./internal/inspector.js"
import * as SandboxWebhook from "./SandboxWebhook.js"
import * as router from "./internal/router.js"

// ---------------------------------------------------------------------------------------------
// models

/**
 * A wire request as the sandbox sees it (lower-case header names).
 *
 * @since 0.1.0
 * @category models
 */
export type WireRequest = model.WireRequest

/**
 * The sandbox's answer: a reply, or a dropped connection.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = model.Outcome

/**
 * A fan group as the sandbox stores it.
 *
 * @since 0.1.0
 * @category models
 */
export type Group = model.Group

/**
 * A sent group message (`content` is the wire object as sent).
 *
 * @since 0.1.0
 * @category models
 */
export type Message = model.Message

/**
 * A join application; `status` 1 pending, 2 approved, 3 rejected.
 *
 * @since 0.1.0
 * @category models
 */
export type Application = model.Application

/**
 * A welcome message (type 1) or notice (type 2) of a group (`groupId` `*`: set without a group).
 *
 * @since 0.1.0
 * @category models
 */
export type Setting = model.Setting

/**
 * A request the sandbox received (never the token).
 *
 * @since 0.1.0
 * @category models
 */
export type RecordedRequest = model.Recorded

/**
 * A fault to inject; build one with {@link busy}, {@link tokenExpired}, {@link dropConnection},
 * {@link httpStatus} or {@link latency}.
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = model.Fault

/**
 * An image uploaded to the sandbox: id, dimensions, format, size, md5.
 *
 * @since 0.3.0
 * @category models
 */
export type UploadedImage = mediaModel.Image

/**
 * A lead card as the sandbox stores it (`status` 0 approved, 1 in review, 2 rejected).
 *
 * @since 0.3.0
 * @category models
 */
export type LeadCard = mediaModel.LeadCard

/**
 * A mini-program card template as the sandbox stores it (`status` 0 pending, 1 approved, 2 rejected).
 *
 * @since 0.3.0
 * @category models
 */
export type AppletTemplate = mediaModel.AppletTemplate

/**
 * The sandbox's data, in creation order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Snapshot {
  /**
   * The sandbox's clock (epoch ms): `Clock` plus every {@link Admin.advanceClock} so far.
   *
   * @since 0.4.0
   */
  readonly now: number
  readonly groups: ReadonlyArray<Group>
  readonly messages: ReadonlyArray<Message>
  readonly applications: ReadonlyArray<Application>
  readonly settings: ReadonlyArray<Setting>
  /** Remaining quota of every owner that has used or been given one. */
  readonly quota: Readonly<Record<string, number>>
  /**
   * Uploaded images (id, dimensions, format, size, md5).
   *
   * @since 0.3.0
   */
  readonly images: ReadonlyArray<UploadedImage>
  /**
   * Lead cards (`status` 0 approved; the sandbox approves at once).
   *
   * @since 0.3.0
   */
  readonly leadCards: ReadonlyArray<LeadCard>
  /**
   * Mini-program card templates (`status` 1 approved; the sandbox approves at once).
   *
   * @since 0.3.0
   */
  readonly appletTemplates: ReadonlyArray<AppletTemplate>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Groups each owner may still create at the start (default 5). */
  readonly quota?: number | undefined
  /** Capacity of a new group (default 500, as in the recorded sample). */
  readonly maxMembers?: number | undefined
  /**
   * Off by default: the sandbox is as strict as Douyin. When `true`, any non-empty token is
   * accepted for an `open_id` that has no registered or issued token, and unknown body fields
   * are ignored instead of refused (2100005). For hand-written demo requests only.
   */
  readonly lenient?: boolean | undefined
  /** Lifetime of tokens issued by the emulated OAuth endpoints (default 15 days). */
  readonly accessTokenLifetime?: Duration.DurationInput | undefined
  /** Lifetime of issued refresh tokens (default 30 days). */
  readonly refreshTokenLifetime?: Duration.DurationInput | undefined
  /** The app's `client_key` the OAuth endpoints require (default {@link defaultClientKey}). */
  readonly clientKey?: string | undefined
  /**
   * The app's `client_secret` the OAuth endpoints that take one require (default
   * {@link defaultClientSecret}); webhook deliveries are signed with it.
   */
  readonly clientSecret?: Redacted.Redacted<string> | undefined
  /** Request bodies above this size are refused with HTTP 413 (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined
  /** Where to deliver the webhooks Douyin would send for the state changes (none by default). */
  readonly webhook?: WebhookOptions | undefined
  /** How many received requests are kept for {@link Service.requests} (default 1000). */
  readonly requestLogLimit?: number | undefined
  /**
   * The demo creators the consent page (`/platform/oauth/connect/`) offers to act as
   * (default three: `creator-ana`, `creator-ben`, `creator-chen`).
   */
  readonly demoCreators?: ReadonlyArray<{ readonly openId: string; readonly nickname: string }> | undefined
  /** How long a code granted on the consent page works (default 10 minutes, as Douyin's). */
  readonly authorizationCodeLifetime?: Duration.DurationInput | undefined
  /**
   * Lifetime of the client tokens `/oauth/client_token/` issues (default 2 hours, as Douyin's).
   * Only the two newest are valid: an older one dies 5 minutes after a newer one is issued.
   *
   * @since 0.3.0
   */
  readonly clientTokenLifetime?: Duration.DurationInput | undefined
}

/**
 * Where and how the sandbox delivers webhooks.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookOptions {
  /** The app's webhook URL. */
  readonly url: string
  /** Deliveries are signed with it (default: the app's client secret, as Douyin does). */
  readonly secret?: Redacted.Redacted<string> | undefined
  /** Per-attempt timeout (default 5 seconds). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Redeliveries after a failed attempt (default 3). */
  readonly retries?: number | undefined
  /** Wait before a redelivery (default 1 second: the vendor documents no schedule). */
  readonly retryDelay?: Duration.DurationInput | undefined
}

/**
 * A webhook delivery in the log: `pending` while attempts remain, then `delivered` or `failed`.
 *
 * @since 0.1.0
 * @category models
 */
export type DeliveryRecord = delivery.DeliveryRecord

/**
 * A failed admin operation (e.g. applying to a group that does not exist).
 *
 * @since 0.1.0
 * @category errors
 */
export class SandboxAdminError extends Schema.TaggedError<SandboxAdminError>()("SandboxAdminError", {
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `sandbox ${this.operation}: ${this.description}`
  }
}

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
export const Seed = Schema.Struct({
  creators: Schema.Array(Schema.Struct({
    open_id: Schema.NonEmptyTrimmedString,
    access_token: Schema.optional(Schema.NonEmptyTrimmedString),
    quota: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
    groups: Schema.optional(Schema.Array(Schema.Struct({
      group_name: Schema.NonEmptyTrimmedString,
      description: Schema.optional(Schema.String),
      avatar_uri: Schema.optional(Schema.String),
      group_type: Schema.optional(Schema.Literal(2, 5)),
      open_audit_switch: Schema.optional(Schema.Literal(0, 1)),
      members: Schema.optional(Schema.Int.pipe(Schema.positive()))
    })))
  }))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export type Seed = typeof Seed.Type

/**
 * A seeded creator and the token the sandbox accepts for it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeededCreator {
  readonly openId: string
  readonly accessToken: string
}

/**
 * What a test or demo can do that no Douyin endpoint does: simulate users, control tokens,
 * quota and faults, read the state. Served in-process by {@link FanGroupSandbox} and over
 * HTTP by {@link makeRemote}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Admin {
  /** A user applies to join `groupId`: pending when the group audits entries, else joined at once. */
  readonly applyToJoin: (options: {
    readonly groupId: string
    readonly userId?: string | undefined
  }) => Effect.Effect<Application, SandboxAdminError>
  /** The user `openId` authorizes the app: returns an authorization code for `/oauth/access_token/`. */
  readonly authorize: (options: {
    readonly openId: string
    readonly scope?: string | undefined
  }) => Effect.Effect<string, SandboxAdminError>
  /**
   * Registers `token` for `openId`. From then on that `open_id` accepts only its registered or
   * issued tokens (2190002 otherwise), and the token is refused for other open_ids (2190015).
   */
  readonly registerToken: (options: {
    readonly openId: string
    readonly token: Redacted.Redacted<string>
    readonly expiresIn?: Duration.DurationInput | undefined
  }) => Effect.Effect<void, SandboxAdminError>
  /** Every registered or issued token of `openId` is expired from now on (2190008). */
  readonly expireTokens: (openId: string) => Effect.Effect<void, SandboxAdminError>
  /**
   * The creator withdrew the authorization in the Douyin app: their access tokens are refused
   * at once (2190002) and their refresh tokens too (10010, on refresh and renewal). A new
   * authorization works again. Fails when `openId` has no token.
   *
   * @since 0.4.0
   */
  readonly revokeAuthorization: (openId: string) => Effect.Effect<void, SandboxAdminError>
  /**
   * Moves the sandbox's clock forward by `by` (not backwards): everything time-based follows
   * (token, refresh-token and authorization-code expiry, client tokens, message and log times).
   * Returns the sandbox's time after the move (epoch ms). The sandbox's time is `Clock` plus
   * the sum of these moves, so under `TestClock` it stays deterministic.
   *
   * @since 0.4.0
   */
  readonly advanceClock: (by: Duration.DurationInput) => Effect.Effect<number, SandboxAdminError>
  /** Sets the remaining group-creation quota of `openId`. */
  readonly setQuota: (openId: string, left: number) => Effect.Effect<void, SandboxAdminError>
  /** Adds a fault; faults apply to matching requests in the order they were added. */
  readonly inject: (fault: Fault) => Effect.Effect<void, SandboxAdminError>
  readonly clearFaults: Effect.Effect<void, SandboxAdminError>
  readonly snapshot: Effect.Effect<Snapshot, SandboxAdminError>
  /** A member posts a text message in a group from the Douyin app (`im_group_receive_msg`). */
  readonly postAsMember: (options: {
    readonly groupId: string
    readonly userId?: string | undefined
    readonly text: string
  }) => Effect.Effect<Message, SandboxAdminError>
  /** The webhook deliveries so far, oldest first, with their status and attempts. */
  readonly deliveries: Effect.Effect<ReadonlyArray<DeliveryRecord>, SandboxAdminError>
  /** Adds the seed's creators (authorized, with their token), quota and groups. */
  readonly seed: (seed: Seed) => Effect.Effect<ReadonlyArray<SeededCreator>, SandboxAdminError>
  /** Back to an empty sandbox (same options). */
  readonly reset: Effect.Effect<void, SandboxAdminError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service extends Admin {
  /** Answers one wire request; both faces go through here. Latency faults sleep on `Clock`. */
  readonly handle: (request: WireRequest) => Effect.Effect<Outcome>
  /** Requests received so far, oldest first (bounded by `requestLogLimit`). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /**
   * The token of a creator who has authorized the app: the first token registered or issued
   * for `openId` (expired or not), or a new one registered now (`act.sandbox.<openId>`, no expiry).
   */
  readonly tokenOf: (openId: string) => Effect.Effect<Redacted.Redacted<string>>
  /** The body size above which requests are refused with HTTP 413 (the server face reads no more). */
  readonly maxBodyBytes: number
  /**
   * Delivers the webhooks from now on to an in-process receiver instead of a URL: `receive`
   * answers each signed delivery with an HTTP status (2xx: delivered). Retries and the log are
   * as for a URL. The whole-stack test layer connects the SDK's `WebhookHandler` this way.
   */
  readonly connectWebhooks: (
    receive: (delivery: SandboxWebhook.Delivery) => Effect.Effect<number>,
    options?: Omit<WebhookOptions, "url"> | undefined
  ) => Effect.Effect<void>
  /** Waits until no webhook delivery is in progress. */
  readonly awaitDeliveries: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class FanGroupSandbox extends Context.Tag("@effect-douyin/sandbox/FanGroupSandbox")<FanGroupSandbox, Service>() {}

// ---------------------------------------------------------------------------------------------
// faults

interface FaultOptions {
  /** How many matching requests it affects (default 1). */
  readonly times?: number | undefined
  /** `"POST /im/send/msg/group/"` or `"/im/send/msg/group/"`; default every route. */
  readonly route?: string | undefined
}

const fault = (kind: model.FaultKind, options: FaultOptions | undefined, rest: Partial<Fault> = {}): Fault => ({
  kind,
  times: options?.times ?? 1,
  route: options?.route,
  executed: true,
  status: 0,
  body: "",
  millis: 0,
  ...rest
})

/**
 * Answer "system busy" (2100004; 10001 on OAuth routes) without executing the request.
 *
 * @since 0.1.0
 * @category faults
 */
export const busy = (options?: FaultOptions): Fault => fault("Busy", options)

/**
 * Answer "access_token expired" (2190008; 10008 on OAuth routes) without executing the request.
 *
 * @since 0.1.0
 * @category faults
 */
export const tokenExpired = (options?: FaultOptions): Fault => fault("TokenExpired", options)

/**
 * Read the request, then drop the connection without answering. With `executed` (default
 * `true`) the request takes effect first: the caller cannot know whether it did.
 * Over HTTP this destroys the socket (Node servers); in-process it fails the request with a
 * connection-reset transport error.
 *
 * @since 0.1.0
 * @category faults
 */
export const dropConnection = (options?: FaultOptions & { readonly executed?: boolean | undefined }): Fault =>
  fault("Drop", options, { executed: options?.executed ?? true })

const statusText: Readonly<Record<number, string>> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/**
 * Answer with a bare HTTP status and a non-envelope body (default: an HTML gateway page),
 * without executing the request; `retryAfter` adds a `Retry-After` header (whole seconds).
 *
 * @since 0.1.0
 * @category faults
 */
export const httpStatus = (
  status: number,
  options?: FaultOptions & {
    readonly body?: string | undefined
    readonly retryAfter?: Duration.DurationInput | undefined
  }
): Fault =>
  fault("HttpStatus", options, {
    status,
    body: options?.body ?? `<html><body><h1>${status} ${statusText[status] ?? "Error"}</h1></body></html>`,
    millis: options?.retryAfter === undefined ? 0 : Duration.toMillis(Duration.decode(options.retryAfter))
  })

/**
 * Delay the answer (the request takes effect at once). Default: every matching request, for ever.
 *
 * @since 0.1.0
 * @category faults
 */
export const latency = (duration: Duration.DurationInput, options?: FaultOptions): Fault =>
  fault("Latency", { times: Infinity, ...options }, { millis: Duration.toMillis(Duration.decode(duration)) })

/**
 * Every route the sandbox emulates, as `"METHOD /path/"`.
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
 * @since 0.1.0
 * @category constants
 */
export const defaultClientKey = "sandbox-client-key"

/**
 * The app's `client_secret` when {@link Options.clientSecret} is not set (a sandbox value, not a secret).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultClientSecret = "sandbox-client-secret"

const configOf = (options: Options): model.Config => ({
  initialQuota: options.quota ?? 5,
  maxMembers: options.maxMembers ?? 500,
  lenient: options.lenient ?? false,
  accessTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.accessTokenLifetime ?? "15 days")),
  refreshTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.refreshTokenLifetime ?? "30 days")),
  clientKey: options.clientKey ?? defaultClientKey,
  clientSecret: options.clientSecret === undefined ? defaultClientSecret : Redacted.value(options.clientSecret),
  requestLogLimit: options.requestLogLimit ?? 1000,
  maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  demoCreators: options.demoCreators ?? consent.defaultCreators,
  authorizationCodeLifetimeMillis: Duration.toMillis(Duration.decode(options.authorizationCodeLifetime ?? "10 minutes")),
  clientTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.clientTokenLifetime ?? "2 hours"))
})

/** A forward step of the clock in ms, or `undefined` when `by` is not a finite duration. */
const clockStepMillis = (by: Duration.DurationInput): number | undefined => {
  const d = Duration.decodeUnknown(by)
  return d._tag === "Some" && Duration.isFinite(d.value) ? Duration.toMillis(d.value) : undefined
}

const snapshotOf = (state: model.State, now: number): Snapshot => ({
  now,
  groups: model.ordered(state.groups),
  messages: model.ordered(state.messages),
  applications: model.ordered(state.applications),
  settings: Array.from(HashMap.values(state.settings)),
  quota: Object.fromEntries(HashMap.toEntries(state.quota)),
  images: model.ordered(state.media.images),
  leadCards: model.ordered(state.media.leadCards),
  appletTemplates: model.ordered(state.media.templates)
})

/**
 * Builds a sandbox with empty state.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const config = configOf(options)
    const state = yield* Ref.make(model.initial(config))
    // The sandbox's time: Clock plus what advanceClock added (one source for everything timed).
    const offset = yield* Ref.make(0)
    const now = Effect.zipWith(Clock.currentTimeMillis, Ref.get(offset), (t, o) => t + o)
    const webhook = options.webhook
    const deliverer = yield* delivery.make(
      webhook === undefined ? undefined : {
        url: webhook.url,
        secret: webhook.secret ?? Redacted.make(config.clientSecret),
        timeoutMillis: Duration.toMillis(Duration.decode(webhook.timeout ?? "5 seconds")),
        retries: webhook.retries ?? 3,
        retryDelayMillis: Duration.toMillis(Duration.decode(webhook.retryDelay ?? "1 second"))
      }
    )
    /** Takes the events the last steps queued and hands them to the delivery loop. */
    const drain = Effect.flatMap(
      Ref.modify(state, (s) => [s.outbox, s.outbox.length === 0 ? s : { ...s, outbox: [] }] as const),
      (payloads) => payloads.length === 0 ? Effect.void : Effect.flatMap(now, (t) => deliverer.enqueue(payloads, t))
    )
    const modify = <A>(f: (s: model.State, t: number) => readonly [A, model.State]): Effect.Effect<A> =>
      Effect.flatMap(now, (t) => Effect.tap(Ref.modify(state, (s) => f(s, t)), () => drain))

    const handle = (request: WireRequest): Effect.Effect<Outcome> =>
      modify((s, t) => router.handle(s, request, t)).pipe(
        Effect.flatMap(({ delayMillis, outcome }) =>
          delayMillis > 0 ? Effect.as(Effect.sleep(Duration.millis(delayMillis)), outcome) : Effect.succeed(outcome)
        )
      )

    const update = (f: (s: model.State) => model.State) => Ref.update(state, f)

    return {
      handle,
      maxBodyBytes: config.maxBodyBytes,
      requests: Effect.map(Ref.get(state), (s) => s.log),
      tokenOf: (openId) =>
        Effect.map(
          Ref.modify(state, (s) => adminOps.tokenOf(s, openId)),
          Redacted.make
        ),
      applyToJoin: (o) =>
        modify((s, t) => adminOps.applyToJoin(s, o, t)).pipe(
          Effect.flatMap(Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "applyToJoin", description })),
            onRight: (application) => Effect.succeed(application)
          }))
        ),
      postAsMember: (o) =>
        modify((s, t) => adminOps.postAsMember(s, { ...o, userId: o.userId ?? "sandbox-member" }, t)).pipe(
          Effect.flatMap(Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "postAsMember", description })),
            onRight: (message) => Effect.succeed(message)
          }))
        ),
      deliveries: deliverer.log,
      awaitDeliveries: deliverer.idle,
      connectWebhooks: (receive, o) =>
        deliverer.setTarget({
          url: "in-process",
          send: (d) =>
            Effect.flatMap(receive(d), (status) =>
              status >= 200 && status < 300
                ? Effect.succeed(status)
                : Effect.fail(new SandboxWebhook.DeliveryFailed({ url: "in-process", status, description: `HTTP ${status}` }))),
          secret: o?.secret ?? Redacted.make(config.clientSecret),
          timeoutMillis: Duration.toMillis(Duration.decode(o?.timeout ?? "5 seconds")),
          retries: o?.retries ?? 3,
          retryDelayMillis: Duration.toMillis(Duration.decode(o?.retryDelay ?? "1 second"))
        }),
      authorize: (o) => Effect.flatMap(now, (t) => Ref.modify(state, (s) => adminOps.authorize(s, o, t))),
      registerToken: (o) =>
        Effect.flatMap(now, (t) =>
          update((s) =>
            adminOps.registerToken(s, {
              openId: o.openId,
              token: Redacted.value(o.token),
              expiresAt: o.expiresIn === undefined ? undefined : t + Duration.toMillis(Duration.decode(o.expiresIn))
            })
          )),
      expireTokens: (openId) => Effect.flatMap(now, (t) => update((s) => adminOps.expireTokens(s, openId, t))),
      revokeAuthorization: (openId) =>
        Effect.flatMap(
          Ref.modify(state, (s) => adminOps.revokeAuthorization(s, openId)),
          Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "revokeAuthorization", description })),
            onRight: () => Effect.void
          })
        ),
      advanceClock: (by) => {
        const millis = clockStepMillis(by)
        return millis === undefined
          ? Effect.fail(new SandboxAdminError({ operation: "advanceClock", description: "by must be a finite duration" }))
          : Effect.zipRight(Ref.update(offset, (o) => o + millis), now)
      },
      setQuota: (openId, left) => update((s) => adminOps.setQuota(s, openId, left)),
      inject: (f) => update((s) => faults.addFault(s, f)),
      clearFaults: update(faults.clearFaults),
      snapshot: Effect.zipWith(Ref.get(state), now, snapshotOf),
      seed: (seed) => modify((s, t) => adminOps.seed(s, seed.creators, t)),
      reset: Effect.zipRight(Effect.zipRight(Ref.set(state, model.initial(config)), Ref.set(offset, 0)), deliverer.clear)
    } satisfies Service
  })

/**
 * The sandbox alone (no client): provide it to {@link httpApp} or use the admin operations.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<FanGroupSandbox> => Layer.scoped(FanGroupSandbox, make(options))

// ---------------------------------------------------------------------------------------------
// face 1: an in-process HttpClient

const decoder = new TextDecoder()

const bodyOf = (
  request: HttpClientRequest.HttpClientRequest
): { text: string; contentType: string | undefined; bytes?: Uint8Array | undefined } => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return { text: decoder.decode(body.body), contentType: body.contentType, bytes: body.body }
    case "Raw":
      return {
        text: typeof body.body === "string" ? body.body : body.body instanceof Uint8Array ? decoder.decode(body.body) : "",
        contentType: body.contentType
      }
    default:
      return { text: "", contentType: undefined }
  }
}

const connectionReset = () => Object.assign(new Error("socket hang up (sandbox dropped the connection)"), { code: "ECONNRESET" })

/**
 * An `HttpClient` answered by `sandbox` in-process, whatever the host of the URL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient = (sandbox: Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const { bytes, contentType, text } = bodyOf(request)
    const headers: Record<string, string> = { ...request.headers }
    if (headers["content-type"] === undefined && contentType !== undefined) headers["content-type"] = contentType
    return Effect.flatMap(
      sandbox.handle({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        bodyText: text,
        bodyBytes: bytes
      }),
      (outcome) =>
        outcome._tag === "Drop"
          ? Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: connectionReset() }))
          : Effect.succeed(
            HttpClientResponse.fromWeb(
              request,
              new Response(outcome.body, { status: outcome.status, headers: { ...outcome.headers } })
            )
          )
    )
  })

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

const adminPrefix = "/sandbox/"

const jsonResponse = (body: unknown, status = 200) =>
  HttpServerResponse.text(JSON.stringify(body ?? null), { status, contentType: "application/json" })

/**
 * A fault as the admin API takes it (`inject`); `times` `null` means for ever.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FaultSchema = Schema.Struct({
  kind: Schema.Literal("Busy", "TokenExpired", "Drop", "HttpStatus", "Latency"),
  times: Schema.optional(Schema.NullOr(Schema.Number)),
  route: Schema.optional(Schema.String),
  executed: Schema.optional(Schema.Boolean),
  status: Schema.optional(Schema.Number),
  body: Schema.optional(Schema.String),
  millis: Schema.optional(Schema.Number)
})

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
export const ClockStep = Schema.Union(
  Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  Schema.String.pipe(Schema.filter((s) => {
    const d = Duration.decodeUnknown(s)
    return d._tag === "Some" && Duration.isFinite(d.value) ? undefined : "a duration such as \"16 days\" or \"90 minutes\""
  }))
)

/**
 * The body of `POST /sandbox/admin`: one operation, `{ "op": …, … }` (the README of the package
 * has the table). The answer is `{ "result": … }`, or `{ "error": … }` with HTTP 400 (not one of
 * these) or 409 (the operation failed). {@link makeRemote} is the typed client.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AdminRequest = Schema.Union(
  Schema.Struct({ op: Schema.Literal("applyToJoin"), groupId: Schema.String, userId: Schema.optional(Schema.String) }),
  Schema.Struct({ op: Schema.Literal("authorize"), openId: Schema.String, scope: Schema.optional(Schema.String) }),
  Schema.Struct({
    op: Schema.Literal("registerToken"),
    openId: Schema.String,
    token: Schema.String,
    expiresInMillis: Schema.optional(Schema.Number)
  }),
  Schema.Struct({ op: Schema.Literal("expireTokens"), openId: Schema.String }),
  Schema.Struct({ op: Schema.Literal("revokeAuthorization"), openId: Schema.String }),
  Schema.Struct({ op: Schema.Literal("advanceClock"), by: ClockStep }),
  Schema.Struct({ op: Schema.Literal("setQuota"), openId: Schema.String, left: Schema.Number }),
  Schema.Struct({ op: Schema.Literal("inject"), fault: FaultSchema }),
  Schema.Struct({ op: Schema.Literal("clearFaults") }),
  Schema.Struct({ op: Schema.Literal("snapshot") }),
  Schema.Struct({ op: Schema.Literal("seed"), seed: Seed }),
  Schema.Struct({
    op: Schema.Literal("postAsMember"),
    groupId: Schema.String,
    userId: Schema.optional(Schema.String),
    text: Schema.String
  }),
  Schema.Struct({ op: Schema.Literal("deliveries") }),
  Schema.Struct({ op: Schema.Literal("reset") })
)
/**
 * @since 0.1.0
 * @category schemas
 */
export type AdminRequest = typeof AdminRequest.Type

const faultFromJson = (f: typeof FaultSchema.Type): Fault =>
  fault(f.kind, { times: f.times ?? Infinity, route: f.route }, {
    executed: f.executed ?? true,
    status: f.status ?? 0,
    body: f.body ?? "",
    millis: f.millis ?? 0
  })

const runAdmin = (sandbox: Service, request: AdminRequest): Effect.Effect<unknown, SandboxAdminError> => {
  switch (request.op) {
    case "applyToJoin":
      return sandbox.applyToJoin({ groupId: request.groupId, userId: request.userId })
    case "authorize":
      return Effect.map(sandbox.authorize({ openId: request.openId, scope: request.scope }), (code) => ({ code }))
    case "registerToken":
      return sandbox.registerToken({
        openId: request.openId,
        token: Redacted.make(request.token),
        expiresIn: request.expiresInMillis === undefined ? undefined : Duration.millis(request.expiresInMillis)
      })
    case "expireTokens":
      return sandbox.expireTokens(request.openId)
    case "revokeAuthorization":
      return sandbox.revokeAuthorization(request.openId)
    case "advanceClock":
      return Effect.map(sandbox.advanceClock(request.by as Duration.DurationInput), (now) => ({ now }))
    case "setQuota":
      return sandbox.setQuota(request.openId, request.left)
    case "inject":
      return sandbox.inject(faultFromJson(request.fault))
    case "clearFaults":
      return sandbox.clearFaults
    case "snapshot":
      return sandbox.snapshot
    case "seed":
      return sandbox.seed(request.seed)
    case "postAsMember":
      return sandbox.postAsMember({ groupId: request.groupId, userId: request.userId, text: request.text })
    case "deliveries":
      return sandbox.deliveries
    case "reset":
      return sandbox.reset
  }
}

const decodeAdmin = Schema.decodeUnknownEither(Schema.parseJson(AdminRequest))

interface DestroyableSource {
  readonly socket?: { readonly destroy?: () => void } | undefined
}

/**
 * Face 2: the sandbox as an `HttpApp`, to serve on a real socket (e.g.
 * `HttpServer.serve(FanGroupSandbox.httpApp)` with `NodeHttpServer.layer`). Douyin paths are
 * answered as the real API would; `POST /sandbox/admin` with `{ "op": …, … }` runs an
 * {@link Admin} operation (see {@link makeRemote}). A dropped connection destroys the
 * socket when the server is Node's; elsewhere it answers 502 without an envelope.
 *
 * @since 0.1.0
 * @category http
 */
export const httpApp: HttpApp.Default<never, FanGroupSandbox | HttpServerRequest.HttpServerRequest> = Effect.gen(
  function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const sandbox = yield* FanGroupSandbox
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > sandbox.maxBodyBytes) {
      return HttpServerResponse.text("<html><body>413 Request Entity Too Large</body></html>", {
        status: 413,
        contentType: "text/html",
        headers: { connection: "close" }
      })
    }
    const bodyBytes = new Uint8Array(yield* Effect.orElseSucceed(request.arrayBuffer, () => new ArrayBuffer(0)))
    const bodyText = decoder.decode(bodyBytes)
    const url = new URL(request.url, "http://sandbox.invalid")
    if (url.pathname === adminPrefix && request.method === "GET") {
      return HttpServerResponse.text(inspector.page, { contentType: "text/html; charset=utf-8" })
    }
    if (url.pathname.startsWith(adminPrefix)) {
      if (url.pathname !== `${adminPrefix}admin` || request.method !== "POST") {
        return jsonResponse({ error: "use POST /sandbox/admin" }, 404)
      }
      return yield* Either.match(decodeAdmin(bodyText), {
        onLeft: (e) => Effect.succeed(jsonResponse({ error: describeParseError(e) }, 400)),
        onRight: (admin) =>
          runAdmin(sandbox, admin).pipe(
            Effect.map((result) => jsonResponse({ result })),
            Effect.catchAll((e) => Effect.succeed(jsonResponse({ error: e.description }, 409)))
          )
      })
    }
    const outcome = yield* sandbox.handle({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      bodyText,
      bodyBytes
    })
    if (outcome._tag === "Drop") {
      const socket = (request.source as DestroyableSource).socket
      if (socket?.destroy !== undefined) {
        socket.destroy()
        return yield* Effect.interrupt
      }
      return HttpServerResponse.text("connection dropped by the sandbox", { status: 502 })
    }
    return HttpServerResponse.text(outcome.body, {
      status: outcome.status,
      headers: outcome.headers,
      contentType: outcome.headers["content-type"] ?? "application/json"
    })
  }
)

// ---------------------------------------------------------------------------------------------
// admin over HTTP

/**
 * The {@link Admin} operations of a sandbox served by {@link httpApp} at `baseUrl`
 * (e.g. the URL `pnpm sandbox` prints).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRemote = (baseUrl: string): Effect.Effect<Admin, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (http) => {
    const url = `${baseUrl.replace(/\/+$/, "")}${adminPrefix}admin`
    const call = (request: AdminRequest): Effect.Effect<unknown, SandboxAdminError> =>
      http.execute(HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(url), request)).pipe(
        Effect.flatMap((response) => Effect.map(response.json, (json) => ({ status: response.status, json }))),
        Effect.mapError((e) => new SandboxAdminError({ operation: request.op, description: e.message })),
        Effect.flatMap(({ json, status }) => {
          const body = json as { readonly result?: unknown; readonly error?: string }
          return status === 200
            ? Effect.succeed(body.result)
            : Effect.fail(new SandboxAdminError({ operation: request.op, description: body.error ?? `HTTP ${status}` }))
        })
      )
    return {
      applyToJoin: (o) =>
        call({ op: "applyToJoin", groupId: o.groupId, ...(o.userId === undefined ? {} : { userId: o.userId }) }) as Effect.Effect<
          Application,
          SandboxAdminError
        >,
      authorize: (o) =>
        Effect.map(
          call({ op: "authorize", openId: o.openId, ...(o.scope === undefined ? {} : { scope: o.scope }) }),
          (r) => (r as { readonly code: string }).code
        ),
      registerToken: (o) =>
        Effect.asVoid(call({
          op: "registerToken",
          openId: o.openId,
          token: Redacted.value(o.token),
          ...(o.expiresIn === undefined ? {} : { expiresInMillis: Duration.toMillis(Duration.decode(o.expiresIn)) })
        })),
      expireTokens: (openId) => Effect.asVoid(call({ op: "expireTokens", openId })),
      revokeAuthorization: (openId) => Effect.asVoid(call({ op: "revokeAuthorization", openId })),
      advanceClock: (by) => {
        const millis = clockStepMillis(by)
        return millis === undefined
          ? Effect.fail(new SandboxAdminError({ operation: "advanceClock", description: "by must be a finite duration" }))
          : Effect.map(call({ op: "advanceClock", by: millis }), (r) => (r as { readonly now: number }).now)
      },
      setQuota: (openId, left) => Effect.asVoid(call({ op: "setQuota", openId, left })),
      inject: (f) =>
        Effect.asVoid(call({
          op: "inject",
          fault: {
            kind: f.kind,
            times: Number.isFinite(f.times) ? f.times : null,
            ...(f.route === undefined ? {} : { route: f.route }),
            executed: f.executed,
            status: f.status,
            body: f.body,
            millis: f.millis
          }
        })),
      clearFaults: Effect.asVoid(call({ op: "clearFaults" })),
      snapshot: call({ op: "snapshot" }) as Effect.Effect<Snapshot, SandboxAdminError>,
      seed: (seed) => call({ op: "seed", seed }) as Effect.Effect<ReadonlyArray<SeededCreator>, SandboxAdminError>,
      postAsMember: (o) =>
        call({
          op: "postAsMember",
          groupId: o.groupId,
          text: o.text,
          ...(o.userId === undefined ? {} : { userId: o.userId })
        }) as Effect.Effect<
          Message,
          SandboxAdminError
        >,
      deliveries: call({ op: "deliveries" }) as Effect.Effect<ReadonlyArray<DeliveryRecord>, SandboxAdminError>,
      reset: Effect.asVoid(call({ op: "reset" }))
    } satisfies Admin
  })
