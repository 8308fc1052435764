/**
 * The sandbox's contract as types: its options, the admin operations, the service, a snapshot
 * (the public module re-exports each under its name, with the documentation).
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type * as SandboxWebhook from "../SandboxWebhook.js"
import type { SandboxAdminError } from "./adminError.js"
import type { DeliveryRecord } from "./delivery.js"
import type * as mediaModel from "./mediaModel.js"
import type { Application, Fault, Group, Message, Outcome, Recorded, Setting, WireRequest } from "./model.js"
import type { Seed } from "./schemas.js"

/**
 * The sandbox's data, in creation order.
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
  readonly images: ReadonlyArray<mediaModel.Image>
  /**
   * Lead cards (`status` 0 approved; the sandbox approves at once).
   *
   * @since 0.3.0
   */
  readonly leadCards: ReadonlyArray<mediaModel.LeadCard>
  /**
   * Mini-program card templates (`status` 1 approved; the sandbox approves at once).
   *
   * @since 0.3.0
   */
  readonly appletTemplates: ReadonlyArray<mediaModel.AppletTemplate>
}

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
 * A seeded creator and the token the sandbox accepts for it.
 */
export interface SeededCreator {
  readonly openId: string
  readonly accessToken: string
}

/**
 * What a test or demo can do that no Douyin endpoint does: simulate users, control tokens,
 * quota and faults, read the state. Served in-process by {@link FanGroupSandbox} and over
 * HTTP by {@link makeRemote}.
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

export interface Service extends Admin {
  /** Answers one wire request; both faces go through here. Latency faults sleep on `Clock`. */
  readonly handle: (request: WireRequest) => Effect.Effect<Outcome>
  /** Requests received so far, oldest first (bounded by `requestLogLimit`). */
  readonly requests: Effect.Effect<ReadonlyArray<Recorded>>
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
